"""A learner's pages: My certificates (with the CE hours ledger), the ledger and its form, and evidence downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ..documents.selectors import linkedin_add_url
from ..issuance.selectors import learner_certificates
from .forms import CECreditForm
from .selectors import credit_for_viewer, learner_ledger
from .services import credit_submit


@login_required
@require_GET
def my_certificates(request):
    certificates = learner_certificates(user=request.user)
    entries = [
        {
            "certificate": c,
            "status": c.status(),
            "linkedin_url": linkedin_add_url(c) if c.is_current and not c.revoked_at else "",
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
            "ledger": learner_ledger(user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ce_ledger(request):
    """A learner's CE hours by category against each program, and a form to record external hours."""
    form = CECreditForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        credit_submit(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your hours are recorded and wait for your supervisor's review."))
        return redirect("ce-ledger")
    return render(request, "certificates/ce_ledger.html", {"ledger": learner_ledger(user=request.user), "form": form})


@login_required
@require_GET
def credit_evidence(request, credit_id: int):
    credit = credit_for_viewer(viewer=request.user, credit_id=credit_id)
    if not credit.evidence:
        raise Http404("No evidence file.")
    # Always a download with a fixed safe type, so an uploaded file never runs in the site's origin.
    response = FileResponse(credit.evidence.open("rb"), as_attachment=True, content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
