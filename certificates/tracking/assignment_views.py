"""Admin views for assignments: the list of assignments this person manages with their history, a form to
add one (which warns, before saving, about people who have already done the work), changing a due date, and
withdrawing.

Every change goes through ``services`` (``assignment_create``, ``assignment_due_date_change``,
``assignment_withdraw``); which assignments, teams and people each person sees is decided by ``selectors``.
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
from cms.dates import site_date
from courses.models import CoursePage

from ..issuance.models import Program
from .audit import assignment_title
from .models import Assignment
from .selectors import (
    assignable_people,
    assignable_teams,
    assignment_history,
    manageable_assignments,
    may_assign,
    people_already_done,
)
from .services import assignment_create, assignment_due_date_change, assignment_withdraw

ASSIGNMENTS_INDEX = "certificate_assignments:index"
DUE_ON_HELP = _("Type the date as YYYY-MM-DD (for example 2027-03-31), or pick it from the calendar.")


def due_on_field() -> forms.DateField:
    return forms.DateField(label=_("Due date"), widget=AdminDateInput, help_text=DUE_ON_HELP)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return f"{person.full_name} ({person.email})" if person.full_name else person.email


class AssignmentForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=CoursePage.objects.none(), required=False)
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    user = PersonChoiceField(label=_("Person"), queryset=None, required=False)
    due_on = due_on_field()
    # Set once the person has seen who has already done this work and chosen to assign it anyway: the work's
    # key (``work_key``), so changing what or whom checks again.
    assign_anyway = forms.CharField(required=False, widget=forms.HiddenInput)

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

    def work(self) -> dict:
        """The cleaned values the service takes."""
        return {key: self.cleaned_data.get(key) for key in ("course", "program", "team", "user", "due_on")}

    def work_key(self) -> str:
        """What is assigned to whom, as the confirmation carries it."""
        return "-".join(
            str(getattr(self.cleaned_data.get(key), "pk", "")) for key in ("course", "program", "team", "user")
        )


class DueDateForm(forms.Form):
    due_on = due_on_field()


class AssignmentIndexView(AdminPageView):
    """The assignments this person manages, soonest due first, their recent changes, and the form to add one
    (POSTed here)."""

    allowed = staticmethod(may_assign)
    template_name = "certificates/assignments/index.html"
    page_title = _("Assignments")
    header_icon = "date"

    def get_context_data(self, form=None, already_done=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["assignments"] = [
            {
                "assignment": assignment,
                "edit_url": reverse("certificate_assignments:edit", args=[assignment.pk]),
                "withdraw_url": reverse("certificate_assignments:withdraw", args=[assignment.pk]),
            }
            for assignment in manageable_assignments(self.request.user).order_by("due_on", "pk")
        ]
        context["history"] = assignment_history(self.request.user)
        context["form"] = form or AssignmentForm(actor=self.request.user)
        context["already_done"] = already_done or []
        context["media"] = context["form"].media
        return context

    def post(self, request):
        form = AssignmentForm(request.POST, actor=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        work = form.work()
        if form.cleaned_data["assign_anyway"] != form.work_key():
            done = people_already_done(
                course=work["course"], program=work["program"], team=work["team"], user=work["user"]
            )
            if done:
                # Nothing is saved yet: the page asks, and "Assign anyway" posts the same form again.
                data = request.POST.copy()
                data["assign_anyway"] = form.work_key()
                confirm = AssignmentForm(data, actor=request.user)
                confirm.is_valid()
                return self.render_to_response(self.get_context_data(form=confirm, already_done=done))
        try:
            assignment = assignment_create(actor=request.user, **work)
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
                    "due": site_date(assignment.due_on),
                },
            )
            return redirect(ASSIGNMENTS_INDEX)
        return self.render_to_response(self.get_context_data(form=form))


class AssignmentPageView(AdminPageView):
    """A page about one assignment this person manages; anyone else's (or a withdrawn one) is "not found"."""

    allowed = staticmethod(may_assign)
    header_icon = "date"

    @cached_property
    def assignment(self) -> Assignment:
        assignment = manageable_assignments(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if assignment is None:
            raise Http404("No such assignment.")
        return assignment

    def parent_breadcrumbs(self):
        return [{"url": reverse(ASSIGNMENTS_INDEX), "label": _("Assignments")}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["assignment"] = self.assignment
        context["assignment_title"] = assignment_title(self.assignment)
        return context


class AssignmentEditView(AssignmentPageView):
    """Change an assignment's due date."""

    template_name = "certificates/assignments/edit.html"
    page_title = _("Change due date")

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = form or DueDateForm(initial={"due_on": self.assignment.due_on})
        context["media"] = context["form"].media
        return context

    def post(self, request, pk: int):
        form = DueDateForm(request.POST)
        if form.is_valid():
            old = self.assignment.due_on
            try:
                assignment_due_date_change(
                    actor=request.user, assignment=self.assignment, due_on=form.cleaned_data["due_on"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Due date of %(assignment)s changed from %(old)s to %(new)s.")
                    % {
                        "assignment": assignment_title(self.assignment),
                        "old": site_date(old),
                        "new": site_date(self.assignment.due_on),
                    },
                )
                return redirect(ASSIGNMENTS_INDEX)
        return self.render_to_response(self.get_context_data(form=form))


class AssignmentWithdrawView(AssignmentPageView):
    """Ask before withdrawing an assignment (GET), then withdraw it (POST). Enrollments and progress stay."""

    template_name = "certificates/assignments/confirm_withdraw.html"
    page_title = _("Withdraw assignment")

    def post(self, request, pk: int):
        title = assignment_title(self.assignment)
        assignment_withdraw(actor=request.user, assignment=self.assignment)
        messages.success(request, _("Withdrawn: %(assignment)s.") % {"assignment": title})
        return redirect(ASSIGNMENTS_INDEX)
