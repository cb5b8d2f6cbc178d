"""Editor panels for quizzes."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel

from ..quizzes.freezing import quiz_snapshot
from ..quizzes.publishing import publish_problems
from ..scoring.cues import quiz_cues


class QuizChecksPanel(Panel):
    """What publishing will check, shown above the questions so trainers see it before they press Publish.

    It reads the version being edited: the latest draft when the editor opens, or the version
    just submitted when the form comes back with errors.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Checks before publishing"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "assessments/admin/quiz_checks_panel.html"

        def is_shown(self):
            return len(self.instance.questions) > 0

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            snapshot = quiz_snapshot(self.instance)
            report = quiz_cues(snapshot)
            context["problems"] = publish_problems(snapshot)
            context["warnings"] = report.warnings
            context["notes"] = [
                (question["title"], report.notes[question["key"]])
                for question in snapshot["questions"]
                if report.notes[question["key"]]
            ]
            return context
