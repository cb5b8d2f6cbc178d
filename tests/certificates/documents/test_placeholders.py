"""A template's body text may use only the listed placeholders, each written whole; rendering fills the same list."""

import importlib
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from certificates.documents.placeholders import ALLOWED, PLACEHOLDERS, validate_body
from certificates.documents.rendering import CertificateData, placeholder_values

ALLOWED_TEXT = "{name}, {program}, {certificate}, {issued_on}, {expires_on}, {hours}, {organisation}, {serial}"


def errors(body):
    with pytest.raises(ValidationError) as refused:
        validate_body(body)
    return refused.value.messages


def test_every_listed_placeholder_is_accepted():
    validate_body(" ".join(f"{{{key}}}" for key in PLACEHOLDERS) + " and plain text.")


def test_rendering_fills_exactly_the_listed_placeholders():
    data = CertificateData(name="A", program="P", serial="S", verification_url="https://x/", issued_on=date(2026, 1, 1))
    assert list(placeholder_values(data)) == list(PLACEHOLDERS)
    assert ALLOWED == ALLOWED_TEXT


@pytest.mark.parametrize("unknown", ["{nmae}", "{Name}", "{ name }", "{}", "{full name}"])
def test_an_unknown_placeholder_is_named_with_the_allowed_ones(unknown):
    [message] = errors(f"This certifies that {unknown} has completed {{program}}.")
    assert message == f"Unknown placeholder: {unknown}. Use only these: {ALLOWED_TEXT}."


def test_several_unknown_placeholders_are_each_named_once():
    [message] = errors("{nmae} and {programme} and {nmae}")
    assert message.startswith("Unknown placeholder: {nmae}, {programme}. Use only these:")


@pytest.mark.parametrize(
    ("body", "near"),
    [
        ("This certifies that {name has completed it.", "certifies that {name has completed"),
        ("This certifies that name} has completed it.", "certifies that name} has completed"),
        ("{{name}} completed it.", "{{name}} completed it."),
        ("Completed {program}. }", "Completed {program}. }"),
    ],
)
def test_a_brace_without_its_pair_is_refused_and_located(body, near):
    [message] = errors(body)
    assert message.startswith(f"A brace has no pair, near “{near}”. Braces only mark placeholders")
    assert message.endswith(f"Use only these: {ALLOWED_TEXT}.")


def test_unknown_and_unpaired_are_both_reported():
    assert len(errors("{nmae} has completed {program")) == 2


@pytest.mark.django_db
def test_templates_with_the_shipped_wording_are_moved_to_the_certificate_wording():
    from django.apps import apps

    from certificates.documents.models import DEFAULT_BODY, CertificateTemplate

    migration = importlib.import_module("certificates.migrations.0007_template_body_earns_the_certificate")
    [old_default, old_demo] = migration.OLD_BODIES
    shipped = CertificateTemplate.objects.create(name="Shipped", body=old_default)
    demo = CertificateTemplate.objects.create(name="Demo", body=old_demo)
    own = CertificateTemplate.objects.create(name="Own", body="{name} finished {program}.")

    migration.reword(apps, None)

    shipped.refresh_from_db(), demo.refresh_from_db(), own.refresh_from_db()
    assert shipped.body == DEFAULT_BODY
    assert demo.body.startswith("This certifies that {name} has earned the {certificate}, completing scenario")
    assert own.body == "{name} finished {program}."
