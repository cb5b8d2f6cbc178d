"""How CE hours are written in stored facts and logs: the plain decimal people typed ("10", "2.5")."""

from decimal import Decimal


def hours_text(hours: Decimal) -> str:
    """``Decimal("10.00")`` as ``"10"``, never ``"1E+1"``; ``Decimal("2.50")`` as ``"2.5"``."""
    return format(hours.normalize(), "f")
