"""Certificate pages: a holder's PDF and credential, public verification, what a program means, and the signing keys."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from cms.security.ratelimit import rate_limited

from ..documents import credentials
from ..documents.qr import verification_qr
from ..documents.selectors import credential_data
from . import selectors
from .files import certificate_pdf_render
from .forms import VerifyByNumberForm, VerifySearchForm
from .models import Program
from .services import pdf_render_failed


def _pdf_being_prepared(request, certificate):
    """A friendly page, not an error, while rendering keeps failing and is being retried (202 Accepted)."""
    response = render(request, "certificates/pdf_being_prepared.html", {"certificate": certificate}, status=202)
    response["Retry-After"] = "300"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def certificate_pdf(request, serial: str):
    """The stored PDF; rendered now and stored if the background job has not done it yet.

    If rendering is failing, the background task is retrying it, and the person is told the
    PDF is being prepared rather than shown an error.
    """
    certificate = selectors.certificate_for_viewer(viewer=request.user, serial=serial)
    if certificate.pdf and certificate.pdf.storage.exists(certificate.pdf.name):
        response = FileResponse(certificate.pdf.open("rb"), content_type="application/pdf")
    elif certificate.pk in selectors.pdfs_being_retried([certificate]):
        return _pdf_being_prepared(request, certificate)
    else:
        # Never stored, or the stored file was lost: render it again and store it.
        try:
            content = certificate_pdf_render(certificate, force=bool(certificate.pdf))
        except Exception as error:  # noqa: BLE001 - any rendering failure is retried in the background
            pdf_render_failed(certificate=certificate, error=error)
            return _pdf_being_prepared(request, certificate)
        response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{certificate.file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def certificate_credential(request, serial: str):
    """The Open Badges 3.0 credential as a signed VC-JWT file."""
    certificate = selectors.certificate_for_viewer(viewer=request.user, serial=serial)
    token = credentials.credential_jwt(credential_data(certificate))
    response = HttpResponse(token, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.jwt"'
    response["Cache-Control"] = "private, no-store"
    return response


def _verification(request, certificate, *, by_number: bool = False):
    """The verification page for ``certificate``, or "not found" (404) for ``None``."""
    if certificate is None:
        forms = {"form": VerifySearchForm(), "number_form": VerifyByNumberForm(), "by_number": by_number}
        response = render(request, "certificates/verify_not_found.html", forms, status=404)
    else:
        # The same QR code as the printed certificate's, so the page can be passed on from a screen to a phone.
        context = {
            "certificate": certificate,
            "status": certificate.status(),
            "qr": verification_qr(certificate.verification_url()),
        }
        response = render(request, "certificates/verify.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the code is in the URL: never pass it on to other sites
    return response


@rate_limited("verify")
@require_http_methods(["GET", "POST"])
def verify_search(request):
    """Check a certificate by its verification code (or the whole link), or by its number and the holder's last name.

    The number and name are posted, not put in the address, so they stay out of histories and server logs.
    """
    form = VerifySearchForm(request.GET or None)
    number_form = VerifyByNumberForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        return redirect("certificate-verify", code=form.cleaned_data["code"])
    if number_form.is_bound and number_form.is_valid():
        found = selectors.certificate_by_number(
            number_form.cleaned_data["number"], number_form.cleaned_data["last_name"]
        )
        return _verification(request, found, by_number=True)
    return render(request, "certificates/verify_search.html", {"form": form, "number_form": number_form})


@rate_limited("verify")
@require_GET
def verify(request, code: str):
    return _verification(request, selectors.certificate_by_code(code))


@require_GET
def program_detail(request, program_id: int):
    """A public description of a program: what its certificate means (the credential's achievement)."""
    program = get_object_or_404(
        Program.objects.prefetch_related("required_courses__course", "hours__category"), pk=program_id
    )
    return render(request, "certificates/program_detail.html", {"program": program})


@require_GET
@cache_control(public=True, max_age=300)
def jwks(request):
    """The public keys that verify this site's credentials (JSON Web Key Set)."""
    return JsonResponse(credentials.jwks(), content_type="application/jwk-set+json")
