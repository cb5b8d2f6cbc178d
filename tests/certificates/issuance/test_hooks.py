"""Editing a program in the admin makes a new version and logs what changed in its rules, through the service."""

from decimal import Decimal

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from wagtail import hooks
from wagtail.models import ModelLogEntry

from certificates.issuance.models import Program
from certificates.issuance.services import program_save, program_version_bump
from cms.models import AuditLogEntry
from tests.factories import AdminFactory, build_course, build_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(catalog):
    return build_program([build_course(catalog, modules=1, lessons_per_module=1)], validity_months=24)


def changes(program):
    found = []
    for model in (AuditLogEntry, ModelLogEntry):
        found += list(model.objects.filter(action="pss.program.requirements", object_id=str(program.pk)).order_by("pk"))
    return found


def edit_in_admin(program, **fields):
    """What Wagtail's snippet edit view does: the before hooks, the form's save, the after hooks."""
    request = RequestFactory().post("/")
    request.user = AdminFactory()
    request.session = {}
    request._messages = FallbackStorage(request)
    instance = Program.objects.get(pk=program.pk)
    for hook in hooks.get_hooks("before_edit_snippet"):
        hook(request, instance)
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save()
    for hook in hooks.get_hooks("after_edit_snippet"):
        hook(request, instance)
    instance.refresh_from_db()
    return instance


def test_a_saved_edit_in_the_admin_is_a_new_version_and_a_rule_change_is_logged(program):
    edited = edit_in_admin(program, validity_months=12)
    assert edited.version == 2
    (entry,) = changes(program)
    assert entry.data["before"] == {"validity_months": 24, "version": 1}
    assert entry.data["after"] == {"validity_months": 12, "version": 2}

    edited = edit_in_admin(program, description="Wording only.")
    assert edited.version == 3
    assert len(changes(program)) == 1  # the wording is not a rule


def test_saving_a_program_writes_no_version_and_no_log_by_itself(program):
    program.validity_months = 12
    program.save()
    program.refresh_from_db()
    assert program.version == 1 and changes(program) == []


def test_program_save_creates_at_version_one_and_counts_each_edit(program):
    new = program_save(Program(name="New program", organisation="Board", template=program.template))
    assert new.version == 1 and changes(new) == []
    new.renewal_hours = Decimal("12.5")
    assert program_save(new).version == 2
    assert changes(new)[0].data["after"]["renewal_hours"] == "12.5"


def test_a_new_program_is_not_bumped(program):
    assert program_version_bump(program=program, before=None).version == 1


def test_whole_tens_of_hours_are_logged_as_people_typed_them(program):
    program.renewal_hours = Decimal("10.00")
    assert changes(program_save(program))[0].data["after"]["renewal_hours"] == "10"  # not "1E+1"
