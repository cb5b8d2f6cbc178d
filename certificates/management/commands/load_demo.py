import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessments.demo.quizzes import load_final, load_quizzes, quiz_create_from_data
from cms.models import Team
from cms.people.demo import DEMO_ACCOUNTS, DEMO_TEAM, demo_accounts_ensure
from cms.people.roles import LEARNERS, SUPERVISORS, TRAINERS
from cms.site.services import site_home_ensure
from courses.catalogue.services import catalog_ensure
from courses.demo.curriculum import course_create_from_curriculum, load_curriculum
from courses.models import ModulePage
from courses.progress.selectors import course_outline
from courses.progress.services import enrollment_create, lesson_complete

from ...demo.certification import demo_certification_ensure
from ...tracking.services import team_members_enroll

DEFAULT_PASSWORD = "demo-pass-2026"  # noqa: S105 - documented demo password, refused in production
ROLE_LABELS = {LEARNERS: "Learner", TRAINERS: "Trainer", SUPERVISORS: "Supervisor", "admin": "Administrator"}
# How many lessons two team members have finished, so the demo has progress to show; others are
# certified in several states by `demo_certification_ensure`.
DEMO_PROGRESS = {"bea.nguyen@example.org": 5, "casey.morgan@example.org": 2}


class Command(BaseCommand):
    help = (
        "Load the demo curriculum and demo accounts (password from DEMO_PASSWORD). "
        "Idempotent: a second run changes nothing. Refused under production settings."
    )

    def add_arguments(self, parser):
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins; load nothing.")
        parser.add_argument("--no-logins", action="store_true", help="Load the demo without printing the logins.")

    def handle(self, *args, logins=False, no_logins=False, **options):
        if not getattr(settings, "DEMO_CONTENT_ALLOWED", False):
            raise CommandError(
                "load_demo is refused under production settings: it creates accounts with a known password."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        if logins:
            self._print_logins(password)
            return

        home = site_home_ensure()
        catalog = catalog_ensure(home=home)
        course, created = course_create_from_curriculum(catalog=catalog, data=load_curriculum())
        self.stdout.write(("Created" if created else "Already present:") + f" course {course.title!r}")
        final = load_final()
        # The final is loaded once its items are written; without them no one could pass it.
        for data in [*load_quizzes(), *([final] if final["questions"] else [])]:
            quiz, quiz_created = quiz_create_from_data(data)
            module = ModulePage.objects.child_of(course).filter(slug=data["module"]).first()
            if quiz_created and module is not None and module.quiz_id is None:
                module.quiz = quiz
                module.save_revision().publish()
        users = demo_accounts_ensure(password=password)
        # The demo team's people take on whatever work is already assigned to the team.
        team_members_enroll(team=Team.objects.get(name=DEMO_TEAM))
        if created:
            lessons = [entry.lesson for entry in course_outline(course=course, user=users[LEARNER_EMAIL]).lessons]
            for email, done in DEMO_PROGRESS.items():
                enrollment_create(user=users[email], course=course)
                for lesson in lessons[:done]:
                    lesson_complete(user=users[email], lesson=lesson)
        program = demo_certification_ensure(course=course, users=users, admin=users["admin@example.org"])
        self.stdout.write(f"Certification program: {program.name!r}")
        if not no_logins:
            self._print_logins(password)

    def _print_logins(self, password: str) -> None:
        shown = "as set in DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else password
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password: {shown}):"))
        for account in DEMO_ACCOUNTS[:4]:
            self.stdout.write(f"  {ROLE_LABELS[account.role]:<14} {account.email}")


LEARNER_EMAIL = "learner@example.org"
