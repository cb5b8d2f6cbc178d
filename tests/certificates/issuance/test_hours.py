from decimal import Decimal

import pytest

from certificates.issuance.hours import hours_text


@pytest.mark.parametrize(
    ("stored", "written"),
    [("10.00", "10"), ("100", "100"), ("2.50", "2.5"), ("0.25", "0.25"), ("0", "0"), ("1000.0", "1000")],
)
def test_hours_are_written_as_plain_decimals(stored, written):
    assert hours_text(Decimal(stored)) == written
