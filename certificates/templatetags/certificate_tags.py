from decimal import Decimal, InvalidOperation

from django import template

from certificates.documents.rendering import certificate_phrase

register = template.Library()


@register.filter
def hours(value) -> str:
    """CE hours as people write them: 6, 6.5, 6.25 (never 6.00 or 6.50)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    text = format(number.quantize(Decimal("0.01")).normalize(), "f")
    return text


@register.filter
def award(program_name: str) -> str:
    """What was earned, as the certificate says it: "Perinatal Peer Support Specialist Certificate", never
    "… Certificate certificate" (``certificate_phrase``)."""
    return certificate_phrase(program_name or "")
