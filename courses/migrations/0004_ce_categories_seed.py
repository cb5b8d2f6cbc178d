"""Seed CE hour categories from the boards' rules (IC&RC domains, ethics, peer-specific); trainers manage them."""

from django.db import migrations

from cms.people.roles import TRAINERS, grant_model_permissions

CATEGORIES = [
    ("Ethics", "Ethical responsibility, law and ethics, confidentiality and boundaries."),
    ("Peer-specific", "Peer support practice: recovery story, mutuality, engagement."),
    ("Advocacy", "Advocating for people in recovery and for systems change."),
    ("Mentoring and education", "Mentoring, coaching and education for people in recovery."),
    ("Recovery and wellness support", "Recovery planning, wellness and community resources."),
    ("Perinatal and family", "Pregnancy, birth, postpartum and parenting with substance use disorders."),
]


def seed(apps, schema_editor):
    CECategory = apps.get_model("courses", "CECategory")
    for name, description in CATEGORIES:
        CECategory.objects.get_or_create(name=name, defaults={"description": description})
    grant_model_permissions(apps, TRAINERS, "courses", "cecategory", ["add", "change", "delete", "view"])


class Migration(migrations.Migration):
    dependencies = [("courses", "0003_ce_hours"), ("cms", "0003_roles")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
