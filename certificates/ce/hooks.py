"""Admin for the CE hours ledger: "CE hours to review", with how many entries wait, and its audit actions.

Also the quiz result's "Your certificate is ready" step (``register_quiz_result_next_step``), and a
program saved active issuing the certificates people already earned."""

from django.db import transaction
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.ui.sidebar import LinkMenuItem

from assessments.attempts.next_steps import QUIZ_RESULT_NEXT_STEP_HOOK, NextStep
from cms.admin_pages import AllowedUsersMenuItem

from ..issuance.hooks import CertificationViewSet
from ..issuance.models import Program
from . import admin_views, audit
from .selectors import credits_to_review, program_completed_by_attempt
from .tasks import program_certificates_catch_up


class PendingCountMenuItem(AllowedUsersMenuItem):
    """Says how many entries wait for this reviewer, e.g. "CE hours to review (3)"."""

    def render_component(self, request):
        pending = credits_to_review(reviewer=request.user).count()
        label = f"{self.label} ({pending})" if pending else self.label
        return LinkMenuItem(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname, attrs=self.attrs
        )


class HoursReviewViewSet(CertificationViewSet):
    name = "ce_hours_review"
    url_prefix = "ce-hours-review"
    icon = "tasks"
    menu_label = gettext_lazy("CE hours to review")
    menu_item_class = PendingCountMenuItem
    index_view_class = admin_views.HoursReviewView

    def get_urlpatterns(self):
        view = self.index_view_class
        return [
            path("", view.as_view(http_method_names=["get"]), name="index"),
            path("<int:credit_id>/", view.as_view(http_method_names=["post"]), name="decide"),
        ]


@hooks.register("register_log_actions")
def audit_log_actions(actions):
    audit.register_audit_actions(actions)


@hooks.register(QUIZ_RESULT_NEXT_STEP_HOOK)
def certificate_ready_step(request, attempt):
    """On the result of the quiz that completed a program: the certificate is ready, and where to find it."""
    program = program_completed_by_attempt(attempt)
    if program is None:
        return None
    return NextStep(
        f"You have completed {program.name}. Your certificate is ready.",
        "Open My certificates",
        reverse("my-certificates"),
        order=10,
    )


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def program_saved(request, instance):
    """A program saved active (new, edited or resumed) issues what people already earned, in the background."""
    if isinstance(instance, Program) and instance.active:
        transaction.on_commit(lambda: program_certificates_catch_up.enqueue(instance.pk), robust=True)
