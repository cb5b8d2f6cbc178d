"""Names of the role groups created by the `cms` data migration.

Administrators are superusers and need no group.
"""

LEARNERS = "Learners"
TRAINERS = "Trainers"
SUPERVISORS = "Supervisors"

ROLE_GROUPS = (LEARNERS, TRAINERS, SUPERVISORS)


def model_permission(apps, app_label: str, model: str, action: str):
    """Return a model permission, creating it if post_migrate has not run yet.

    For use in data migrations: ``apps`` is the migration's historical app registry.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=f"{action}_{model}", defaults={"name": f"Can {action} {model}"}
    )
    return permission


def grant_model_permissions(apps, group_name: str, app_label: str, model: str, actions: list[str]) -> None:
    """Give a role group permissions on a model, in a data migration."""
    group = apps.get_model("auth", "Group").objects.get(name=group_name)
    group.permissions.add(*(model_permission(apps, app_label, model, action) for action in actions))
