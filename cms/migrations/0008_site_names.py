"""Sites without a name get the product's name, so the admin is titled by it rather than the hostname."""

from django.conf import settings
from django.db import migrations


def name_sites(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    Site.objects.filter(site_name="").update(site_name=settings.WAGTAIL_SITE_NAME)


class Migration(migrations.Migration):
    dependencies = [("cms", "0007_task_paths_by_package"), ("wagtailcore", "0046_site_name_remove_null")]

    operations = [migrations.RunPython(name_sites, migrations.RunPython.noop)]
