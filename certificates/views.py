from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from cms.security.ratelimit import rate_limited

from . import credentials, selectors
from .forms import CECreditForm, VerifySearchForm
from .models import Program
from .pdf import certificate_pdf_render
from .services import credit_submit, pdf_render_failed


@login_required
@require_GET
def my_certificates(request):
    certificates = selectors.learner_certificates(user=request.user)
    entries = [
        {
            "certificate": c,
            "status": c.status(),
            "linkedin_url": selectors.linkedin_add_url(c) if c.is_current and not c.revoked_at else "",
            # Not stored yet: the background task is rendering it, or retrying a failed render.
            "pdf_being_prepared": not c.pdf,
        }
        for c in certificates
    ]
    return render(
        request,
        "certificates/my_certificates.html",
        {
            "current": [e for e in entries if e["certificate"].is_current],
            "earlier": [e for e in entries if not e["certificate"].is_current],
            "ledger": selectors.learner_ledger(user=request.user),
        },
    )


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
    token = credentials.credential_jwt(selectors.credential_data(certificate))
    response = HttpResponse(token, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.jwt"'
    response["Cache-Control"] = "private, no-store"
    return response


@rate_limited("verify")
@require_GET
def verify_search(request):
    """Type or paste a verification code (or the whole link) to check a certificate."""
    form = VerifySearchForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("certificate-verify", code=form.cleaned_data["code"])
    return render(request, "certificates/verify_search.html", {"form": form})


@rate_limited("verify")
@require_GET
def verify(request, code: str):
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        response = render(request, "certificates/verify_not_found.html", {"form": VerifySearchForm()}, status=404)
    else:
        response = render(
            request, "certificates/verify.html", {"certificate": certificate, "status": certificate.status()}
        )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the code is in the URL: never pass it on to other sites
    return response


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


@login_required
@require_http_methods(["GET", "POST"])
def ce_ledger(request):
    """A learner's CE hours by category against each program, and a form to record external hours."""
    form = CECreditForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        credit_submit(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your hours are recorded and wait for your supervisor's review."))
        return redirect("ce-ledger")
    return render(
        request, "certificates/ce_ledger.html", {"ledger": selectors.learner_ledger(user=request.user), "form": form}
    )


@login_required
@require_GET
def credit_evidence(request, credit_id: int):
    credit = selectors.credit_for_viewer(viewer=request.user, credit_id=credit_id)
    if not credit.evidence:
        raise Http404("No evidence file.")
    # Always a download with a fixed safe type, so an uploaded file never runs in the site's origin.
    response = FileResponse(credit.evidence.open("rb"), as_attachment=True, content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
