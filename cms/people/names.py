"""People's names: which characters a name may hold, one rule wherever a name is typed.

The full name is printed on certificates, and both names are shown across the site. The user
model's name fields carry ``validate_name``, so sign-up, the profile page, the admin's user forms,
the admin account page and anything else that calls ``full_clean`` refuse the same characters:

- direction controls (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069): invisible, and
  they reorder what is printed around them, so a certificate could show something else than was typed;
- other characters that can't be seen: controls (Unicode category Cc), format characters (Cf) except
  the zero-width non-joiner and joiner (U+200C, U+200D), which Persian, Indic scripts and emoji
  sequences need, line and paragraph separators (Zl, Zp), private-use (Co), unassigned (Cn) and
  surrogate (Cs) code points, and the letters that print as nothing (the Hangul fillers and the
  Braille blank);
- characters that none of the installed fonts draws (``cms.people.fonts``): they would print as empty boxes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cms.people.fonts import font_has

DIRECTION_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
JOINERS = frozenset("\u200c\u200d")
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"})
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
UNNAMED = {"Cc": "control character", "Co": "private use", "Cn": "unassigned", "Cs": "surrogate"}


def is_hidden(char: str) -> bool:
    """A character that can't be seen in a name, direction controls included; the joiners are allowed."""
    if char in JOINERS:
        return False
    return char in DIRECTION_CONTROLS or char in BLANK_LETTERS or unicodedata.category(char) in HIDDEN_CATEGORIES


def _never_drawn(char: str) -> bool:
    # Joiners and variation selectors change how the characters beside them are drawn and have no
    # glyph of their own, so no font needs to list them.
    code = ord(char)
    return char in JOINERS or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def describe(chars: Iterable[str], *, show: bool = False) -> str:
    """The characters as people can look them up: "U+202E RIGHT-TO-LEFT OVERRIDE", quoted first if ``show``."""
    described = []
    for char in dict.fromkeys(chars):
        name = unicodedata.name(char, "") or f"({UNNAMED.get(unicodedata.category(char), 'no name')})"
        code = f"U+{ord(char):04X} {name}"
        described.append(f"“{char}” ({code})" if show else code)
    return ", ".join(described)


def validate_name(value: str) -> None:
    """Refuse a name with characters that could print differently from how it reads, or not at all."""
    errors = []
    direction = [char for char in value if char in DIRECTION_CONTROLS]
    if direction:
        errors.append(
            ValidationError(
                _(
                    "This name contains a hidden character that changes the direction of the text: %(characters)s. "
                    "It could make a certificate show the name in the wrong order. Type the name instead of pasting it."
                ),
                code="direction_control",
                params={"characters": describe(direction)},
            )
        )
    hidden = [char for char in value if is_hidden(char) and char not in DIRECTION_CONTROLS]
    if hidden:
        errors.append(
            ValidationError(
                _("This name contains a hidden character: %(characters)s. Type the name instead of pasting it."),
                code="hidden_character",
                params={"characters": describe(hidden)},
            )
        )
    unprintable = [char for char in value if not is_hidden(char) and not _never_drawn(char) and not font_has(char)]
    if unprintable:
        errors.append(
            ValidationError(
                _(
                    "Certificates can't print %(characters)s: none of the site's fonts has it. "
                    "Write the name without it, or ask an administrator to add a font that has it."
                ),
                code="unprintable_character",
                params={"characters": describe(unprintable, show=True)},
            )
        )
    if errors:
        raise ValidationError(errors)


def name_for_print(value: str) -> str:
    """``value`` without the hidden characters ``validate_name`` refuses, for names saved before that rule."""
    return "".join(char for char in value if not is_hidden(char))


def _name_words(value: str) -> list[str]:
    """The words of a name for comparing: no accents, case folded, split at spaces, hyphens and apostrophes."""
    decomposed = unicodedata.normalize("NFKD", name_for_print(value))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    return re.findall(r"\w+", plain)


def is_last_name_of(full_name: str, last_name: str) -> bool:
    """Whether ``last_name`` ends ``full_name``, ignoring case, accents, extra spaces and punctuation.

    Whole words only, and the last word must be among them: "Alvarez-Whitfield", "alvarez whitfield" and
    "Whitfield" are last names of "Renee Alvarez-Whitfield"; "Renee", "Alvarez" and "field" are not.
    """
    typed, words = _name_words(last_name), _name_words(full_name)
    return bool(typed) and len(typed) <= len(words) and words[-len(typed) :] == typed
