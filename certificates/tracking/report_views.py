"""The certification status report: one row per person and program, filtered, sorted, paged and exported.

Who appears is decided by ``cms.access.visible_people`` alone; this module only shapes the rows for
the screen and for CSV and Excel files. Exports are Wagtail's (``SpreadsheetExportMixin``): CSV
streams row by row, and every text cell passes the formula guard ``cms.spreadsheets`` installs on it.
"""

from __future__ import annotations

from collections import OrderedDict

from django import forms
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from cms.admin_pages import AdminPageView
from cms.people.access import may_track_people, team_for_viewer, visible_people, visible_teams
from cms.spreadsheets import xlsx_column_widths, xlsx_number_formats, xlsx_set_number_format

from ..issuance.models import Program, ProgramCourse
from .status_rows import STATUSES, filter_rows, sort_rows, status_rows

ROWS_PER_PAGE = 50
EXPORT_CHUNK = 500  # people per batch of a streamed CSV export
EXPIRING_CHOICES = [("30", _("30 days")), ("60", _("60 days")), ("90", _("90 days"))]
# (order parameter, heading) for each column, in the order the report shows them.
COLUMNS = [
    ("name", _("Person")),
    ("teams", _("Teams")),
    ("program", _("Program")),
    ("status", _("Status")),
    ("due", _("Due date")),
    ("activity", _("Last activity")),
    ("score", _("Best quiz score")),
]
# (field, heading) of each exported column, in order; ``export_values`` gives the values.
EXPORT_COLUMNS = [
    ("person", _("Person")),
    ("teams", _("Teams")),
    ("program", _("Program")),
    ("status", _("Status")),
    ("percent", _("Progress (%)")),
    ("expires_on", _("Certificate expires")),
    ("due_on", _("Due date")),
    ("overdue", _("Overdue")),
    ("last_activity", _("Last activity")),
    ("best_score", _("Best quiz score (%)")),
]


def sort_report_rows(rows, order: str):
    """``status_rows.sort_rows``, plus sorting by the teams column."""
    if order.lstrip("-") != "teams":
        return sort_rows(rows, order)
    return sorted(
        rows,
        key=lambda r: (", ".join(r.teams).casefold(), r.person.full_name.casefold(), r.program.name),
        reverse=order.startswith("-"),
    )


def export_values(row) -> list:
    """One row of an export, as Python values; dates stay dates so spreadsheets can sort them."""
    last_activity = timezone.localtime(row.last_activity).replace(tzinfo=None) if row.last_activity else None
    return [
        row.person.full_name,
        ", ".join(row.teams),
        row.program.name,
        row.description,
        row.percent,
        row.expires_on,
        row.due_on,
        "Yes" if row.overdue else "No",
        last_activity,
        round(row.best_score, 1) if row.best_score is not None else None,
    ]


class StatusReportFilterForm(forms.Form):
    team = forms.ChoiceField(label=_("Team"), required=False)
    program = forms.ChoiceField(label=_("Program"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *((k, v) for k, v in STATUSES.items())]
    )
    expiring = forms.ChoiceField(
        label=_("Certificate expires within"), required=False, choices=[("", _("Any time")), *EXPIRING_CHOICES]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, teams, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("All teams")), *((str(t.pk), t.name) for t in teams)]
        self.fields["program"].choices = [("", _("All programs")), *((str(p.pk), p.name) for p in programs)]


def csv_date_time(value) -> str:
    """Last activity in CSV files: ISO 8601 to the minute, in the site's time zone (as spreadsheets parse it); empty
    when there is none. Dates in CSV files are ISO 8601 too (``YYYY-MM-DD``)."""
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


class StatusReportView(SpreadsheetExportMixin, AdminPageView):
    """Who on the viewer's teams is certified, in progress, expiring or overdue, in each active program."""

    allowed = staticmethod(may_track_people)
    page_title = _("Certification status")
    header_icon = "list-ul"
    template_name = "certificates/report/status_report.html"
    export_filename = "certification-status"
    list_export = [field for field, _heading in EXPORT_COLUMNS]
    export_headings = dict(EXPORT_COLUMNS)
    custom_field_preprocess = {"last_activity": {SpreadsheetExportMixin.FORMAT_CSV: csv_date_time}}
    show_export_buttons = False  # the report's own buttons carry its filters and order

    def get_filename(self):
        return f"{self.export_filename}-{timezone.localdate()}"

    def to_row_dict(self, item):
        return OrderedDict(zip(self.list_export, export_values(item), strict=True))

    def write_xlsx(self, queryset, output):
        """Wagtail's workbook, with the sheet named after the report instead of "Sheet1", dates as real dates
        in the site's format, and each column as wide as its content."""
        from openpyxl import Workbook
        from openpyxl.utils import get_column_letter

        workbook = Workbook(write_only=True, iso_dates=True)
        sheet = workbook.create_sheet(title=str(self.page_title))
        headings = [self.get_heading(queryset, field) for field in self.list_export]
        rows = [self.to_row_dict(item) for item in queryset]
        for index, width in enumerate(xlsx_column_widths([headings, *(r.values() for r in rows)]), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.append(headings)
        formats = xlsx_number_formats()
        for row in rows:
            cells = list(self.generate_xlsx_row(sheet, row))
            for cell, value in zip(cells, row.values(), strict=True):
                xlsx_set_number_format(cell, value, formats)
            sheet.append(cells)
        workbook.save(output)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"  # names in any script
        return response

    def get(self, request, *args, **kwargs):
        team = self.requested_team()
        teams = list(visible_teams(request.user))
        programs = list(
            Program.objects.filter(active=True)
            .order_by("name")
            .prefetch_related(Prefetch("required_courses", queryset=ProgramCourse.objects.select_related("course")))
        )
        form = StatusReportFilterForm(request.GET, teams=teams, programs=programs)
        form.is_valid()  # invalid filters are shown as errors and left out; valid ones still apply
        chosen = form.cleaned_data
        if chosen.get("program"):
            programs = [p for p in programs if str(p.pk) == chosen["program"]]
        today = timezone.localdate()
        order = self.order()
        export = request.GET.get("export")
        if (
            not export
            and order in ("name", "-name")
            and not any(chosen.get(k) for k in ("status", "expiring", "overdue"))
        ):
            return self.render_page_by_people(form, team, programs, order, today)
        filters = {
            "status": chosen.get("status", ""),
            "expiring_within": int(chosen["expiring"]) if chosen.get("expiring") else None,
            "overdue": chosen.get("overdue", False),
            "today": today,
        }
        if export == self.FORMAT_CSV and order in ("name", "-name"):
            # In name order the rows can be built a few hundred people at a time as the file streams.
            return self.as_spreadsheet(self.rows_by_people_chunks(team, programs, order, filters), export)
        rows = status_rows(
            viewer=request.user, people=visible_people(request.user, team=team), programs=programs, today=today
        )
        rows = sort_report_rows(filter_rows(rows, **filters), order)

        if export in self.FORMATS:
            return self.as_spreadsheet(rows, export)

        page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("p"))
        return self.render_rows(form, page, len(rows), order)

    def render_page_by_people(self, form, team, programs, order, today):
        """The unfiltered report in name order: the database pages the people, and only one page's rows are built.

        Filters on status, expiry or overdue, and sorting by a computed column, need every row; this
        default view, the one opened most, does not.
        """
        people = visible_people(self.request.user, team=team).order_by(
            f"{'-' if order.startswith('-') else ''}full_name", "pk"
        )
        per_page = max(1, ROWS_PER_PAGE // max(1, len(programs)))
        page = Paginator(people, per_page).get_page(self.request.GET.get("p"))
        rows = (
            status_rows(viewer=self.request.user, people=list(page.object_list), programs=programs, today=today)
            if programs
            else []
        )
        page.object_list = sort_report_rows(rows, order)
        return self.render_rows(form, page, page.paginator.count * len(programs), order)

    def rows_by_people_chunks(self, team, programs, order, filters):
        """The filtered rows in name order, built ``size`` people at a time, so memory does not grow with the team."""
        people = visible_people(self.request.user, team=team).order_by(
            f"{'-' if order.startswith('-') else ''}full_name", "pk"
        )
        ids, size = list(people.values_list("pk", flat=True)), EXPORT_CHUNK
        for start in range(0, len(ids), size):
            chunk = list(people.model.objects.filter(pk__in=ids[start : start + size]).order_by(*people.query.order_by))
            rows = status_rows(viewer=self.request.user, people=chunk, programs=programs, today=filters["today"])
            yield from sort_report_rows(filter_rows(rows, **filters), order)

    def render_rows(self, form, page, total, order):
        return self.render_to_response(
            self.get_context_data(
                form=form,
                page=page,
                total=total,
                columns=self.columns(order),
                previous_url=self.url_with(p=page.previous_page_number()) if page.has_previous() else "",
                next_url=self.url_with(p=page.next_page_number()) if page.has_next() else "",
                csv_url=self.url_with(export="csv", p=None),
                xlsx_url=self.url_with(export="xlsx", p=None),
            )
        )

    def requested_team(self):
        """The team asked for, if any; a team the viewer may not see is a 404, as if it did not exist."""
        value = self.request.GET.get("team", "")
        if not value:
            return None
        if not value.isdigit():
            raise Http404("No such team.")
        return team_for_viewer(self.request.user, int(value))

    def order(self) -> str:
        order = self.request.GET.get("order", "name")
        return order if order.lstrip("-") in dict(COLUMNS) else "name"

    def url_with(self, **changes) -> str:
        """This page's address with some parameters changed; ``None`` removes one."""
        params = {key: value for key, value in self.request.GET.items() if key != "export"}
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        return f"?{urlencode(params)}" if params else "?"

    def columns(self, order: str) -> list[dict]:
        """Each heading with the link that sorts by it (reversing the current sort) and its aria-sort."""
        current, descending = order.lstrip("-"), order.startswith("-")
        columns = []
        for key, label in COLUMNS:
            active = key == current
            next_order = f"-{key}" if active and not descending else key
            columns.append(
                {
                    "label": label,
                    "url": self.url_with(order=next_order, p=None),
                    "aria_sort": ("descending" if descending else "ascending") if active else "",
                }
            )
        return columns
