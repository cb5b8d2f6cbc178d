"""CE hours to review: external hours awaiting a supervisor's or administrator's decision.

Every decision goes through ``services.credit_review``; whose hours each reviewer sees is decided
by ``selectors.credits_to_review``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.paginator import WagtailPaginator

from cms.admin_pages import AdminPageView
from courses.catalogue.hours import hours_text

from ..issuance.services import CertificateRefused
from .models import CECredit
from .selectors import credits_to_review
from .services import credit_review

REVIEW_INDEX = "ce_hours_review:index"


def may_review_hours(user) -> bool:
    """Supervisors and administrators. Whose hours each of them sees is up to ``credits_to_review``."""
    return user.has_perm("certificates.view_cecredit")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Not approved"))])
    note = forms.CharField(
        label=_("Note to the learner"),
        max_length=CECredit._meta.get_field("review_note").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required if not approved: say what is missing."),
    )


class HoursReviewView(AdminPageView):
    """External CE hours awaiting a decision, from the people this reviewer supervises (everyone's for admins).

    The listing takes GETs; each entry's decision is POSTed to its own URL (``credit_id``).
    """

    allowed = staticmethod(may_review_hours)
    template_name = "certificates/admin/hours_review.html"
    page_title = _("CE hours to review")
    header_icon = "tasks"
    paginate_by = 50

    def get_context_data(self, failed=None, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = WagtailPaginator(credits_to_review(reviewer=self.request.user), self.paginate_by)
        page = paginator.get_page(self.request.GET.get("p"))
        rows = [
            {
                "credit": credit,
                "form": failed if failed is not None and failed.credit_id == credit.pk else self.decision_form(credit),
                "action_url": reverse("ce_hours_review:decide", args=[credit.pk]),
                "evidence_url": reverse("ce-evidence", args=[credit.pk]) if credit.evidence else "",
            }
            for credit in page.object_list
        ]
        context.update(
            rows=rows,
            page_obj=page,
            paginator=paginator,
            elided_page_range=paginator.get_elided_page_range(page.number),
        )
        return context

    @staticmethod
    def decision_form(credit: CECredit, data=None) -> DecisionForm:
        form = DecisionForm(data, auto_id=f"id_credit{credit.pk}_%s")
        form.credit_id = credit.pk
        return form

    def post(self, request, credit_id: int):
        # Only entries this person may decide exist for them: anyone else's is "not found".
        credit = credits_to_review(reviewer=request.user).filter(pk=credit_id).first()
        if credit is None:
            raise Http404("No such hours awaiting your review.")
        form = self.decision_form(credit, request.POST)
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                credit_review(credit=credit, reviewer=request.user, approve=approve, note=form.cleaned_data["note"])
            except CertificateRefused as error:
                form.add_error("note" if not approve else None, str(error))
            else:
                facts = {"hours": hours_text(credit.hours), "title": credit.title, "name": credit.user.full_name}
                if approve:
                    messages.success(request, _("Approved %(hours)s hours of “%(title)s” for %(name)s.") % facts)
                else:
                    messages.success(request, _("“%(title)s” is marked not approved; %(name)s sees your note.") % facts)
                return redirect(REVIEW_INDEX)
        return self.render_to_response(self.get_context_data(failed=form))
