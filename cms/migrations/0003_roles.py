"""Create the role groups: Learners, Trainers, Supervisors. Administrators are superusers."""

from django.db import migrations

from cms.people.roles import LEARNERS, ROLE_GROUPS, SUPERVISORS, TRAINERS, model_permission

MEDIA = [("wagtailimages", "image"), ("wagtaildocs", "document")]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    # Wagtail's generic starter groups would compete with the project's roles, and its starter
    # "Moderators approval" workflow would send trainers' work to a group nobody is in.
    Group.objects.filter(name__in=["Editors", "Moderators"], user__isnull=True).delete()
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowPage.objects.filter(workflow__name="Moderators approval").delete()
    Workflow.objects.filter(name="Moderators approval").update(active=False)
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)

    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for name in (TRAINERS, SUPERVISORS):
        Group.objects.get(name=name).permissions.add(access_admin)

    trainers = Group.objects.get(name=TRAINERS)
    root_collection = Collection.objects.get(depth=1)
    for app_label, model in MEDIA:
        for action in ("add", "change", "delete", "choose"):
            permission = model_permission(apps, app_label, model, action)
            GroupCollectionPermission.objects.get_or_create(
                group=trainers, collection=root_collection, permission=permission
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[LEARNERS, TRAINERS, SUPERVISORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_pages_and_teams"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
