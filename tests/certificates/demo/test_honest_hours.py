"""The demo program awards what the demo course honestly takes, category by category.

Each demo module names its CE category (``ce_category`` in its YAML file). A category's
instruction time is its modules' lessons plus one attempt at each module's quiz, the rule the
editors' warnings use (``courses.catalogue.hours``).
"""

from decimal import ROUND_FLOOR, Decimal

import pytest
from django.core.management import call_command

from certificates.demo.certification import HOURS, PROGRAM_NAME
from certificates.issuance.models import Program
from courses.catalogue.hours import course_instruction_minutes, hours_supported, hours_warning, instruction_minutes
from courses.demo.curriculum import load_curriculum
from courses.models import CoursePage, LessonPage, ModulePage

pytestmark = pytest.mark.django_db

CURRICULUM = load_curriculum()


def test_every_demo_module_names_a_category_the_program_awards():
    assert {module["ce_category"] for module in CURRICULUM["modules"]} == set(HOURS)


def test_the_program_awards_one_hour_per_50_to_60_minutes_of_instruction_in_each_category():
    call_command("load_demo", "--no-logins")
    course = CoursePage.objects.get(slug=CURRICULUM["slug"])
    category = {module["slug"]: module["ce_category"] for module in CURRICULUM["modules"]}
    totals: dict[str, int] = {}
    for module in ModulePage.objects.child_of(course).live().specific():
        lessons = LessonPage.objects.child_of(module).live()
        quizzes = [module.quiz] if module.quiz else []
        minutes = instruction_minutes([lesson.estimated_minutes for lesson in lessons], quizzes)
        totals[category[module.slug]] = totals.get(category[module.slug], 0) + minutes
    whole = course_instruction_minutes(course)
    assert sum(totals.values()) == whole >= 12 * 60  # at least twelve hours of instruction
    for name, hours in HOURS.items():
        at_least = (Decimal(totals[name]) * 4 / 60).to_integral_value(rounding=ROUND_FLOOR) / 4
        assert at_least <= hours <= hours_supported(totals[name]), (name, totals[name], hours)
    program = Program.objects.get(name=PROGRAM_NAME)
    assert program.total_hours == sum(HOURS.values())
    assert hours_warning(program.total_hours, whole) is None
