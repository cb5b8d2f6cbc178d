from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self):
        # The receivers that retire cached course shapes when content changes.
        from .catalogue import outline  # noqa: F401
