"""The site writes dates and times one way, in its own time zone."""

from datetime import UTC, date, datetime

from django.template import Context, Template
from django.test import override_settings

from cms.dates import site_date, site_datetime


def test_a_date_is_written_with_the_month_in_full():
    assert site_date(date(2026, 12, 5)) == "December 5, 2026"
    assert site_date(None) == ""


@override_settings(TIME_ZONE="America/New_York")
def test_a_moment_is_written_in_the_site_time_zone_with_no_stray_full_stops():
    moment = datetime(2026, 12, 5, 20, 30, tzinfo=UTC)
    assert site_datetime(moment) == "December 5, 2026, 3:30 PM EST"
    # A date taken from a moment is the site's date, not UTC's.
    assert site_date(datetime(2026, 12, 6, 2, 0, tzinfo=UTC)) == "December 5, 2026"


@override_settings(TIME_ZONE="America/New_York")
def test_templates_write_the_same_as_python():
    moment = datetime(2026, 12, 5, 20, 30, tzinfo=UTC)
    rendered = Template('{{ d|date }} | {{ m|date:"DATETIME_FORMAT" }} | {{ m|date:"SHORT_DATE_FORMAT" }}').render(
        Context({"d": date(2026, 12, 5), "m": moment})
    )
    assert rendered == "December 5, 2026 | December 5, 2026, 3:30 PM EST | December 5, 2026"
