from django.core.management.base import BaseCommand

from cms.site.services import site_home_ensure
from courses.catalogue.services import catalog_ensure


class Command(BaseCommand):
    help = "Create the home page and the course catalog, and give Trainers edit rights on the catalog. Idempotent."

    def handle(self, *args, **options):
        home = site_home_ensure()
        catalog = catalog_ensure(home=home)
        self.stdout.write(f"Site ready: home page {home.pk}, catalog {catalog.url_path!r}.")
