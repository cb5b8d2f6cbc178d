from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from ..quizzes.models import MasteryThreshold, Quiz
from ..quizzes.publishing import PublishProblem, quiz_publish_problems

# The part of each question kind that a "cannot earn credit" problem is shown on.
CREDIT_FIELDS = {"single": "options", "multiple": "options", "branching": "steps"}


class QuizForm(WagtailAdminModelForm):
    """The quiz editor's form: refuses mastery thresholds for competencies no question assesses."""

    def is_valid(self):
        # The thresholds formset is validated after the form's own clean(), so the cross-check
        # between questions and thresholds runs once both are clean.
        return super().is_valid() and self._thresholds_are_assessed() and self._thresholds_are_fair()

    def _thresholds_are_assessed(self) -> bool:
        questions = self.cleaned_data.get("questions") or []
        assessed = {c.pk for q in questions for c in q.value["competencies"] if c is not None}
        ok = True
        for form in self.formsets["mastery_thresholds"].forms:
            competency = form.cleaned_data.get("competency")
            if competency is None or form.cleaned_data.get("DELETE") or competency.pk in assessed:
                continue
            form.add_error(
                "competency",
                _("No question in this quiz assesses %(name)s, so it cannot have a mastery threshold.")
                % {"name": competency.name},
            )
            ok = False
        return ok

    def _thresholds_are_fair(self) -> bool:
        """Each threshold rests on at least three questions in every attempt (``Quiz.mastery_refusals``)."""
        forms = self._threshold_forms()
        refusals = self.instance.mastery_refusals([form.cleaned_data["competency"] for form in forms])
        for form in forms:
            if message := refusals.get(form.cleaned_data["competency"].code):
                form.add_error("competency", message)
        return not refusals

    def _threshold_forms(self) -> list:
        return [
            form
            for form in self.formsets["mastery_thresholds"].forms
            if form.cleaned_data.get("competency") is not None and not form.cleaned_data.get("DELETE")
        ]

    def publish_problems(self) -> list[PublishProblem]:
        """Apply the publish rule to the version in this valid form, showing its problems as field errors."""
        candidate = Quiz(
            questions=self.instance.questions,
            pass_mark=self.instance.pass_mark,
            draw_count=self.instance.draw_count,
            draw_per_competency=self.instance.draw_per_competency,
        )
        # A fresh quiz, so the form's own instance and its thresholds stay as the form will save them.
        candidate.mastery_thresholds = [
            MasteryThreshold(competency=form.cleaned_data["competency"], threshold=form.cleaned_data["threshold"])
            for form in self._threshold_forms()
        ]
        problems = quiz_publish_problems(candidate)
        question_errors = {}
        for problem in problems:
            if problem.field == "questions":
                kind = self.instance.questions[problem.question].block_type
                error = ValidationError(problem.message)
                question_errors[problem.question] = StructBlockValidationError(
                    block_errors={CREDIT_FIELDS[kind]: error}
                )
            elif problem.field == "mastery_thresholds":
                for form in self._threshold_forms():
                    if form.cleaned_data["competency"].code == problem.competency:
                        form.add_error("threshold", problem.message)
            else:
                self.add_error(problem.field, problem.message)
        if question_errors:
            self.add_error("questions", StreamBlockValidationError(block_errors=question_errors))
        return problems
