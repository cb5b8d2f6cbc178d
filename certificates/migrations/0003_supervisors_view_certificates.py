"""Supervisors may download their teams' certificates (administrators, as superusers, already can)."""

from django.db import migrations

from cms.people.roles import SUPERVISORS, grant_model_permissions


def grant(apps, schema_editor):
    grant_model_permissions(apps, SUPERVISORS, "certificates", "certificate", ["view"])


class Migration(migrations.Migration):
    dependencies = [("certificates", "0002_role_permissions")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
