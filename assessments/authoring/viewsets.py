"""The quiz editor in the admin: listing, create, copy, edit (with the publish rule and cue warnings),
delete (refused once learners have attempts), item statistics and GIFT import."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn
from wagtail.admin.views.generic import CopyViewMixin
from wagtail.admin.widgets.button import Button
from wagtail.snippets.views.snippets import CreateView, DeleteView, EditView, IndexView, SnippetViewSet

from ..quizzes.models import Quiz
from ..quizzes.publishing import quiz_cue_report
from .admin_views import GiftImportView, QuizStatisticsView
from .forms import QuizForm
from .panels import QuizChecksPanel


class StatisticsColumn(Column):
    cell_template_name = "assessments/admin/statistics_cell.html"

    def get_value(self, instance):
        return reverse("wagtailsnippets_assessments_quiz:statistics", args=[instance.pk])


class QuizIndexView(IndexView):
    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if self.permission_policy.user_has_permission(self.request.user, "add"):
            url = reverse("wagtailsnippets_assessments_quiz:import_gift")
            buttons.append(Button(_("Import from GIFT"), url=url, icon_name="upload"))
        return buttons


class QuizDeleteView(DeleteView):
    """A quiz with attempts keeps learners' results, so it is unpublished, never deleted."""

    def form_valid(self, form):
        attempts = self.object.attempts.count()
        if attempts:
            messages.error(
                self.request,
                _("%(title)s has %(count)s attempts, which keep learners' results. Unpublish it instead.")
                % {"title": self.object.title, "count": attempts},
            )
            return redirect("wagtailsnippets_assessments_quiz:edit", self.object.pk)
        return super().form_valid(form)


class QuizPublishingMixin:
    """The quiz editor's Publish applies the publish rule first, so its problems show as field errors and
    nothing is saved; every save ends with a warning when learners could find answers by their look."""

    def is_valid(self, form):
        if not super().is_valid(form):
            return False
        if self.action != "publish" or not form.publish_problems():
            return True
        self.produced_error_code = "validation_error"
        self.produced_error_message = _(
            "This quiz cannot be published: no one could pass it. Nothing was saved. Fix the problems shown, "
            "or save a draft."
        )
        return False

    def json_error_response(self, error_code, error_message):
        """Autosave runs while the trainer is still typing, so a form that is not valid yet is an everyday
        answer (200, with the reason), not a bad request for the logs; the editor shows it the same way."""
        return JsonResponse({"success": False, "error_code": error_code, "error_message": error_message})

    def save_action(self):
        response = super().save_action()
        if not self.expects_json_response and (warnings := quiz_cue_report(self.object).warnings):
            messages.warning(
                self.request, " ".join([str(_("Learners could find answers without knowing them:")), *warnings])
            )
        return response


class QuizCreateView(QuizPublishingMixin, CreateView):
    """A quiz exists once its author saves it: the add form never autosaves, so an abandoned form leaves
    nothing behind, and an autosave request that arrives anyway is refused without writing."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.autosave_enabled = False

    def post(self, request, *args, **kwargs):
        if self.expects_json_response:
            return self.json_error_response(
                "validation_error", _("Save a draft first; after that, changes are saved as you type.")
            )
        return super().post(request, *args, **kwargs)


class QuizCopyView(CopyViewMixin, QuizCreateView):
    pass


class QuizEditView(QuizPublishingMixin, EditView):
    """Also the base of the view that reverts to an earlier revision, so a revert is checked the same way."""


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "form"
    menu_label = "Quizzes"
    menu_order = 250
    add_to_admin_menu = True
    search_fields = ["title"]
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [QuizChecksPanel(), FieldPanel("title"), FieldPanel("intro"), FieldPanel("questions")],
                heading=_("Questions"),
            ),
            ObjectList(
                [
                    MultiFieldPanel(
                        [
                            FieldPanel("pass_mark"),
                            InlinePanel("mastery_thresholds", label=_("Mastery threshold per competency")),
                        ],
                        heading=_("Passing"),
                    ),
                    MultiFieldPanel(
                        [
                            FieldRowPanel([FieldPanel("max_attempts"), FieldPanel("cooldown_minutes")]),
                            FieldPanel("time_limit_minutes"),
                        ],
                        heading=_("Attempts"),
                    ),
                    MultiFieldPanel(
                        [
                            FieldPanel("feedback_timing"),
                            FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
                            FieldRowPanel([FieldPanel("draw_count"), FieldPanel("draw_per_competency")]),
                        ],
                        heading=_("Delivery"),
                    ),
                ],
                heading=_("Settings"),
            ),
        ],
        base_form_class=QuizForm,
    )

    index_view_class = QuizIndexView
    add_view_class = QuizCreateView
    copy_view_class = QuizCopyView
    edit_view_class = QuizEditView
    delete_view_class = QuizDeleteView

    def get_urlpatterns(self):
        statistics = QuizStatisticsView.as_view(permission_policy=self.permission_policy)
        gift_import = GiftImportView.as_view(permission_policy=self.permission_policy)
        return [
            *super().get_urlpatterns(),
            path("statistics/<int:pk>/", statistics, name="statistics"),
            path("import-gift/", gift_import, name="import_gift"),
        ]

    @property
    def list_display(self):
        return [
            "title",
            LiveStatusTagColumn(),
            "pass_mark",
            "max_attempts",
            StatisticsColumn("statistics", label=_("Item statistics")),
        ]
