"""The verification link's QR code: a PNG that scans, module for module qrcode's matrix, sharp at its printed size."""

import base64
import io

import zxingcpp
from PIL import Image

from certificates.documents.qr import BORDER, MIN_PIXELS, PRINT_DPI, PRINTED_MM, qr_matrix, verification_qr

URL = "https://training.example.org/verify/kZ3v9Qm1xR7tL2pW8nY4cB6dF0hJ5sGa/"


def png(qr) -> Image.Image:
    prefix = "data:image/png;base64,"
    assert qr.data_uri.startswith(prefix)
    image = Image.open(io.BytesIO(base64.b64decode(qr.data_uri.removeprefix(prefix))))
    assert image.format == "PNG"
    return image


def test_png_scans_to_the_url():
    assert [code.text for code in zxingcpp.read_barcodes(png(verification_qr(URL)))] == [URL]


def test_every_module_is_a_whole_square_of_pixels_matching_qrcodes_matrix():
    qr = verification_qr(URL)
    image = png(qr)
    matrix = qr_matrix(URL)
    box = qr.pixels // len(matrix)
    assert image.size == (qr.pixels, qr.pixels) == (box * len(matrix),) * 2
    assert image.mode == "L"  # 8-bit grey: WeasyPrint embeds it as it is, with no conversion to RGB
    pixels = image.load()
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            square = {pixels[x * box + dx, y * box + dy] for dx in range(box) for dy in range(box)}
            assert square == ({0} if dark else {255}), (x, y)
    assert not any(matrix[0]) and not any(row[0] for row in matrix) and BORDER >= 1  # the light border


def test_at_least_300_dpi_at_the_printed_size():
    qr = verification_qr(URL)
    assert qr.pixels >= MIN_PIXELS
    assert qr.pixels / (PRINTED_MM / 25.4) >= PRINT_DPI


def test_a_longer_link_still_prints_sharp_and_scans():
    url = "https://training.riverside-peer-certification.org/verify/" + "x" * 64 + "/"
    qr = verification_qr(url)
    assert qr.pixels >= MIN_PIXELS and qr.pixels % len(qr_matrix(url)) == 0
    assert [code.text for code in zxingcpp.read_barcodes(png(qr))] == [url]


def test_the_same_link_reuses_the_image():
    assert verification_qr(URL) is verification_qr(URL)
