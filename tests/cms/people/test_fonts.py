"""The installed fonts, as fontconfig reports them: the certificate font and the Noto fallbacks `make install` adds."""

import pytest

from cms.people.fonts import font_has

SCRIPTS = {
    "accented Latin": "Zoë Nguyễn Ñúñez Łukasz",
    "Greek": "Ελένη",
    "Cyrillic": "Олена",
    "Arabic": "محمد",
    "Hebrew": "נועה",
    "Chinese": "李小龙",
    "Japanese": "さくら",
    "Korean": "김민준",
    "Devanagari": "प्रिया",
    "Ethiopic": "አበበ",
    "Cherokee": "ᏣᎳᎩ",
    "Thai": "สมชาย",
    "emoji": "🌻👩🏽⚕❤",
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_installed_fonts_draw_every_script_names_are_written_in(script):
    assert [char for char in SCRIPTS[script] if not font_has(char)] == []


def test_rare_ideographs_have_no_installed_font():
    assert not font_has("\U00020000")  # CJK Extension B: none of the Noto CJK fonts has it
