"""Teams, learners, their progress and quiz attempts, written with ``bulk_create`` for speed; see ``history`` for certificates."""

import random
from collections import Counter
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from assessments.models import Attempt, Quiz
from certificates.ce.models import CECredit
from certificates.demo.certification import PROGRAM_NAME
from certificates.issuance.models import Program
from certificates.issuance.selectors import program_facts
from certificates.management.commands.load_demo import DEFAULT_PASSWORD
from cms.models import Team
from cms.people.roles import LEARNERS, SUPERVISORS
from courses.models import Enrollment, LessonCompletion, LessonPage, ModulePage

from .data import BATCH, EMAIL_DOMAIN, FIRST_NAMES, LAST_NAMES, PROFILES, REGIONS, TEAM_PREFIX, dates_as_given
from .history import CertificationHistory

User = get_user_model()


class LoadDataError(Exception):
    """The data cannot be generated as asked."""


class LoadData(CertificationHistory):
    """A large, realistic data set around the demo course and program, the same for the same seed."""

    def __init__(self, *, seed: int = 1, stdout=None):
        self.rng = random.Random(seed)  # noqa: S311 - data shape, not secrets
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.stdout = stdout

    def run(self, *, learners: int, teams: int) -> dict:
        """Generate the data in one transaction; returns how many of each thing were written."""
        if learners < 1 or teams < 1 or teams > learners:
            raise LoadDataError("Give at least one learner, at least one team, and no more teams than learners.")
        program = Program.objects.filter(name=PROGRAM_NAME).first()
        if program is None:
            call_command("load_demo", stdout=self.stdout)
            program = Program.objects.get(name=PROGRAM_NAME)
        self.program = program
        self.course = program.required_courses.select_related("course").first().course
        self._outline()
        with transaction.atomic():
            return self._generate(learners, teams)

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
                raise LoadDataError(f"No passed attempt at {quiz} to copy; run load_demo first.")
            self.templates[quiz.pk] = attempt
        self.credit_hours = list(self.course.ce_hours.select_related("category"))
        self.categories = {row.category.name: row.category for row in self.credit_hours}
        self.facts = program_facts(
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
