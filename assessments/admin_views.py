"""Trainer-facing admin views for quizzes: item statistics on screen and as CSV."""

import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from .models import Quiz
from .selectors import quiz_item_statistics
from .statistics import statistics_csv_rows

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) and not _is_number(value) else value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


class QuizStatisticsView(WagtailAdminTemplateMixin, TemplateView):
    """Moodle-style item statistics for one quiz: facility, discrimination, option counts, flags."""

    template_name = "assessments/admin/statistics.html"
    permission_policy = None

    def dispatch(self, request, *args, **kwargs):
        self.quiz = get_object_or_404(Quiz, pk=kwargs["pk"])
        if not self.permission_policy.user_has_permission_for_instance(request.user, "change", self.quiz):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Statistics: {self.quiz.title}"

    def get(self, request, *args, **kwargs):
        report = quiz_item_statistics(quiz=self.quiz)
        if request.GET.get("export") == "csv":
            return self.csv_response(report)
        return self.render_to_response(self.get_context_data(report=report))

    def csv_response(self, report):
        titles = {row["key"]: row["title"] for row in report.rows}
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slugify(self.quiz.title)}-statistics.csv"'
        writer = csv.writer(response)
        for row in statistics_csv_rows([row["stats"] for row in report.rows], titles):
            writer.writerow([_safe_cell(cell) for cell in row])
        return response
