"""The one rule every CSV and Excel export uses to keep spreadsheet formulas from running."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import load_workbook

from cms.people.roles import SUPERVISORS
from cms.spreadsheets import FORMULA_PREFIXES, neutralise_formula
from tests.factories import AdminFactory, LearnerFactory


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_text_starting_a_formula_is_kept_as_text(prefix):
    assert neutralise_formula(f"{prefix}SUM(A1:A9)") == f"'{prefix}SUM(A1:A9)"


def test_the_six_prefixes_spreadsheets_run():
    assert set(FORMULA_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize("number", ["-0.25", "-12", "-3.5", "12", "66.7"])
def test_plain_numbers_stay_numbers(number):
    assert neutralise_formula(number) == number


@pytest.mark.parametrize("text", ["-2+3", "-1e5", "-inf", "+15551230100", "-0.25)", "- 1", "-"])
def test_text_that_only_starts_like_a_number_is_neutralised(text):
    assert neutralise_formula(text) == f"'{text}"


@pytest.mark.parametrize("value", ["Rosa Delgado", "O'Neil", "Ana=Lee", "", 64.0, -3, None])
def test_other_values_are_left_alone(value):
    assert neutralise_formula(value) == value


# Wagtail's own exports -----------------------------------------------------------------------

FORMULA_NAMES = ['=HYPERLINK("http://example.com","Open")', "+1 555 0100", "-2+3", "@SUM(1)", "\tSUM(1,2)", "\r=1+1"]


@pytest.fixture
def history(db, client):
    """Site history with an entry labelled with each formula name: joining a role is logged on the person."""
    for name in FORMULA_NAMES:
        LearnerFactory(full_name=name).groups.add(Group.objects.get(name=SUPERVISORS))
    client.force_login(AdminFactory())
    return reverse("wagtailadmin_reports:site_history")


def test_site_history_csv_neutralises_formulas(client, history):
    response = client.get(history, {"export": "csv"})
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    labels = [row["Name"] for row in csv.DictReader(io.StringIO(body, newline=""))]
    assert {f"'{name}" for name in FORMULA_NAMES} <= set(labels)
    assert not any(label.startswith(FORMULA_PREFIXES) for label in labels)


def test_site_history_xlsx_neutralises_formulas(client, history):
    response = client.get(history, {"export": "xlsx"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(min_row=2))
    labels = {row[1].value for row in rows}
    assert all(cell.data_type != "f" for row in rows for cell in row)
    # XML reads a carriage return back as a line feed.
    assert {f"'{name}".replace("\r", "\n") for name in FORMULA_NAMES} <= labels


def test_excel_formats_follow_the_sites_date_and_moment_formats():
    from cms.spreadsheets import xlsx_number_formats

    assert xlsx_number_formats() == ("mmmm d, yyyy", "mmmm d, yyyy, h:mm AM/PM")


def test_column_widths_fit_the_longest_value_as_shown_and_are_capped():
    from datetime import date

    from cms.spreadsheets import MAX_COLUMN_WIDTH, xlsx_column_widths

    rows = [["Person", "Due date", "Notes"], ["Ann", date(2026, 12, 5), "x" * 200], ["Bartholomew", None, ""]]
    assert xlsx_column_widths(rows) == [len("Bartholomew") + 2, len("December 5, 2026") + 2, MAX_COLUMN_WIDTH]
