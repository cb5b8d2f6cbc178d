"""A supervisor in a real browser: the certification status report, one person's page and the team's page.

The demo supervisor logs into the admin, opens Reports > Certification status, sees everyone on
the demo team with their status, narrows the report to certificates expiring within 90 days, and
follows the one person left to their page (competency chart and the same numbers as a table) and on
to the team's page. Each page must have no serious or critical axe violations, exactly one h1 and
no broken id references, on a desktop and on a phone.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from cms.models import Team
from tests.browser.conftest import TIMEOUT_MS, admin_log_in
from tests.browser.test_accessibility import (
    BLOCKING_IMPACTS,
    _format_violations,
    assert_idrefs_resolve,
    assert_one_h1,
)

pytestmark = pytest.mark.browser

SUPERVISOR = "supervisor@example.org"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
# The demo team, as load_demo leaves it: one person in every status of the demo program.
DEMO_TEAM_STATUSES = {
    "Jordan Avery Ellis": "Not started",
    "Alex Rivera": "Certified",
    "Beatriz Nguyen": "In progress",
    "Casey Morgan": "In progress",
    "Deandra Washington": "Expiring",
    "Emery Brooks": "Expired",
    "Frankie Okoro": "Revoked",
}


def _audit(page, label: str) -> None:
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not violations, f"axe found violations on {label} ({page.url}):\n" + _format_violations(violations)
    assert_one_h1(page, label)
    assert_idrefs_resolve(page, label)


def _report_rows(page):
    return page.get_by_role("table").locator("tbody tr")


@pytest.mark.parametrize("size", VIEWPORTS)
def test_supervisor_follows_the_report_to_a_person_and_the_team(browser, live_server, demo, size):
    context = browser.new_context(viewport=VIEWPORTS[size], base_url=live_server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    team = Team.objects.get()
    try:
        page = context.new_page()
        admin_log_in(page, SUPERVISOR)

        # Reports > Certification status, from the admin menu.
        if size == "phone":
            page.get_by_role("button", name="Toggle sidebar").click()
        page.get_by_role("button", name="Reports").click()
        page.get_by_role("link", name="Certification status").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Certification status")
        rows = _report_rows(page)
        expect(rows).to_have_count(len(DEMO_TEAM_STATUSES))
        for name, status in DEMO_TEAM_STATUSES.items():
            row = rows.filter(has=page.get_by_role("link", name=name, exact=True))
            expect(row).to_have_count(1)
            expect(row).to_contain_text(status)
            expect(row).to_contain_text(team.name)
        _audit(page, f"certification status report ({size})")

        # Certificates expiring within 90 days: Deandra only.
        page.get_by_label("Certificate expires within").select_option(label="90 days")
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(re.compile(r"expiring=90"))
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Deandra Washington")
        expect(page.get_by_text("1 row", exact=True)).to_be_visible()
        _audit(page, f"certification status report, expiring within 90 days ({size})")

        # Her page: the competency chart, each bar with its number, and the same numbers as a table.
        rows.first.get_by_role("link", name="Deandra Washington").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Deandra Washington")
        chart = page.locator(".tracking-bars")
        bars = chart.locator(".tracking-bar")
        expect(bars.first).to_be_visible()
        count = bars.count()
        assert count >= 2, f"expected a bar per competency, found {count}"
        for index in range(count):
            expect(bars.nth(index)).to_contain_text(re.compile(r"\d+%"))
            width = bars.nth(index).locator(".tracking-bar__fill").evaluate("el => el.style.width")
            assert re.fullmatch(r"\d+%", width), f"bar {index} has width {width!r}"
        table = page.get_by_role("table", name="Competency profile")
        expect(table.locator("tbody tr")).to_have_count(count)
        expect(page.get_by_role("heading", level=2, name="Certificates")).to_be_visible()
        _audit(page, f"person page ({size})")

        # On to the team's page.
        page.get_by_role("main").get_by_role("link", name=team.name).first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(team.name)
        _audit(page, f"team page ({size})")
    finally:
        context.close()


def test_supervisor_changes_a_due_date_with_the_picker_and_withdraws_an_assignment(browser, live_server, demo):
    """From the admin home's teams at a glance to the assignments: a new due date picked from the calendar
    clears Casey's "Overdue" on the report, a withdrawal is confirmed, and both show under Recent changes."""
    from datetime import timedelta

    from django.utils import timezone

    from cms.dates import site_date

    context = browser.new_context(viewport=VIEWPORTS["desktop"], base_url=live_server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    team = Team.objects.get()
    problems: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        admin_log_in(page, SUPERVISOR)

        # The admin home: the team at a glance, no page search.
        glance = page.get_by_test_id("teams-at-a-glance")
        expect(glance.get_by_role("heading", name="Your teams at a glance")).to_be_visible()
        row = glance.locator("tbody tr").filter(has_text=team.name)
        expect(row).to_contain_text("1 overdue")
        expect(row).to_contain_text("1 expiring")
        expect(page.get_by_placeholder("Search all pages…")).to_have_count(0)
        _audit(page, "supervisor's admin home")

        # The overdue link opens the report filtered to the team: Casey is overdue.
        row.get_by_role("link", name=re.compile("1 overdue")).click()
        page.wait_for_url(re.compile(r"overdue=on"))
        casey = _report_rows(page).filter(has=page.get_by_role("link", name="Casey Morgan", exact=True))
        expect(casey).to_contain_text("Overdue")

        # Assignments: change the due date of Casey's overdue course with the calendar.
        page.goto("/admin/assignments/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Assignments")
        _audit(page, "assignments")
        course_row = (
            page.get_by_test_id("assigned-work")
            .locator("tbody tr")
            .filter(has_text="Casey Morgan")
            .filter(has_text="(course)")
        )
        course_row.get_by_role("link", name=re.compile("Change due date")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Change due date")
        expect(page.get_by_text("Type the date as YYYY-MM-DD")).to_be_visible()
        _audit(page, "change due date")
        field = page.get_by_label("Due date")
        field.click()
        picker = page.locator(".xdsoft_datetimepicker").filter(has=page.locator(".xdsoft_calendar")).last
        expect(picker).to_be_visible()
        # The calendar opens on the current due date (5 days ago in the demo): the 15th of the month after it.
        picker.locator(".xdsoft_next").first.click()
        picker.locator("td.xdsoft_date:not(.xdsoft_other_month)[data-date='15']").click()
        today = timezone.localdate()
        next_month = ((today - timedelta(days=5)).replace(day=1) + timedelta(days=32)).replace(day=15)
        expect(field).to_have_value(next_month.isoformat())
        page.get_by_role("button", name="Save due date").click()
        expect(page.locator("li.success").filter(has_text=f"to {site_date(next_month)}")).to_be_visible()

        # The report no longer says Casey is overdue.
        page.goto("/admin/reports/certification-status/")
        casey = _report_rows(page).filter(has=page.get_by_role("link", name="Casey Morgan", exact=True))
        expect(casey).not_to_contain_text("Overdue")
        page.goto(f"/admin/reports/certification-status/?team={team.pk}&overdue=on")
        expect(page.get_by_text("No one matches these filters.")).to_be_visible()

        # Withdraw Emery's program assignment, after a confirmation.
        page.goto("/admin/assignments/")
        assigned = page.get_by_test_id("assigned-work")
        emery = assigned.locator("tbody tr").filter(has_text="Emery Brooks")
        emery.get_by_role("link", name=re.compile("Withdraw")).click()
        expect(page.get_by_text("Withdraw this assignment?")).to_be_visible()
        _audit(page, "withdraw assignment")
        page.get_by_role("button", name="Yes, withdraw it").click()
        expect(page.locator("li.success").filter(has_text="Withdrawn: ")).to_be_visible()
        expect(assigned.locator("tbody tr").filter(has_text="Emery Brooks")).to_have_count(0)

        # Both changes, who made them and what changed, under Recent changes (the page opened afresh: axe reads
        # Wagtail's success message mid-animation at a lower contrast than it ends with).
        page.goto("/admin/assignments/")
        history = page.get_by_test_id("assignment-history")
        expect(history).to_contain_text(f"Due date changed: due date: {site_date(today - timedelta(days=5))}")
        expect(history).to_contain_text(f"→ {site_date(next_month)}")
        expect(history).to_contain_text("Assignment withdrawn")
        expect(history).to_contain_text("Dr. Priya Raman")
        _audit(page, "assignments after changes")
        assert not problems, f"browser console errors: {problems}"
    finally:
        context.close()
