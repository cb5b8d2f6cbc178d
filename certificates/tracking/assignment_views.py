"""Admin views for assignments: the list of assignments this person manages, a form to add one, and removal.

Every change goes through ``services.assignment_create`` and ``assignment_delete``; which
assignments, teams and people each person sees is decided by ``selectors``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from cms.admin_pages import AdminPageView
from courses.models import CoursePage

from ..issuance.models import Program
from .models import Assignment
from .selectors import assignable_people, assignable_teams, manageable_assignments, may_assign
from .services import assignment_create, assignment_delete

ASSIGNMENTS_INDEX = "certificate_assignments:index"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return f"{person.full_name} ({person.email})" if person.full_name else person.email


class AssignmentForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=CoursePage.objects.none(), required=False)
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    user = PersonChoiceField(label=_("Person"), queryset=None, required=False)
    due_on = forms.DateField(label=_("Due date"), widget=AdminDateInput)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")
        self.fields["course"].help_text = _("Choose a course or a program.")
        self.fields["program"].queryset = Program.objects.filter(active=True).order_by("name")
        self.fields["team"].queryset = assignable_teams(actor)
        self.fields["team"].help_text = _("Choose a team or one person. People who join the team later are included.")
        self.fields["user"].queryset = assignable_people(actor).order_by("full_name", "email")

    def clean(self):
        data = super().clean()
        if bool(data.get("course")) == bool(data.get("program")) and not self.has_error("course"):
            self.add_error("course", _("Choose a course or a program, not both."))
        if bool(data.get("team")) == bool(data.get("user")) and not self.has_error("team"):
            self.add_error("team", _("Choose a team or a person, not both."))
        return data


class AssignmentIndexView(AdminPageView):
    """The assignments this person manages, soonest due first, and the form to add one (POSTed here)."""

    allowed = staticmethod(may_assign)
    template_name = "certificates/assignments/index.html"
    page_title = _("Assignments")
    header_icon = "date"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["assignments"] = [
            {"assignment": assignment, "delete_url": reverse("certificate_assignments:delete", args=[assignment.pk])}
            for assignment in manageable_assignments(self.request.user).order_by("due_on", "pk")
        ]
        context["form"] = form or AssignmentForm(actor=self.request.user)
        return context

    def post(self, request):
        form = AssignmentForm(request.POST, actor=request.user)
        if form.is_valid():
            try:
                assignment = assignment_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("%(work)s is assigned to %(whom)s, due %(due)s. Everyone assigned is enrolled.")
                    % {
                        "work": assignment.course or assignment.program,
                        "whom": assignment.team or assignment.user,
                        "due": f"{assignment.due_on:%b} {assignment.due_on.day}, {assignment.due_on.year}",
                    },
                )
                return redirect(ASSIGNMENTS_INDEX)
        return self.render_to_response(self.get_context_data(form=form))


class AssignmentDeleteView(AdminPageView):
    """Ask before removing an assignment (GET), then remove it (POST). Enrollments and progress stay."""

    allowed = staticmethod(may_assign)
    template_name = "certificates/assignments/confirm_delete.html"
    page_title = _("Remove assignment")
    header_icon = "date"

    @cached_property
    def assignment(self) -> Assignment:
        # Only assignments this person manages exist for them: anyone else's is "not found".
        assignment = manageable_assignments(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if assignment is None:
            raise Http404("No such assignment.")
        return assignment

    def parent_breadcrumbs(self):
        return [{"url": reverse(ASSIGNMENTS_INDEX), "label": _("Assignments")}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["assignment"] = self.assignment
        return context

    def post(self, request, pk: int):
        assignment = self.assignment
        description = str(assignment)
        assignment_delete(actor=request.user, assignment=assignment)
        messages.success(request, _("Removed: %(assignment)s.") % {"assignment": description})
        return redirect(ASSIGNMENTS_INDEX)
