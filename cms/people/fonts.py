"""Which characters the fonts installed on this machine can draw, as fontconfig (and so WeasyPrint) sees them.

A certificate is drawn in its own font, and every character that font lacks comes from another
installed font that has it: the system packages add Noto for other scripts, Noto CJK and Noto
Color Emoji (``make system-packages``). A character that no installed font has would print as an
empty box, so names are checked against this before they are saved (``cms.people.names``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

FC_SET_SYSTEM = 0
FC_RESULT_MATCH = 0


class _FontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.POINTER(ctypes.c_void_p))]


@functools.cache
def _coverage() -> tuple[ctypes.CDLL, ctypes.c_void_p]:
    """fontconfig and the union of every installed font's characters, read once per process from its cache."""
    library = ctypes.util.find_library("fontconfig")
    if library is None:
        raise OSError("fontconfig is not installed; certificates need it (on Debian, libfontconfig1).")
    fontconfig = ctypes.CDLL(library)
    fontconfig.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    fontconfig.FcConfigGetFonts.restype = ctypes.POINTER(_FontSet)
    fontconfig.FcConfigGetFonts.argtypes = [ctypes.c_void_p, ctypes.c_int]
    fontconfig.FcPatternGetCharSet.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_void_p),
    ]
    fontconfig.FcCharSetCreate.restype = ctypes.c_void_p
    fontconfig.FcCharSetMerge.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    fontconfig.FcCharSetHasChar.argtypes = [ctypes.c_void_p, ctypes.c_uint32]

    # The same configuration WeasyPrint loads, so fonts that fontconfig rejects are left out here too.
    config = fontconfig.FcInitLoadConfigAndFonts()
    fonts = fontconfig.FcConfigGetFonts(config, FC_SET_SYSTEM)
    union = fontconfig.FcCharSetCreate()
    charset = ctypes.c_void_p()
    for index in range(fonts.contents.nfont if fonts else 0):
        found = fontconfig.FcPatternGetCharSet(fonts.contents.fonts[index], b"charset", 0, ctypes.byref(charset))
        if found == FC_RESULT_MATCH:
            fontconfig.FcCharSetMerge(union, charset, None)
    return fontconfig, ctypes.c_void_p(union)


def font_has(char: str) -> bool:
    """Whether at least one installed font draws ``char`` (one character)."""
    fontconfig, union = _coverage()
    return bool(fontconfig.FcCharSetHasChar(union, ord(char)))
