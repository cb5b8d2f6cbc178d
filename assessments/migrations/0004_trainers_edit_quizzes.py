"""Trainers author quizzes: add, change, delete, publish, lock and unlock."""

from django.db import migrations

from cms.people.roles import TRAINERS, grant_model_permissions


def grant(apps, schema_editor):
    grant_model_permissions(
        apps, TRAINERS, "assessments", "quiz", ["add", "change", "delete", "publish", "lock", "unlock"]
    )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_quiz_masterythreshold")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
