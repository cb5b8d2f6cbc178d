"""Trainers author programs and certificate templates; supervisors see their people's hours to review them."""

from django.db import migrations

from cms.people.roles import SUPERVISORS, TRAINERS, grant_model_permissions


def grant(apps, schema_editor):
    for model in ("program", "certificatetemplate"):
        grant_model_permissions(apps, TRAINERS, "certificates", model, ["add", "change", "delete", "view"])
    grant_model_permissions(apps, SUPERVISORS, "certificates", "cecredit", ["view"])


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial"), ("cms", "0003_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
