"""The people and records the matrix probes: two teams, their supervisors, a trainer, an administrator, and
learner A's course, attempts, reflection, certificate, CE hours with evidence and assignment.

Learner A is on team A (supervised by supervisor A). Learner B is on team B (supervised by
supervisor B), so supervisor B supervises someone, just not A. The trainer supervises no team.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.auth import confirmed_app_device, verified
from tests.factories import (
    AdminFactory,
    LearnerFactory,
    SupervisorFactory,
    TeamFactory,
    TrainerFactory,
    build_course,
    build_program,
    build_quiz,
    ce_category,
    course_lessons,
    module_with_quiz,
)

# Users, in the matrix's column order.
ANON, LEARNER_A, LEARNER_B, SUPERVISOR_A, SUPERVISOR_B, TRAINER, ADMIN = USERS = (
    "anonymous",
    "learner_a",
    "learner_b",
    "supervisor_a",
    "supervisor_b",
    "trainer",
    "admin",
)

#: Staff signed in with a password only, before the second factor: the same people as supervisor A, the
#: trainer and the administrator, in sessions that have not passed two-factor authentication. What they
#: may open is derived from the table (``matrix.expected_without_2fa``), so every probe covers them.
SUPERVISOR_A_NO_2FA, TRAINER_NO_2FA, ADMIN_NO_2FA = STAFF_WITHOUT_2FA = (
    "supervisor_a_no_2fa",
    "trainer_no_2fa",
    "admin_no_2fa",
)
#: The verified person each of them is.
SIGNED_IN_AS = {SUPERVISOR_A_NO_2FA: SUPERVISOR_A, TRAINER_NO_2FA: TRAINER, ADMIN_NO_2FA: ADMIN}
ACTORS = USERS + STAFF_WITHOUT_2FA

#: Learner A's name and email: no one outside A's circle may find them in a response.
A_NAME = "Amara Quillfeather"
A_EMAIL = "amara.quillfeather@example.org"
#: The title of learner A's CE entry: for A's circle only.
A_CREDIT_TITLE = "Motivational interviewing refresher"
#: Learner A's reflection: for A alone.
A_REFLECTION = "A private thought."

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_world() -> World:
    from assessments.attempts.services import attempt_start, attempt_submit
    from assessments.models import Competency
    from certificates.ce.services import credit_submit
    from certificates.issuance.services import certificate_issue
    from certificates.tracking.services import assignment_create
    from cms.models import TaskFailure
    from cms.security.api_tokens.services import api_token_create
    from cms.site.services import site_home_ensure
    from courses.catalogue.services import catalog_ensure
    from courses.models import CourseCatalogPage
    from courses.progress.services import enrollment_create, lesson_complete, reflection_save

    home = site_home_ensure()
    catalog = catalog_ensure(home=home)
    course = build_course(catalog, modules=1, lessons_per_module=2, title="Boundaries in peer support")
    lessons = course_lessons(course)
    quiz = build_quiz(title="Boundaries check")
    module_with_quiz(course, quiz)
    open_quiz = build_quiz(title="Warm hand-offs")
    draft_quiz = build_quiz(title="Unpublished quiz", publish_it=False)
    program = build_program([course], name="Peer Support Specialist Certificate")

    learner_a = LearnerFactory(full_name=A_NAME, email=A_EMAIL)
    learner_b = LearnerFactory(full_name="Bertil Lindqvist", email="bertil.lindqvist@example.org")
    supervisor_a = SupervisorFactory(full_name="Sana Ahlberg", email="sana.ahlberg@example.org")
    supervisor_b = SupervisorFactory(full_name="Soren Brandt", email="soren.brandt@example.org")
    trainer = TrainerFactory(full_name="Tove Tranberg", email="tove.tranberg@example.org")
    admin = AdminFactory(full_name="Ada Administrator", email="ada.admin@example.org")
    team_a = TeamFactory(name="Alder Clinic")
    team_b = TeamFactory(name="Birch House")
    team_a.supervisors.add(supervisor_a)
    team_a.members.add(learner_a)
    team_b.supervisors.add(supervisor_b)
    team_b.members.add(learner_b)

    # Learner A's learning: enrolled, one lesson done, a reflection, a submitted and an open attempt.
    enrollment_create(user=learner_a, course=course)
    lesson_complete(user=learner_a, lesson=lessons[0])
    reflection_block = next(block for block in lessons[0].body if block.block_type == "reflection")
    reflection_save(user=learner_a, lesson=lessons[0], block_id=reflection_block.id, answer=A_REFLECTION)
    submitted = attempt_start(user=learner_a, quiz=quiz).attempt
    attempt_submit(attempt=submitted)
    open_attempt = attempt_start(user=learner_a, quiz=open_quiz).attempt
    reflection_key = next(q["key"] for q in open_attempt.snapshot["questions"] if q["kind"] == "reflection")

    # Learner A's certificate (with a stored PDF standing in for the rendered one) and CE hours with evidence.
    certificate = certificate_issue(user=learner_a, program=program)[0]
    certificate.pdf.save(certificate.file_name, ContentFile(PDF))
    credit = credit_submit(
        user=learner_a,
        title=A_CREDIT_TITLE,
        provider="State peer network",
        earned_on=timezone.localdate() - timedelta(days=10),
        category=ce_category("Ethics"),
        hours=Decimal(3),
        evidence=SimpleUploadedFile("attendance.pdf", PDF, content_type="application/pdf"),
    )

    # Supervisor A's API token and assignment of the course to team A.
    token, _plaintext = api_token_create(user=supervisor_a, name="Clinic dashboard")
    assignment = assignment_create(
        actor=verified(supervisor_a), due_on=timezone.localdate() + timedelta(days=30), course=course, team=team_a
    )

    # An administrator's concerns: supervisor A's authenticator app, and a failed background task.
    confirmed_app_device(supervisor_a)
    task_failure = TaskFailure.objects.create(
        task_path="certificates.issuance.tasks.certificate_email_issued",
        args={"args": [certificate.pk], "kwargs": {}},
        args_key="matrix",
        subject=f"Certificate {certificate.serial}",
        state=TaskFailure.State.FAILED,
        attempts=3,
        last_error="SMTP server unavailable",
        last_failed_at=timezone.now(),
    )

    return World(
        users={
            ANON: None,
            LEARNER_A: learner_a,
            LEARNER_B: learner_b,
            SUPERVISOR_A: supervisor_a,
            SUPERVISOR_B: supervisor_b,
            TRAINER: trainer,
            ADMIN: admin,
            SUPERVISOR_A_NO_2FA: supervisor_a,
            TRAINER_NO_2FA: trainer,
            ADMIN_NO_2FA: admin,
        },
        objects={
            "home": home,
            "catalog": CourseCatalogPage.objects.get(pk=catalog.pk),
            "course": course,
            "lesson": lessons[0],
            "lesson2": lessons[1],
            "reflection_block": reflection_block.id,
            "quiz": quiz,
            "open_quiz": open_quiz,
            "draft_quiz": draft_quiz,
            "program": program,
            "template": program.template,
            "team_a": team_a,
            "team_b": team_b,
            "learner_a": learner_a,
            "learner_b": learner_b,
            "supervisor_a": supervisor_a,
            "trainer": trainer,
            "attempt": submitted,
            "open_attempt": open_attempt,
            "question_key": reflection_key,
            "question_number": open_attempt.question_keys.index(reflection_key) + 1,
            "certificate": certificate,
            "credit": credit,
            "category": credit.category,
            "token": token,
            "assignment": assignment,
            "task_failure": task_failure,
            "due_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
            "competency": Competency.objects.order_by("pk").first(),
        },
    )
