"""Due-date reminder emails for assigned work."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from cms.links import absolute_url

from .models import Assignment, DueReminder


def _title(assignment: Assignment) -> str:
    return assignment.course.title if assignment.course_id else assignment.program.name


def due_reminder_email(*, assignment: Assignment, person, kind: str, today: date) -> None:
    """Email ``person`` that ``assignment`` is due soon or overdue (sent by a background task)."""
    days_left = (assignment.due_on - today).days
    context = {
        "person": person,
        "title": _title(assignment),
        "due_on": assignment.due_on,
        "days_left": days_left,
        "my_learning_url": absolute_url(reverse("my-learning")),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    if kind == DueReminder.Kind.SOON:
        subject = f"Due in {days_left} day{'s' if days_left != 1 else ''}: {context['title']}"
        template = "certificates/email/due_soon.txt"
    else:
        subject = f"Overdue: {context['title']}"
        template = "certificates/email/due_overdue.txt"
    send_mail(subject, render_to_string(template, context), None, [person.email])
