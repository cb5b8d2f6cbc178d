"""Background tasks queued or failed under the module paths they had before the apps were grouped into
packages point at their new homes, so a deploy with tasks waiting loses none of them."""

from django.db import migrations

MOVED = {
    "certificates.tasks.certificate_render_pdf": "certificates.issuance.tasks.certificate_render_pdf",
    "certificates.tasks.certificate_email_issued": "certificates.issuance.tasks.certificate_email_issued",
    "certificates.tasks.certificate_email_reminder": "certificates.issuance.tasks.certificate_email_reminder",
    "certificates.tasks.assignment_email_due_reminder": "certificates.tracking.tasks.assignment_email_due_reminder",
    "cms.account_emails.password_reset_email_send": "cms.people.account_emails.password_reset_email_send",
    "cms.account_emails.signup_email_send": "cms.people.account_emails.signup_email_send",
}


def rename(apps, mapping):
    for model in (apps.get_model("django_tasks_database", "DBTaskResult"), apps.get_model("cms", "TaskFailure")):
        for old, new in mapping.items():
            model.objects.filter(task_path=old).update(task_path=new)


def forwards(apps, schema_editor):
    rename(apps, MOVED)


def backwards(apps, schema_editor):
    rename(apps, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0006_name_characters"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
