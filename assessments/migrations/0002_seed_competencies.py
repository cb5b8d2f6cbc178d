"""Seed SAMHSA's twelve competency categories and let Trainers edit competencies.

These are starting data: trainers can rename, describe, reorder or add competencies.
"""

from django.db import migrations

from cms.people.roles import TRAINERS, grant_model_permissions

FRAMEWORK = "SAMHSA Core Competencies for Peer Workers in Behavioral Health Services (2015)"

SEEDS = [
    ("engages-relationships", "Engages peers in collaborative and caring relationships"),
    ("provides-support", "Provides support"),
    ("shares-lived-experience", "Shares lived experiences of recovery"),
    ("personalizes-support", "Personalizes peer support"),
    ("supports-recovery-planning", "Supports recovery planning"),
    ("links-to-resources", "Links to resources, services, and supports"),
    ("provides-wellness-information", "Provides information about skills related to health, wellness, and recovery"),
    ("helps-manage-crises", "Helps peers to manage crises"),
    ("values-communication", "Values communication"),
    ("supports-collaboration", "Supports collaboration and teamwork"),
    ("promotes-leadership-advocacy", "Promotes leadership and advocacy"),
    ("promotes-growth", "Promotes growth and development"),
]


def seed(apps, schema_editor):
    Competency = apps.get_model("assessments", "Competency")
    for order, (code, name) in enumerate(SEEDS, start=1):
        Competency.objects.get_or_create(
            code=code, defaults={"name": name, "framework": FRAMEWORK, "sort_order": order}
        )
    grant_model_permissions(apps, TRAINERS, "assessments", "competency", ["add", "change", "delete"])


def unseed(apps, schema_editor):
    apps.get_model("assessments", "Competency").objects.filter(code__in=[code for code, _ in SEEDS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("cms", "0003_roles"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
