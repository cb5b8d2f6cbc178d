"""The placeholders a certificate template's body text may use: the one list that rendering fills and validation checks.

Braces mark placeholders and nothing else, so a template's body is refused (a field error on the
admin form) if it names a placeholder not listed here or has a brace without its pair. Bodies
copied onto certificates before this rule are still printed: an unknown placeholder as written.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# What each stands for is in rendering.placeholder_values and in the trainer guide.
PLACEHOLDERS = ("name", "program", "certificate", "issued_on", "expires_on", "hours", "organisation", "serial")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
ALLOWED = ", ".join(f"{{{key}}}" for key in PLACEHOLDERS)
HELP_TEXT = format_lazy(
    gettext_lazy("Placeholders: {placeholders}. Text is printed as written; no HTML."), placeholders=ALLOWED
)


def _words_around(text: str, index: int) -> str:
    """The word holding ``text[index]`` with up to two words either side, to show a trainer where to look."""
    words = list(re.finditer(r"\S+", text))
    at = next(number for number, word in enumerate(words) if word.start() <= index < word.end())
    return " ".join(word[0] for word in words[max(0, at - 2) : at + 3])


def validate_body(value: str) -> None:
    """Refuse body text with an unknown placeholder or a brace without its pair, naming each and the allowed ones."""
    errors = []
    unknown = [match[0] for match in PLACEHOLDER.finditer(value) if match[1] not in PLACEHOLDERS]
    if unknown:
        errors.append(
            ValidationError(
                _("Unknown placeholder: %(unknown)s. Use only these: %(allowed)s."),
                code="unknown_placeholder",
                params={"unknown": ", ".join(dict.fromkeys(unknown)), "allowed": ALLOWED},
            )
        )
    paired = {index for match in PLACEHOLDER.finditer(value) for index in (match.start(), match.end() - 1)}
    stray = [index for index, char in enumerate(value) if char in "{}" and index not in paired]
    if stray:
        errors.append(
            ValidationError(
                _(
                    "A brace has no pair, near “%(near)s”. Braces only mark placeholders, written whole like "
                    "{name}. Use only these: %(allowed)s."
                ),
                code="unpaired_brace",
                params={"near": _words_around(value, stray[0]), "allowed": ALLOWED},
            )
        )
    if errors:
        raise ValidationError(errors)
