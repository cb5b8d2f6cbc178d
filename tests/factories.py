"""factory_boy factories and small builders for pages. Every test builds its own data."""

from __future__ import annotations

import uuid

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cms.models import Team
from cms.people.roles import LEARNERS, SUPERVISORS, TRAINERS
from courses.models import CoursePage, LessonPage, ModulePage

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    preferred_name = ""
    password = factory.django.Password(PASSWORD)


def _joins(group_name: str):
    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get(name=group_name))

    return role


class LearnerFactory(UserFactory):
    role = _joins(LEARNERS)


class TrainerFactory(UserFactory):
    role = _joins(TRAINERS)


class SupervisorFactory(UserFactory):
    role = _joins(SUPERVISORS)


class AdminFactory(UserFactory):
    is_staff = True
    is_superuser = True


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")


def block(block_type: str, value) -> dict:
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def lesson_body(n: int = 1) -> list[dict]:
    return [
        block("heading", {"text": f"Section {n}", "level": "h2"}),
        block("text", f"<p>Teaching text for lesson {n}.</p>"),
        block("reflection", {"prompt": f"What stood out to you in lesson {n}?", "guidance": "A few sentences."}),
    ]


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def build_course(catalog, *, modules: int = 3, lessons_per_module: int = 3, title: str = "Test course") -> CoursePage:
    """A published course with the given shape. Lessons are numbered 1..N in course order."""
    course = publish(
        catalog, CoursePage(title=title, slug=f"course-{uuid.uuid4().hex[:8]}", summary="A course for tests.")
    )
    number = 0
    for m in range(1, modules + 1):
        module = publish(course, ModulePage(title=f"Module {m}", slug=f"module-{m}"))
        for _ in range(lessons_per_module):
            number += 1
            publish(
                module,
                LessonPage(
                    title=f"Lesson {number}",
                    slug=f"lesson-{number}",
                    estimated_minutes=10,
                    learning_objectives=[block("objective", f"Describe idea {number}")],
                    body=lesson_body(number),
                ),
            )
    return course


def add_lesson(module: ModulePage, *, title: str, live: bool = True) -> LessonPage:
    lesson = LessonPage(title=title, slug=uuid.uuid4().hex[:10], body=lesson_body())
    module.add_child(instance=lesson)
    revision = lesson.save_revision()
    if live:
        revision.publish()
    else:
        lesson.live = False
        lesson.save(update_fields=["live"])
    return lesson


def course_lessons(course: CoursePage) -> list[LessonPage]:
    return list(LessonPage.objects.descendant_of(course).order_by("path"))


def item(value) -> dict:
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


def question(kind: str, title: str, competencies: list, **fields) -> dict:
    """Raw StreamField data for one quiz question; ``competencies`` are Competency instances."""
    value = {
        "title": title,
        "content_note": "",
        "vignette": {"person": "", "setting": "", "text": ""},
        "stem": f"<p>{title}?</p>",
        "competencies": [item(c.pk) for c in competencies],
        "points": "1.0",
        "rationale": "<p>Because it keeps the person safe and in charge.</p>",
        **fields,
    }
    return block(kind, value)


def sample_questions() -> list[dict]:
    """One question of every kind, on seeded SAMHSA competencies."""
    from assessments.models import Competency

    engage = Competency.objects.get(code="engages-relationships")
    links = Competency.objects.get(code="links-to-resources")
    talk = Competency.objects.get(code="values-communication")
    return [
        question(
            "single",
            "Asked to lend money",
            [engage],
            options=[
                item({"text": "Lend a little", "credit": "0", "feedback": "Money changes the relationship."}),
                item({"text": "Say no kindly and find resources together", "credit": "100", "feedback": "Yes."}),
                item({"text": "Change the subject", "credit": "50", "feedback": "Safe, but unhelpful."}),
            ],
        ),
        question(
            "multiple",
            "Signs to check in",
            [talk],
            scoring="partial",
            options=[
                item({"text": "Missed two calls", "correct": True, "feedback": ""}),
                item({"text": "Stopped replying after discharge", "correct": True, "feedback": ""}),
                item({"text": "Posted a baby photo", "correct": False, "feedback": ""}),
            ],
        ),
        question("order", "Warm hand-off", [links], items=[item("Ask consent"), item("Call ahead"), item("Introduce")]),
        question(
            "branching",
            "No replies after discharge",
            [talk, links],
            start_step="first",
            steps=[
                item(
                    {
                        "name": "first",
                        "situation": "<p>No reply for three days.</p>",
                        "choices": [
                            item(
                                {
                                    "text": "Call at the agreed time",
                                    "feedback": "",
                                    "next_step": "second",
                                    "credits": [item({"competency": talk.pk, "credit": 2})],
                                }
                            ),
                            item({"text": "Wait for her", "feedback": "", "next_step": "", "credits": []}),
                        ],
                    }
                ),
                item(
                    {
                        "name": "second",
                        "situation": "<p>She answers, tired.</p>",
                        "choices": [
                            item(
                                {
                                    "text": "Offer a warm hand-off to the pediatric clinic",
                                    "feedback": "",
                                    "next_step": "",
                                    "credits": [item({"competency": links.pk, "credit": 2})],
                                }
                            ),
                            item({"text": "Tell her to rest", "feedback": "", "next_step": "", "credits": []}),
                        ],
                    }
                ),
            ],
        ),
        question("reflection", "What you would do differently", [engage], guidance="A few sentences."),
    ]


def build_quiz(*, title: str = "Scenario quiz", publish_it: bool = True, **settings):
    from assessments.models import Quiz

    quiz = Quiz(title=title, questions=sample_questions(), **settings)
    quiz.live = False
    quiz.save()
    revision = quiz.save_revision()
    if publish_it:
        revision.publish()
        quiz.refresh_from_db()
    return quiz


def module_with_quiz(course: CoursePage, quiz) -> ModulePage:
    """Attach ``quiz`` to the first module of ``course`` and publish the module."""
    module = ModulePage.objects.child_of(course).order_by("path").first().specific
    module.quiz = quiz
    module.save_revision().publish()
    return module


def submitted_attempt(user, quiz, *, score: float, passed: bool, when=None, result: dict | None = None):
    """A submitted attempt with this score, without going through the questions."""
    from django.utils import timezone

    from assessments.models import Attempt

    number = Attempt.objects.filter(user=user, quiz=quiz).count() + 1
    return Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        snapshot={},
        question_keys=[],
        submitted_at=when or timezone.now(),
        score=score,
        passed=passed,
        result=result or {},
    )


def pass_quiz(user, quiz, *, when=None):
    """A submitted, passing attempt, without going through the questions."""
    return submitted_attempt(user, quiz, score=100, passed=True, when=when)


def complete_course(user, course: CoursePage) -> None:
    """Enroll ``user``, complete every lesson and pass every module quiz (services, so signals fire)."""
    from courses.progress.services import enrollment_create, lesson_complete

    enrollment_create(user=user, course=course)
    for lesson in course_lessons(course):
        lesson_complete(user=user, lesson=lesson)
    for module in ModulePage.objects.descendant_of(course).exclude(quiz=None):
        pass_quiz(user, module.quiz)


def ce_category(name: str):
    from courses.models import CECategory

    return CECategory.objects.get_or_create(name=name)[0]


def build_program(
    courses: list[CoursePage],
    *,
    name: str = "Peer Support Specialist Certificate",
    validity_months: int | None = 24,
    hours: dict[str, float] | None = None,
    renewal_hours: float = 0,
    renewal_minimums: dict[str, float] | None = None,
    **fields,
):
    """A program requiring ``courses``, with a plain template, CE hours and an optional renewal rule."""
    from decimal import Decimal

    from certificates.documents.models import CertificateTemplate
    from certificates.issuance.models import Program, ProgramCourse, ProgramHours, RenewalMinimum

    template = CertificateTemplate.objects.create(name=f"Template {uuid.uuid4().hex[:6]}")
    program = Program.objects.create(
        name=name,
        organisation=fields.pop("organisation", "Example State Certification Board"),
        signatory_name=fields.pop("signatory_name", "Dr. Ana Torres"),
        signatory_title=fields.pop("signatory_title", "Director of Training"),
        template=template,
        validity_months=validity_months,
        renewal_hours=Decimal(str(renewal_hours)),
        **fields,
    )
    for course in courses:
        ProgramCourse.objects.create(program=program, course=course)
    for category, amount in (hours if hours is not None else {"Ethics": 6, "Peer-specific": 14}).items():
        ProgramHours.objects.create(program=program, category=ce_category(category), hours=Decimal(str(amount)))
    for category, amount in (renewal_minimums or {}).items():
        RenewalMinimum.objects.create(program=program, category=ce_category(category), hours=Decimal(str(amount)))
    return Program.objects.get(pk=program.pk)
