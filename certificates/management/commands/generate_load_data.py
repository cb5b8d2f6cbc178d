"""Generate a large, realistic data set of teams, learners and certification history for load testing."""

import random
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assessments.models import Attempt, Quiz
from cms.models import Team
from cms.people.roles import LEARNERS, SUPERVISORS
from courses.models import Enrollment, LessonCompletion, LessonPage, ModulePage

from ...demo import PROGRAM_NAME
from ...models import Assignment, CECredit, Certificate, CertificateEvent, Program, SerialCounter
from ...services import _program_facts, add_months
from .load_demo import DEFAULT_PASSWORD

User = get_user_model()

EMAIL_DOMAIN = "load.example.org"
TEAM_PREFIX = "Peer team"
BATCH = 2000
SYSTEM = "System"
FIRST_NAMES = (
    "Aaliyah Alex Amara Andre Ana Beatriz Bea Brandon Camila Casey Chen Dana Darius Dee Diego Elena Emery Fatima "
    "Frankie Gabriel Grace Hana Imani Isaac Jamal Jordan Josefina Kai Keisha Lena Luis Malik Maya Mei Nadia Noah "
    "Omar Priya Quinn Rafael Renee Rosa Samir Sofia Tamika Theo Uma Valentina Wes Xavier Yara Zoe"
).split()
LAST_NAMES = (
    "Abernathy Alvarez Begay Brooks Castillo Chen Davis Delgado Eagleheart Edwards Flores Franklin Garcia Haddad "
    "Harris Ibrahim Jackson Johnson Kim Kowalski Lee Lopez Martinez Morgan Nguyen Novak Okafor Okoro Patel Perez "
    "Quintero Ramirez Rivera Robinson Santos Schmidt Singh Thompson Torres Tran Walker Washington Whitfield "
    "Williams Xiong Yazzie Young Zamora"
).split()
REGIONS = (
    "Riverside Lakeview Hillcrest Northgate Southfield Eastbrook Westmoor Cedar Valley Harbor Point Maple Ridge "
    "Pine Hollow Stonebridge Fairview Oak Park"
).split()
# What happens to a learner, with its share of all learners.
PROFILES = {
    "not_started": 12,
    "in_progress": 28,
    "passed": 3,
    "valid": 33,
    "expiring": 8,
    "expired": 8,
    "revoked": 2,
    "renewed": 6,
}
EXTERNAL_TRAINING = (
    ("Ethics and boundaries refresher", "State Peer Support Association", "Ethics"),
    ("Motivational interviewing for peer supporters", "Riverside Community College", "Peer-specific"),
    (
        "Supporting families through pregnancy and postpartum",
        "Regional Perinatal Collaborative",
        "Perinatal and family",
    ),
    ("Trauma-informed peer support", "Center for Recovery Practice", "Peer-specific"),
)


@contextmanager
def dates_as_given(*fields):
    """Let bulk_create keep the dates set on objects for fields that normally take the current time."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


class Command(BaseCommand):
    help = (
        "Generate load-test data: teams with one supervisor each and learners with enrollments, progress, "
        "quiz attempts, certificates in every state, CE hours and program assignments. Uses the demo course "
        "and program (loading the demo first when missing). Refused under production settings."
    )

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=10000)
        parser.add_argument("--teams", type=int, default=200)
        parser.add_argument("--seed", type=int, default=1, help="Random seed, for the same shape of data again.")

    def handle(self, *args, learners, teams, seed, **options):
        if not getattr(settings, "DEMO_CONTENT_ALLOWED", False):
            raise CommandError("generate_load_data is refused under production settings.")
        if learners < 1 or teams < 1 or teams > learners:
            raise CommandError("Give at least one learner, at least one team, and no more teams than learners.")
        self.rng = random.Random(seed)  # noqa: S311 - data shape, not secrets
        self.now = timezone.now()
        self.today = timezone.localdate()
        program = Program.objects.filter(name=PROGRAM_NAME).first()
        if program is None:
            call_command("load_demo", stdout=self.stdout)
            program = Program.objects.get(name=PROGRAM_NAME)
        self.program = program
        self.course = program.required_courses.select_related("course").first().course
        self._outline()
        started = timezone.now()
        with transaction.atomic():
            summary = self._generate(learners, teams)
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(self.style.SUCCESS(f"Generated in {seconds:.1f}s for program {program.name!r}:"))
        for label, count in summary.items():
            self.stdout.write(f"  {label:<28} {count:>9,}")
        self.stdout.write(f"Generated accounts use the demo password and end in @{EMAIL_DOMAIN}.")

    def _outline(self):
        """The course's lessons in order, grouped by module, with each module's quiz and a submitted attempt to copy."""
        modules = list(ModulePage.objects.live().descendant_of(self.course).order_by("path"))
        self.lessons = list(LessonPage.objects.live().descendant_of(self.course).order_by("path"))
        self.modules = []  # (index of the module's last lesson, quiz or None)
        for module in modules:
            indexes = [i for i, lesson in enumerate(self.lessons) if lesson.path.startswith(module.path)]
            quiz = Quiz.objects.filter(pk=module.quiz_id, live=True).first() if module.quiz_id else None
            if indexes:
                self.modules.append((max(indexes), quiz))
        self.templates = {}
        for _last, quiz in self.modules:
            if quiz is None:
                continue
            attempt = (
                Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False, passed=True).order_by("-score").first()
            )
            if attempt is None:
                raise CommandError(f"No passed attempt at {quiz} to copy; run load_demo first.")
            self.templates[quiz.pk] = attempt
        self.credit_hours = list(self.course.ce_hours.select_related("category"))
        self.categories = {row.category.name: row.category for row in self.credit_hours}
        self.facts = _program_facts(
            Program.objects.select_related("template").prefetch_related("hours__category").get(pk=self.program.pk)
        )

    def _generate(self, learner_count: int, team_count: int) -> dict:
        rng = self.rng
        offset = User.objects.filter(email__endswith="@" + EMAIL_DOMAIN).count()
        team_offset = Team.objects.filter(name__startswith=TEAM_PREFIX).count()
        password = make_password(DEFAULT_PASSWORD)
        admin = User.objects.filter(is_superuser=True).order_by("pk").first()

        def person(n: int, role: str) -> User:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            joined = self.now - timedelta(days=rng.randint(30, 1200))
            email = f"{first}.{last}.{role}{n}@{EMAIL_DOMAIN}".lower()
            return User(email=email, full_name=f"{first} {last}", password=password, date_joined=joined)

        supervisors = User.objects.bulk_create([person(offset + i, "s") for i in range(team_count)], batch_size=BATCH)
        people = User.objects.bulk_create(
            [person(offset + team_count + i, "l") for i in range(learner_count)], batch_size=BATCH
        )
        groups = {g.name: g for g in Group.objects.filter(name__in=[LEARNERS, SUPERVISORS])}
        membership = User.groups.through
        membership.objects.bulk_create(
            [membership(user_id=u.pk, group_id=groups[SUPERVISORS].pk) for u in supervisors]
            + [membership(user_id=u.pk, group_id=groups[LEARNERS].pk) for u in people],
            batch_size=BATCH,
        )
        team_list = Team.objects.bulk_create(
            [
                Team(
                    name=f"{TEAM_PREFIX} {team_offset + i + 1:04d}, {rng.choice(REGIONS)}",
                    description="Peer support specialists at a partner clinic.",
                )
                for i in range(team_count)
            ]
        )
        Team.supervisors.through.objects.bulk_create(
            [Team.supervisors.through(team_id=t.pk, user_id=s.pk) for t, s in zip(team_list, supervisors, strict=True)]
        )
        # Learners split evenly over the teams; a few belong to a second team too.
        members = [(team_list[i % team_count].pk, u.pk) for i, u in enumerate(people)]
        members += [
            (rng.choice(team_list).pk, u.pk) for u in rng.sample(people, k=learner_count // 50) if team_count > 1
        ]
        Team.members.through.objects.bulk_create(
            [Team.members.through(team_id=t, user_id=u) for t, u in set(members)], batch_size=BATCH
        )

        profiles = rng.choices(list(PROFILES), weights=list(PROFILES.values()), k=learner_count)
        rows = {"enrollments": [], "completions": [], "attempts": [], "credits": []}
        certificates = []  # (user, profile, issued_at)
        for user, profile in zip(people, profiles, strict=True):
            self._learner(user, profile, rows, certificates)
        with dates_as_given(
            Enrollment._meta.get_field("enrolled_at"),
            LessonCompletion._meta.get_field("completed_at"),
            Attempt._meta.get_field("started_at"),
        ):
            Enrollment.objects.bulk_create(rows["enrollments"], batch_size=BATCH)
            LessonCompletion.objects.bulk_create(rows["completions"], batch_size=BATCH)
            Attempt.objects.bulk_create(rows["attempts"], batch_size=500)
        issued = self._certificates(certificates, admin, rows["credits"])
        CECredit.objects.bulk_create(rows["credits"], batch_size=BATCH)
        assignments = self._assignments(team_list, people, supervisors, admin)

        states = Counter(c.status(self.today).code for c in issued)
        return {
            "teams": team_count,
            "supervisors": team_count,
            "learners": learner_count,
            "enrollments": len(rows["enrollments"]),
            "lesson completions": len(rows["completions"]),
            "submitted attempts": len(rows["attempts"]),
            **{f"certificates {code}": states[code] for code in ("valid", "expiring", "expired", "revoked")},
            "certificates superseded": states["superseded"],
            "CE hours entries": len(rows["credits"]),
            "program assignments": assignments,
        }

    def _learner(self, user, profile: str, rows: dict, certificates: list) -> None:
        """One learner's history, in rows waiting for bulk_create."""
        rng = self.rng
        lesson_count = len(self.lessons)
        if profile == "not_started":
            if rng.random() < 0.5:
                when = self.now - timedelta(days=rng.randint(1, 120))
                rows["enrollments"].append(
                    Enrollment(user=user, course=self.course, enrolled_at=when, last_activity_at=when)
                )
            return
        if profile == "in_progress":
            done = rng.randint(1, max(lesson_count - 1, 1))
            finished_at = self.now - timedelta(days=rng.randint(0, 180), minutes=rng.randint(0, 1440))
        else:
            done = lesson_count
            days_ago = {
                "passed": (0, 20),
                "valid": (1, 620),
                "expiring": (645, 725),
                "expired": (740, 1000),
                "revoked": (30, 400),
                "renewed": (735, 800),
            }[profile]
            finished_at = self.now - timedelta(days=rng.randint(*days_ago), minutes=rng.randint(0, 1440))
        start = finished_at - timedelta(days=rng.randint(3, 40))
        step = (finished_at - start) / max(done, 1)
        for i, lesson in enumerate(self.lessons[:done]):
            rows["completions"].append(LessonCompletion(user=user, lesson=lesson, completed_at=start + step * (i + 1)))
        rows["enrollments"].append(
            Enrollment(
                user=user,
                course=self.course,
                enrolled_at=start,
                last_lesson=self.lessons[done - 1],
                last_activity_at=finished_at,
            )
        )
        for last_index, quiz in self.modules:
            if quiz is None:
                continue
            module_done = last_index < done
            if not module_done and last_index > done:
                break  # has not reached this module yet
            when = start + step * (last_index + 1) + timedelta(minutes=rng.randint(5, 90))
            tries = []
            if rng.random() < 0.25 or not module_done:
                tries.append(False)
            if module_done:
                tries.append(True)
            for number, passes in enumerate(tries, start=1):
                rows["attempts"].append(self._attempt(user, quiz, number, passes, when + timedelta(hours=number)))
        if profile == "in_progress":
            return
        for row in self.credit_hours:
            rows["credits"].append(
                CECredit(
                    user=user,
                    source=CECredit.Source.COURSE,
                    course=self.course,
                    title=self.course.title,
                    earned_on=timezone.localdate(finished_at),
                    category=row.category,
                    hours=row.hours,
                    state=CECredit.State.APPROVED,
                )
            )
        if profile != "passed":
            certificates.append((user, profile, finished_at + timedelta(minutes=2)))

    def _attempt(self, user, quiz: Quiz, number: int, passes: bool, when) -> Attempt:
        """A submitted attempt shaped like a real one: a passing copy, or one scaled down below the pass mark."""
        template = self.templates[quiz.pk]
        share = 1.0 if passes and self.rng.random() < 0.6 else None
        if share is None:
            low, high = (quiz.pass_mark / 100 + 0.01, 0.99) if passes else (0.3, quiz.pass_mark / 100 - 0.05)
            share = self.rng.uniform(low, max(low, high))

        def scaled(total: dict) -> dict:
            earned = round(total["possible"] * share * 4) / 4
            return {**total, "earned": earned} | (
                {"percent": round(100 * earned / total["possible"], 2) if total["possible"] else 0.0}
                if "percent" in total
                else {}
            )

        result = template.result
        result = {
            **scaled({"earned": result["earned"], "possible": result["possible"]}),
            "competencies": {code: scaled(c) for code, c in result["competencies"].items()},
            "questions": {key: scaled(q) for key, q in result["questions"].items()},
        }
        score = round(100 * result["earned"] / result["possible"], 2) if result["possible"] else 0.0
        return Attempt(
            user=user,
            quiz=quiz,
            revision_id=template.revision_id,
            number=number,
            snapshot=template.snapshot,
            question_keys=template.question_keys,
            option_orders=template.option_orders,
            started_at=when - timedelta(minutes=self.rng.randint(8, 40)),
            submitted_at=when,
            score=score,
            passed=score >= quiz.pass_mark,
            result=result,
        )

    def _serials(self, years: list[int]) -> dict[int, iter]:
        """Numbers reserved from each year's SerialCounter, so certificates issued later never collide."""
        reserved = {}
        for year, count in Counter(years).items():
            counter, _ = SerialCounter.objects.select_for_update().get_or_create(year=year)
            first = counter.last + 1
            counter.last += count
            counter.save(update_fields=["last"])
            reserved[year] = iter([f"PSS-{year}-{n:06d}" for n in range(first, counter.last + 1)])
        return reserved

    def _certificate(self, user, issued_at, kind=Certificate.Kind.ISSUED) -> Certificate:
        issued_on = timezone.localdate(issued_at)
        expires_on = add_months(issued_on, self.program.validity_months) if self.program.validity_months else None
        return Certificate(
            user=user,
            program=self.program,
            kind=kind,
            name=user.full_name,
            issued_at=issued_at,
            issued_on=issued_on,
            expires_on=expires_on,
            **self.facts,
        )

    def _certificates(self, planned: list, admin, credits: list) -> list[Certificate]:
        """Certificates in every state, numbered from reserved serials, with their audit events."""
        rng = self.rng
        current, renewals = [], []  # renewals: (old certificate, profile)
        for user, profile, issued_at in planned:
            certificate = self._certificate(user, issued_at)
            if profile == "revoked":
                certificate.revoked_at = issued_at + timedelta(days=rng.randint(5, 25))
                certificate.revoked_reason = "Issued to a duplicate account; see the person's main record."
            if profile == "renewed":
                renewals.append(certificate)
            else:
                current.append(certificate)
            self._external_credits(user, certificate, profile, credits)
        renewed = []
        for old in renewals:
            renewed_on = old.expires_on - timedelta(days=rng.randint(5, 60))
            issued_at = timezone.make_aware(datetime.combine(renewed_on, time(rng.randint(9, 17))))
            renewed.append(self._certificate(old.user, issued_at, kind=Certificate.Kind.RENEWED))
        every = current + renewed + renewals
        serials = self._serials([c.issued_on.year for c in every])
        for certificate in every:
            certificate.serial = next(serials[certificate.issued_on.year])
        Certificate.objects.bulk_create(current + renewed, batch_size=BATCH)
        for old, new in zip(renewals, renewed, strict=True):
            old.is_current, old.superseded_by = False, new
        Certificate.objects.bulk_create(renewals, batch_size=BATCH)

        events = []
        admin_name = admin.full_name if admin else "System"
        for certificate in current + renewals:
            events.append(
                CertificateEvent(certificate=certificate, action="issued", at=certificate.issued_at, actor_name=SYSTEM)
            )
            events.append(
                CertificateEvent(
                    certificate=certificate,
                    action="emailed",
                    at=certificate.issued_at + timedelta(minutes=1),
                    actor_name=SYSTEM,
                    note=certificate.user.email,
                )
            )
            if certificate.revoked_at:
                events.append(
                    CertificateEvent(
                        certificate=certificate,
                        action="revoked",
                        actor=admin,
                        actor_name=admin_name,
                        at=certificate.revoked_at,
                        note=certificate.revoked_reason,
                    )
                )
        for old, new in zip(renewals, renewed, strict=True):
            events.append(
                CertificateEvent(
                    certificate=new,
                    action="renewed",
                    at=new.issued_at,
                    actor_name=SYSTEM,
                    note=f"Renews {old.serial}.",
                )
            )
            events.append(
                CertificateEvent(
                    certificate=old,
                    action="superseded",
                    at=new.issued_at,
                    actor_name=SYSTEM,
                    note=f"Replaced by {new.serial}.",
                )
            )
        CertificateEvent.objects.bulk_create(events, batch_size=BATCH)
        return every

    def _external_credits(self, user, certificate: Certificate, profile: str, credits: list) -> None:
        """External CE hours toward renewal: enough for those who renewed, some (pending, approved, rejected) for others."""
        rng = self.rng
        if profile == "renewed":
            chosen = [EXTERNAL_TRAINING[0], EXTERNAL_TRAINING[1], EXTERNAL_TRAINING[3]]
            hours = [Decimal(6), Decimal(8), Decimal(6)]
            states = [CECredit.State.APPROVED] * 3
        elif profile in {"valid", "expiring", "expired"} and rng.random() < 0.4:
            count = rng.randint(1, 3)
            chosen = rng.sample(EXTERNAL_TRAINING, k=count)
            hours = [Decimal(rng.choice([2, 3, 4, 6, 8])) for _ in chosen]
            states = rng.choices(
                [CECredit.State.APPROVED, CECredit.State.PENDING, CECredit.State.REJECTED], weights=[6, 3, 1], k=count
            )
        else:
            return
        span = max(((certificate.expires_on or self.today) - certificate.issued_on).days - 30, 1)
        for (title, provider, category), amount, state in zip(chosen, hours, states, strict=True):
            earned_on = min(certificate.issued_on + timedelta(days=rng.randint(30, span)), self.today)
            reviewed = state != CECredit.State.PENDING
            credits.append(
                CECredit(
                    user=user,
                    title=title,
                    provider=provider,
                    earned_on=earned_on,
                    category=self.categories.get(category) or self.credit_hours[0].category,
                    hours=amount,
                    state=state,
                    reviewed_at=self.now if reviewed else None,
                    review_note="Please upload the certificate of attendance."
                    if state == CECredit.State.REJECTED
                    else "",
                )
            )

    def _assignments(self, teams: list, people: list, supervisors: list, admin) -> int:
        """The program assigned to every team, about two in five already past due, and to a few people directly."""
        rng = self.rng
        rows = []
        for team, supervisor in zip(teams, supervisors, strict=True):
            due = self.today + timedelta(days=rng.randint(-120, -1) if rng.random() < 0.4 else rng.randint(7, 240))
            rows.append(Assignment(program=self.program, team=team, due_on=due, assigned_by=supervisor))
        for user in rng.sample(people, k=max(len(people) // 100, 1)):
            rows.append(
                Assignment(
                    program=self.program,
                    user=user,
                    due_on=self.today + timedelta(days=rng.randint(-60, 90)),
                    assigned_by=admin,
                )
            )
        Assignment.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)
