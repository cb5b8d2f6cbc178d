from django.core.management.base import BaseCommand

from cms.services import site_home_ensure
from courses.services import catalogue_ensure


class Command(BaseCommand):
    help = "Create the home page and the course catalogue, and give Trainers edit rights on the catalogue. Idempotent."

    def handle(self, *args, **options):
        home = site_home_ensure()
        catalogue = catalogue_ensure(home=home)
        self.stdout.write(f"Site ready: home page {home.pk}, catalogue {catalogue.url_path!r}.")
