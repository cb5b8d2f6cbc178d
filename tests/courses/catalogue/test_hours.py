from decimal import Decimal

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from wagtail import hooks

from assessments.quizzes.timing import quiz_minutes
from cms.dates import duration_text
from courses.catalogue.hours import (
    course_instruction_minutes,
    hours_supported,
    hours_text,
    hours_warning,
)
from courses.models import CourseHours, CoursePage, ModulePage
from tests.factories import (
    AdminFactory,
    add_lesson,
    build_course,
    build_program,
    build_quiz,
    ce_category,
    module_with_quiz,
)


@pytest.mark.parametrize(
    ("stored", "written"),
    [("10.00", "10"), ("100", "100"), ("2.50", "2.5"), ("0.25", "0.25"), ("0", "0"), ("1000.0", "1000")],
)
def test_hours_are_written_as_plain_decimals(stored, written):
    assert hours_text(Decimal(stored)) == written


# ---- Instruction time and the CE hours it supports ---------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "supported"), [(0, "0"), (12, "0"), (49, "0.75"), (50, "1"), (124, "2.25"), (600, "12"), (925, "18.5")]
)
def test_one_hour_is_supported_by_each_fifty_minutes_in_quarter_hours_rounded_down(minutes, supported):
    assert hours_supported(minutes) == Decimal(supported)


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "0 minutes"), (1, "1 minute"), (40, "40 minutes"), (60, "1 hour"), (925, "15 hours 25 minutes")],
)
def test_durations_read_as_people_say_them(minutes, text):
    assert duration_text(minutes) == text


def test_hours_beyond_the_instruction_time_are_named_with_the_figures():
    assert hours_warning(Decimal(2), 100) is None
    warning = hours_warning(Decimal("2.5"), 100)
    assert warning.startswith(
        "This awards 2.5 CE hours. Its 1 hour 40 minutes of lessons and quizzes support at most 2 hours"
    )
    assert hours_warning(Decimal(1), 45).startswith("This awards 1 CE hour. Its 45 minutes")


@pytest.mark.django_db
def test_a_course_takes_its_live_lessons_and_one_attempt_at_each_live_module_quiz(catalog):
    course = build_course(catalog, modules=2, lessons_per_module=2)  # 4 lessons of 10 minutes
    quiz = build_quiz()
    module_with_quiz(course, quiz)
    add_lesson(ModulePage.objects.child_of(course).first(), title="Draft lesson", live=False)
    assert course_instruction_minutes(course) == 40 + quiz_minutes(quiz) > 40


def _warnings(hook_name, instance):
    request = RequestFactory().post("/")
    request.user = AdminFactory()
    request.session = {}
    request._messages = FallbackStorage(request)
    for hook in hooks.get_hooks(hook_name):
        hook(request, instance)
    return [str(m) for m in request._messages if m.level == constants.WARNING]


@pytest.mark.django_db
@pytest.mark.parametrize("hook_name", ["after_create_page", "after_edit_page"])
def test_the_course_editor_warns_when_its_hours_exceed_its_instruction_time(catalog, hook_name):
    course = build_course(catalog, modules=1, lessons_per_module=3)  # 30 minutes
    CourseHours.objects.create(course=course, category=ce_category("Ethics"), hours=Decimal("0.5"))
    assert _warnings(hook_name, CoursePage.objects.get(pk=course.pk)) == []
    CourseHours.objects.create(course=course, category=ce_category("Peer-specific"), hours=Decimal(1))
    (warning,) = _warnings(hook_name, CoursePage.objects.get(pk=course.pk))
    assert "awards 1.5 CE hours. Its 30 minutes" in warning


@pytest.mark.django_db
@pytest.mark.parametrize("hook_name", ["after_create_snippet", "after_edit_snippet"])
def test_the_program_editor_warns_when_its_hours_exceed_its_courses_instruction_time(catalog, hook_name):
    courses = [build_course(catalog, modules=1, lessons_per_module=3, title=f"C{n}") for n in (1, 2)]  # 60 min
    program = build_program(courses, hours={"Peer-specific": 1})
    assert _warnings(hook_name, program) == []
    program = build_program(courses, name="Too many hours", hours={"Peer-specific": 1, "Ethics": 0.5})
    (warning,) = _warnings(hook_name, program)
    assert "awards 1.5 CE hours. Its 1 hour of lessons and quizzes support at most 1 hour," in warning
