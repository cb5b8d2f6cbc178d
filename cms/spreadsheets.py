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
