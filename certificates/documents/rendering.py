"""Certificate PDFs: the data printed, the HTML it becomes, and a WeasyPrint render that fetches nothing remote.

No database: callers pass a ``CertificateData`` snapshot (what was true when the certificate
was issued) and a ``LocalFiles`` resolver for the project's own static and media files.
Every value is escaped, including the trainer-written body text, so a name or template can
never inject markup, and the URL fetcher serves only local files and inline data. The name and
every placeholder's value sit in their own ``<bdi>``, so a right-to-left name can't reorder the
words around it, and characters hidden in names saved before ``cms.people.names`` refused them are dropped.
"""

from __future__ import annotations

import dataclasses
import functools
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import weasyprint
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import Storage
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from cms.dates import site_date
from cms.people.names import name_for_print

from .placeholders import PLACEHOLDER, PLACEHOLDERS
from .qr import verification_qr

#: The page layouts a certificate template may choose, as model choices.
PAGE_SIZES = [
    ("letter-landscape", _("US Letter, landscape")),
    ("letter-portrait", _("US Letter, portrait")),
    ("a4-landscape", _("A4, landscape")),
    ("a4-portrait", _("A4, portrait")),
]


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on one certificate, frozen when it was issued."""

    name: str
    program: str
    serial: str
    verification_url: str
    issued_on: date
    expires_on: date | None = None
    hours: Mapping[str, float] = field(default_factory=dict)  # CE hours by category
    organisation: str = ""
    signatory_name: str = ""
    signatory_title: str = ""
    title: str = "Certificate of Completion"
    body: str = "This certifies that {name} has earned the {certificate}."
    accent_colour: str = "#1f5f5b"
    page: str = "letter-landscape"
    logo: str = ""  # "static:..." or "media:..." path, or empty
    signature: str = ""

    @property
    def total_hours(self) -> float:
        return sum(self.hours.values())


#: Last words that already say what is earned: "the Peer Support Specialist Certificate", not "… Certificate certificate".
AWARD_WORDS = frozenset({"certificate", "certification", "credential", "diploma", "licence", "license", "badge"})


def certificate_phrase(program: str) -> str:
    """What follows "has earned the" for any program name: the name, with "certificate" after it unless it
    already ends in such a word, and without a leading "The" (which the sentence supplies)."""
    name = re.sub(r"^the\s+", "", " ".join(program.split()), flags=re.IGNORECASE)
    words = name.casefold().split()
    return name if words and words[-1] in AWARD_WORDS else f"{name} certificate".strip()


def placeholder_values(data: CertificateData) -> dict[str, str]:
    """What each of ``placeholders.PLACEHOLDERS`` stands for on this certificate."""
    return {
        "name": data.name,
        "program": data.program,
        "certificate": certificate_phrase(data.program),
        "issued_on": site_date(data.issued_on),
        "expires_on": site_date(data.expires_on),
        "hours": f"{data.total_hours:g}",
        "organisation": data.organisation,
        "serial": data.serial,
    }


def body_html(data: CertificateData) -> SafeString:
    """The trainer's body text with placeholders (``placeholders.PLACEHOLDERS``) filled; text and values are escaped.

    Templates refuse unknown placeholders, but a body copied onto a certificate before that rule may
    still hold one: it is printed as written, never a failed render.
    """
    values = placeholder_values(data)

    def fill(match: re.Match) -> str:
        key = match[1]
        if key not in PLACEHOLDERS:
            return escape(match[0])
        return f'<strong class="value"><bdi>{escape(values[key])}</bdi></strong>'

    pieces, last = [], 0
    for match in PLACEHOLDER.finditer(data.body):
        pieces.append(escape(data.body[last : match.start()]))
        pieces.append(fill(match))
        last = match.end()
    pieces.append(escape(data.body[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece above is escaped


def _check_layout(page: str, accent_colour: str) -> None:
    layouts = [value for value, _label in PAGE_SIZES]
    if page not in layouts:
        raise ValueError(f"Unknown page layout {page!r}; choose one of {sorted(layouts)}.")
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", accent_colour):
        raise ValueError(f"The accent colour must look like #1f5f5b, not {accent_colour!r}.")


def certificate_html(data: CertificateData) -> str:
    """The certificate as an HTML document for WeasyPrint, styled by ``certificate_stylesheet``."""
    _check_layout(data.page, data.accent_colour)
    data = dataclasses.replace(data, name=name_for_print(data.name))
    return render_to_string(
        "certificates/certificate_pdf.html",
        {
            "data": data,
            "body": body_html(data),
            "orientation": data.page.split("-")[1],
            "qr": verification_qr(data.verification_url),
        },
    )


# A handful of layouts and accent colours are in use: parsing the stylesheet on every render cost
# about a tenth of the render (issue 15's profile), so each pair is parsed once per process.
@functools.lru_cache(maxsize=64)
def certificate_stylesheet(page: str, accent_colour: str) -> weasyprint.CSS:
    """The certificate's stylesheet for one page layout and accent colour, parsed once."""
    _check_layout(page, accent_colour)
    css = render_to_string(
        "certificates/certificate_pdf.css", {"page_size": page.replace("-", " "), "accent_colour": accent_colour}
    )
    return weasyprint.CSS(string=css, font_config=font_configuration())


class LocalFiles(URLFetcher):
    """A WeasyPrint URL fetcher that serves only inline data and files under the given roots.

    ``static:css/x.css`` and ``media:images/logo.png`` resolve under their roots; anything else
    (http, https, ftp, file paths outside the roots) is refused, so rendering never touches
    the network or reads arbitrary files. A root is a folder, or a Django storage (object
    storage for uploads): a storage is read through its own API, by name, never by path.
    """

    def __init__(self, roots: Mapping[str, Path | Storage]):
        super().__init__(allowed_protocols={"data", "static", "media"}, allow_redirects=False)
        self.roots = {
            scheme: root if isinstance(root, Storage) else Path(root).resolve() for scheme, root in roots.items()
        }
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        scheme, _, path = url.partition(":")
        if scheme == "data":
            return super().fetch(url, headers)
        root, name = self.roots.get(scheme), path.lstrip("/")
        body = None
        if isinstance(root, Storage):
            body = _stored_bytes(root, name)
        elif root is not None and (target := (root / name).resolve()).is_relative_to(root) and target.is_file():
            body = target.read_bytes()
        if body is None:
            self.refused.append(url)
            raise URLFetchingError(f"Refused to fetch {url!r}: only local static and media files are allowed.")
        return URLFetcherResponse(url, body=body)


def _stored_bytes(storage: Storage, name: str) -> bytes | None:
    """The file ``name`` in ``storage``, or None if the name climbs out of it or nothing is stored there."""
    clean = posixpath.normpath(name)
    if not name or clean != name or clean.startswith(("../", "/")) or clean in {".", ".."}:
        return None
    try:
        with storage.open(clean, "rb") as stored:
            return stored.read()
    except (OSError, SuspiciousOperation):
        return None


@functools.cache
def font_configuration() -> FontConfiguration:
    """One font configuration per process: making a new one per render leaks about 0.25 MB each time."""
    return FontConfiguration()


def render_pdf(data: CertificateData, *, files: LocalFiles) -> bytes:
    """The certificate as a tagged PDF (PDF/UA-1) with title and author metadata."""
    html = weasyprint.HTML(string=certificate_html(data), base_url="static:/", url_fetcher=files)
    return html.write_pdf(
        stylesheets=[certificate_stylesheet(data.page, data.accent_colour)],
        pdf_variant="pdf/ua-1",
        font_config=font_configuration(),
    )
