from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm


class QuizForm(WagtailAdminModelForm):
    """The quiz editor's form: refuses mastery thresholds for competencies no question assesses."""

    def is_valid(self):
        # The thresholds formset is validated after the form's own clean(), so the cross-check
        # between questions and thresholds runs once both are clean.
        return super().is_valid() and self._thresholds_are_assessed()

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
