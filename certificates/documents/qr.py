"""The QR code of a certificate's verification link: one PNG for the printed PDF and the verification page.

A PNG, not an SVG: WeasyPrint draws an SVG path point by point in Python (about 13 ms of a
certificate's render), while it embeds a PNG's pixels as they are. The image is 8-bit grey, which
WeasyPrint writes straight into the PDF (a 1-bit or palette image it would convert to RGB and
encode again), with at least ``PRINT_DPI`` pixels per inch at the printed size, each module a
whole number of pixels. Shown with ``image-rendering: pixelated``, so neither WeasyPrint (the
PDF's ``/Interpolate false``) nor a browser blurs the edges. Made locally: nothing is fetched.
"""

from __future__ import annotations

import base64
import functools
import io
import math
from dataclasses import dataclass

import qrcode
from PIL import Image

#: Width of the QR code on the printed certificate (``.verify img`` in certificate_pdf.html).
PRINTED_MM = 32
PRINT_DPI = 300
#: The light margin around the code, in modules: the certificate's white page adds to it.
BORDER = 2
MIN_PIXELS = math.ceil(PRINTED_MM / 25.4 * PRINT_DPI)


@dataclass(frozen=True)
class QRImage:
    """A QR code as a PNG ``data:`` URI, ``pixels`` wide and high."""

    data_uri: str
    pixels: int


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code's modules for ``text``, light border included: True is dark."""
    code = qrcode.QRCode(border=BORDER, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


# Cached: a verification page shown again, or a PDF rendered again, reuses the image. Each entry is
# about 2 KB, so the cache stays small however many certificates a process sees.
@functools.lru_cache(maxsize=512)
def verification_qr(url: str) -> QRImage:
    """The QR code linking to ``url``, sharp when printed at ``PRINTED_MM`` and on screens."""
    matrix = qr_matrix(url)
    modules = len(matrix)
    box = math.ceil(MIN_PIXELS / modules)
    grey = bytes(0 if dark else 255 for row in matrix for dark in row)
    image = Image.frombytes("L", (modules, modules), grey).resize(
        (modules * box, modules * box), Image.Resampling.NEAREST
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return QRImage("data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"), modules * box)
