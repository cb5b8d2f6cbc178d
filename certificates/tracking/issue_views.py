"""An administrator issues a person's certificate from their page under "My teams", when their requirements are met.

The page shows where the person stands in each active program and asks for confirmation; issuing
goes through ``issuance.services.certificate_issue_on_request`` (the one issuing service), which
refuses, with the reason, when the requirements are not met.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cms.admin_pages import AdminFormView, PersonPageMixin
from cms.people.access import person_for_viewer

from ..issuance.admin_views import may_manage_certificates
from ..issuance.models import Certificate
from ..issuance.requirements import program_requirements
from ..issuance.selectors import programs_for_issuing
from ..issuance.services import CertificateRefused, certificate_issue_on_request

ISSUE_URL_NAME = "tracking_person_issue"


class IssueForm(forms.Form):
    program = forms.ModelChoiceField(queryset=None, label=_("Program"), empty_label=None)
    confirm = forms.BooleanField(
        label=_("I have checked that this person has met the program's requirements."),
        error_messages={"required": _("Tick the box to confirm before issuing.")},
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs


class PersonIssueView(PersonPageMixin, AdminFormView):
    """Issue a certificate to one person, with confirmation. Administrators only."""

    allowed = staticmethod(may_manage_certificates)
    template_name = "certificates/tracking/issue.html"
    page_title = _("Issue a certificate")
    header_icon = "doc-full-inverse"
    form_class = IssueForm

    def load_person(self, viewer, person_id):
        return person_for_viewer(viewer, person_id)

    def parent_breadcrumbs(self):
        return [
            {"url": reverse("tracking_teams"), "label": _("My teams")},
            {"url": reverse("tracking_person", args=[self.person.pk]), "label": str(self.person)},
        ]

    def programs(self):
        return programs_for_issuing().order_by("name")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "programs": self.programs()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programs = list(self.programs())
        held = {c.program_id: c for c in Certificate.objects.current().filter(user=self.person, program__in=programs)}
        context.update(
            person=self.person,
            standings=[
                {"requirements": r, "certificate": held.get(r.program.pk)}
                for r in program_requirements(user=self.person, programs=programs)
            ],
        )
        return context

    def form_valid(self, form):
        try:
            certificate = certificate_issue_on_request(
                user=self.person, program=form.cleaned_data["program"], actor=self.request.user
            )
        except CertificateRefused as refused:
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(serial)s is issued to %(name)s. They get it by email and on My certificates.")
            % {"serial": certificate.serial, "name": certificate.name},
        )
        return redirect("tracking_person", self.person.pk)
