"""The one rule for due dates and "overdue"."""

from datetime import date

from certificates.tracking.due import due_date, is_overdue

TODAY = date(2027, 3, 10)


def test_the_due_date_is_the_earliest_open_one():
    assert due_date([date(2027, 4, 1), date(2027, 3, 1)]) == date(2027, 3, 1)
    assert due_date([]) is None


def test_overdue_only_when_past_and_not_done():
    assert is_overdue(date(2027, 3, 9), done=False, today=TODAY)
    assert not is_overdue(date(2027, 3, 10), done=False, today=TODAY)  # due today is not late yet
    assert not is_overdue(date(2027, 3, 9), done=True, today=TODAY)
    assert not is_overdue(None, done=False, today=TODAY)
