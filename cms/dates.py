"""Dates and times written the site's one way, in the site's time zone (see ``cms/formats/en/formats.py``)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import formats, timezone
from django.utils.translation import ngettext


def site_date(value: date | datetime | None) -> str:
    """``December 5, 2026``; a datetime is first moved into the site's time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")


def site_datetime(value: datetime | None) -> str:
    """``December 5, 2026, 3:30 PM UTC`` in the site's time zone."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")


def duration_text(minutes: int) -> str:
    """``925`` as "15 hours 25 minutes", ``40`` as "40 minutes"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours})
    if rest or not hours:
        parts.append(ngettext("%(count)s minute", "%(count)s minutes", rest) % {"count": rest})
    return " ".join(parts)
