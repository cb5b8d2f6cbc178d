"""Cells for CSV and Excel exports: the one rule that keeps a spreadsheet from running what people typed.

Every export passes each text cell through ``neutralise_formula``: the certification status report
and quiz item statistics call it, and Wagtail's own exports (Reports > Site history, the page and
workflow reports, redirects) do through ``wagtail_exports_neutralise``. Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula, and some also after a leading tab or carriage return, so a name such as
``=HYPERLINK(...)`` could run on a supervisor's computer.
"""

from __future__ import annotations

import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A plain decimal such as "-0.25" is read as a number, never run, and must stay one to be sorted.
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def neutralise_formula(value):
    """Text that a spreadsheet would run as a formula, kept as text by a leading apostrophe; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(value):
        return f"'{value}"
    return value


def wagtail_exports_neutralise() -> None:
    """Make Wagtail's exports apply ``neutralise_formula`` to every text cell, in CSV and Excel alike.

    They share ``SpreadsheetExportMixin``, which cleans each value with the function its
    ``custom_value_preprocess`` names for the value's type; text has none, so its CSV cells go out
    as typed. Called once, from ``CmsConfig.ready``.
    """
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    formats = (SpreadsheetExportMixin.FORMAT_CSV, SpreadsheetExportMixin.FORMAT_XLSX)
    SpreadsheetExportMixin.custom_value_preprocess = {
        **SpreadsheetExportMixin.custom_value_preprocess,
        str: dict.fromkeys(formats, neutralise_formula),
    }


# Excel: dates in the site's format, columns as wide as their content -------------------------

MAX_COLUMN_WIDTH = 50  # characters; longer text wraps in the spreadsheet program instead


def xlsx_number_formats() -> tuple[str, str]:
    """Excel number formats for a date and for a moment, from the site's ``DATE_FORMAT`` and
    ``DATETIME_FORMAT``: the cells stay real dates (sortable, filterable) and read as on the site."""
    from django.utils.formats import get_format
    from wagtail.admin.views.mixins import ExcelDateFormatter

    formatter = ExcelDateFormatter()
    as_excel = [formatter.format(get_format(name)).strip().rstrip(",") for name in ("DATE_FORMAT", "DATETIME_FORMAT")]
    return as_excel[0], as_excel[1]


def xlsx_set_number_format(cell, value, formats: tuple[str, str]) -> None:
    """Give a date or datetime cell the site's format (``xlsx_number_formats``); leave any other cell alone."""
    from datetime import date, datetime

    if isinstance(value, datetime):
        cell.number_format = formats[1]
    elif isinstance(value, date):
        cell.number_format = formats[0]


def _shown_length(value) -> int:
    from datetime import date, datetime

    from django.utils.formats import date_format

    if value is None:
        return 0
    if isinstance(value, datetime):
        return len(date_format(value, "DATETIME_FORMAT"))
    if isinstance(value, date):
        return len(date_format(value, "DATE_FORMAT"))
    return max((len(line) for line in str(value).splitlines()), default=0)


def xlsx_column_widths(rows, *, cap: int = MAX_COLUMN_WIDTH) -> list[float]:
    """Each column's width in characters: its longest value as shown (headings included), plus a margin, capped."""
    widths: list[int] = []
    for row in rows:
        for index, value in enumerate(row):
            if index == len(widths):
                widths.append(0)
            widths[index] = max(widths[index], _shown_length(value))
    return [min(cap, width + 2) for width in widths]
