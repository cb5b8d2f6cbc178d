"""Trainer-facing admin views for quizzes: item statistics (on screen and as CSV) and GIFT import."""

import csv

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cms.admin_pages import AdminFormView, AdminPageView
from cms.spreadsheets import neutralise_formula

from ..attempts.selectors import quiz_item_statistics
from ..competencies.models import Competency
from ..gift.parser import GiftSyntaxError
from ..gift.services import NothingToImport, quiz_import_gift
from ..quizzes.models import Quiz
from ..quizzes.publishing import quiz_cue_report
from ..scoring.statistics import ItemRow, statistics_csv_rows

GIFT_MAX_BYTES = 2 * 1024 * 1024


class QuizAdminMixin:
    """Pages beside the quiz snippet's views: its permission policy (given by the viewset) decides who may
    open them, and the breadcrumbs lead back to the quiz listing."""

    header_icon = "form"
    permission_policy = None

    def parent_breadcrumbs(self):
        return [{"url": reverse("wagtailsnippets_assessments_quiz:list"), "label": _("Quizzes")}]


class QuizStatisticsView(QuizAdminMixin, AdminPageView):
    """Moodle-style item statistics for one quiz: facility, discrimination, option counts, flags,
    and beside them the cue report on the version learners take now (the latest draft before the first publish)."""

    template_name = "assessments/admin/statistics.html"

    @cached_property
    def quiz(self):
        return get_object_or_404(Quiz, pk=self.kwargs["pk"])

    def allowed(self, user) -> bool:
        # Those who may edit this quiz (an unknown quiz is "not found" first).
        return self.permission_policy.user_has_permission_for_instance(user, "change", self.quiz)

    def get_page_title(self):
        return f"Statistics: {self.quiz.title}"

    def get(self, request, *args, **kwargs):
        report = quiz_item_statistics(quiz=self.quiz)
        if request.GET.get("export") == "csv":
            return self.csv_response(report)
        live = self.quiz.live_revision
        cues = quiz_cue_report(live.as_object() if live else self.quiz.get_latest_revision_as_object())
        rows = [{**row, "cues": cues.notes.get(row["key"], ())} for row in report.rows]
        return self.render_to_response(self.get_context_data(report=report, rows=rows, cue_warnings=cues.warnings))

    def csv_response(self, report):
        items = (ItemRow(row["number"], row["title"], row["stats"], row["options"]) for row in report.rows)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slugify(self.quiz.title)}-statistics.csv"'
        writer = csv.writer(response)
        for row in statistics_csv_rows(items):
            writer.writerow([neutralise_formula(cell) for cell in row])
        return response


class GiftUploadForm(forms.Form):
    file = forms.FileField(label=_("GIFT file"), help_text=_("A .txt or .gift file exported from Moodle, up to 2 MB."))
    title = forms.CharField(label=_("Quiz title"), max_length=160)
    competency = forms.ModelChoiceField(
        queryset=Competency.objects.all(),
        label=_("Competency for every imported question"),
        help_text=_("Retag questions in the editor before you publish."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > GIFT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(_("Save the file as UTF-8 text and upload it again.")) from error


class GiftImportView(QuizAdminMixin, AdminFormView):
    """Trainers upload a GIFT file; a draft quiz is created, or nothing at all if the file is malformed."""

    template_name = "assessments/admin/gift_import.html"
    form_class = GiftUploadForm
    page_title = _("Import questions from GIFT")

    def allowed(self, user) -> bool:
        return self.permission_policy.user_has_permission(user, "add")

    def form_valid(self, form):
        try:
            report = quiz_import_gift(
                text=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                competency=form.cleaned_data["competency"],
                user=self.request.user,
            )
        except (GiftSyntaxError, NothingToImport, ValidationError) as error:
            form.add_error("file", f"{error} Nothing was imported.")
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                'Created draft quiz "%(title)s" with %(count)s question.',
                'Created draft quiz "%(title)s" with %(count)s questions.',
                report.imported,
            )
            % {"title": report.quiz.title, "count": report.imported},
        )
        for line, kind, title, reason in report.skipped:
            messages.warning(self.request, f"Skipped line {line} ({kind} {title}): {reason}")
        for note in report.notes:
            messages.info(self.request, note)
        return redirect("wagtailsnippets_assessments_quiz:edit", report.quiz.pk)
