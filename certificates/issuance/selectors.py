"""Reads for certificates and programs.

Who may see a person's certificates, files and hours is decided by ``cms.access`` alone (the
person, a verified administrator, a verified supervisor of one of their teams). Everyone else gets
"not found", never "forbidden", so the existence of a certificate is not revealed.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404

from cms.ops.tasks.retry import unresolved_failures
from cms.people.access import may_see_person
from cms.people.names import is_last_name_of
from courses.catalogue.hours import hours_text

from .models import Certificate, Program, ProgramCourse, ProgramHours, RenewalMinimum
from .tasks import certificate_render_pdf


def certificate_for_viewer(*, viewer, serial: str) -> Certificate:
    """A certificate its holder, their supervisor or an admin may open; 404 for anyone else."""
    certificate = Certificate.objects.select_related("program", "user").filter(serial=serial).first()
    if certificate is None or not may_see_person(viewer, certificate.user_id):
        raise Http404("No such certificate.")
    return certificate


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with this verification code, or None. Public: the code is the secret."""
    if not code or len(code) > 64:
        return None
    return Certificate.objects.select_related("superseded_by").filter(code=code).first()


def learner_certificates(*, user) -> list[Certificate]:
    """A person's certificates, current ones first, newest first."""
    return list(
        Certificate.objects.filter(user=user)
        .select_related("program", "superseded_by")
        .order_by("-is_current", "-issued_at")
    )


def pdfs_being_retried(certificates: list[Certificate]) -> set[int]:
    """The ids of these certificates whose PDF failed to render and is being retried (one query, none if empty)."""
    failures = unresolved_failures(certificate_render_pdf, calls=[(c.pk,) for c in certificates])
    return {certificate_id for (certificate_id,) in failures}


def programs_for_issuing():
    """Active programs with everything issuance reads, prefetched."""
    return (
        Program.objects.filter(active=True)
        .prefetch_related(
            Prefetch("required_courses", queryset=ProgramCourse.objects.select_related("course")),
            "hours__category",
            "renewal_minimums__category",
        )
        .select_related("template", "template__logo", "template__signature")
    )


def program_facts(program: Program) -> dict:
    """What a certificate issued under ``program`` today would print."""
    return {
        "program_name": program.name,
        "program_description": program.description,
        "program_version": program.version,
        "organisation": program.organisation,
        "signatory_name": program.signatory_name,
        "signatory_title": program.signatory_title,
        "hours": [{"category": row.category.name, "hours": hours_text(row.hours)} for row in program.hours.all()],
        "total_hours": program.total_hours,
        "template": program.template.snapshot(),
    }


def program_rules(program) -> dict:
    """What decides who earns and renews a program's certificate, read from the database."""
    return {
        "active": program.active,
        "required_courses": sorted(
            ProgramCourse.objects.filter(program=program).values_list("course__title", flat=True)
        ),
        "hours": {
            name: hours_text(hours)
            for name, hours in ProgramHours.objects.filter(program=program)
            .order_by("category__name")
            .values_list("category__name", "hours")
        },
        "validity_months": program.validity_months,
        "renewal_hours": hours_text(program.renewal_hours) if program.renewal_hours is not None else None,
        "renewal_minimums": {
            name: hours_text(hours)
            for name, hours in RenewalMinimum.objects.filter(program=program)
            .order_by("category__name")
            .values_list("category__name", "hours")
        },
    }


def certificate_by_number(number: str, last_name: str) -> Certificate | None:
    """The certificate with this number whose holder has this last name, or None.

    Public, as licensing boards look people up: the number alone finds nothing, so certificates can't be
    listed by counting through numbers. The name is compared with the one printed on the certificate.
    """
    serial = "".join(number.split()).upper()
    if not serial or len(serial) > 20 or not last_name.strip():
        return None
    certificate = Certificate.objects.select_related("superseded_by").filter(serial=serial).first()
    if certificate is None or not is_last_name_of(certificate.printed_name, last_name):
        return None
    return certificate
