"""StreamField blocks for scenario quiz questions.

Every question has a short title (for reports), a stem, an optional vignette and content
note, the competencies it assesses and a rationale shown in review. Each block's ``clean``
refuses a question that cannot be answered or scored, with a message that says what to fix.
Option, item, step and choice keys are the list items' ids, which stay stable across edits.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.snippets.blocks import SnippetChooserBlock

from ..scoring.branching import Choice, Scenario, Step, scenario_problems

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class VignetteBlock(blocks.StructBlock):
    person = blocks.CharBlock(max_length=60, required=False, help_text=_("An invented first name."))
    setting = blocks.CharBlock(max_length=160, required=False)
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, required=False)

    class Meta:
        icon = "user"
        label = _("Vignette (optional)")


def question_fields():
    """The fields every question kind shares, in the order trainers see them."""
    return [
        ("title", blocks.CharBlock(max_length=80, help_text=_("A short label for reports and statistics."))),
        (
            "content_note",
            blocks.CharBlock(
                max_length=200,
                required=False,
                help_text=_("Shown before the question when it describes overdose, child removal or violence."),
            ),
        ),
        ("vignette", VignetteBlock(required=False)),
        ("stem", blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Question"))),
        (
            "competencies",
            blocks.ListBlock(
                SnippetChooserBlock("assessments.Competency"), min_num=1, help_text=_("What this question assesses.")
            ),
        ),
        (
            "points",
            blocks.DecimalBlock(default=1, min_value=0.5, max_value=10, decimal_places=1, help_text=_("Weight.")),
        ),
        (
            "rationale",
            blocks.RichTextBlock(
                features=RICH_TEXT_FEATURES,
                required=False,
                help_text=_("Why the best answer is best. Learners see it in the review after answering."),
            ),
        ),
    ]


class QuestionBlock(blocks.StructBlock):
    def __init__(self, local_blocks=None, **kwargs):
        super().__init__([*question_fields(), *(local_blocks or [])], **kwargs)

    def fail(self, field: str, message: str):
        raise StructBlockValidationError(block_errors={field: ValidationError(message)})


class OptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=400)
    credit = blocks.ChoiceBlock(
        choices=[("100", _("Best (100%)")), ("50", _("Acceptable (50%)")), ("0", _("Unhelpful or harmful (0%)"))],
        default="0",
    )
    feedback = blocks.TextBlock(required=False, help_text=_("Teach: say why this choice helps or harms."))


class SingleChoiceQuestionBlock(QuestionBlock):
    def __init__(self, **kwargs):
        super().__init__([("options", blocks.ListBlock(OptionBlock(), min_num=2))], **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not any(option["credit"] == "100" for option in value["options"]):
            self.fail("options", "Mark one option as the best answer (100%).")
        return value

    class Meta:
        icon = "radio-full"
        label = _("Single best response")


class MultiOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=400)
    correct = blocks.BooleanBlock(required=False)
    feedback = blocks.TextBlock(required=False)


class MultipleChoiceQuestionBlock(QuestionBlock):
    def __init__(self, **kwargs):
        super().__init__(
            [
                (
                    "scoring",
                    blocks.ChoiceBlock(
                        choices=[
                            ("partial", _("Partial credit: right picks earn, wrong picks cost")),
                            ("all_or_nothing", _("All or nothing")),
                        ],
                        default="partial",
                    ),
                ),
                ("options", blocks.ListBlock(MultiOptionBlock(), min_num=2)),
            ],
            **kwargs,
        )

    def clean(self, value):
        value = super().clean(value)
        if not any(option["correct"] for option in value["options"]):
            self.fail("options", "Tick at least one correct option.")
        return value

    class Meta:
        icon = "tick-inverse"
        label = _("Select all that apply")


class OrderingQuestionBlock(QuestionBlock):
    def __init__(self, **kwargs):
        super().__init__(
            [
                (
                    "items",
                    blocks.ListBlock(
                        blocks.CharBlock(max_length=300),
                        min_num=2,
                        help_text=_("List the items in the correct order; learners see them shuffled."),
                    ),
                )
            ],
            **kwargs,
        )

    class Meta:
        icon = "order"
        label = _("Put in order")


class CreditBlock(blocks.StructBlock):
    competency = SnippetChooserBlock("assessments.Competency")
    credit = blocks.IntegerBlock(min_value=0, max_value=10, default=1)


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=400)
    feedback = blocks.TextBlock(required=False)
    next_step = blocks.CharBlock(
        max_length=60, required=False, help_text=_("The name of the step this leads to. Leave empty to end here.")
    )
    credits = blocks.ListBlock(CreditBlock(), required=False, default=[])
    ending_cap = blocks.IntegerBlock(
        label=_("Most this ending can earn (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_(
            "Only for a choice that ends the scenario badly: the whole scenario then earns at most this share, "
            "whatever came before. Leave empty for no cap."
        ),
    )


class StepBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=60, help_text=_("A short unique name, e.g. first-text."))
    situation = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    choices = blocks.ListBlock(ChoiceBlock(), min_num=1)


class BranchingQuestionBlock(QuestionBlock):
    def __init__(self, **kwargs):
        super().__init__(
            [
                ("start_step", blocks.CharBlock(max_length=60, help_text=_("The name of the first step."))),
                ("steps", blocks.ListBlock(StepBlock(), min_num=1)),
            ],
            **kwargs,
        )

    def clean(self, value):
        value = super().clean(value)
        problems = scenario_problems(scenario_from_value(value))
        if problems:
            self.fail("steps", " ".join(problems))
        return value

    class Meta:
        icon = "site"
        label = _("Branching scenario")


class ReflectionQuestionBlock(QuestionBlock):
    def __init__(self, **kwargs):
        super().__init__(
            [("guidance", blocks.CharBlock(max_length=300, required=False))],
            **kwargs,
        )

    class Meta:
        icon = "edit"
        label = _("Reflection (not scored)")


class QuizQuestionsBlock(blocks.StreamBlock):
    single = SingleChoiceQuestionBlock()
    multiple = MultipleChoiceQuestionBlock()
    order = OrderingQuestionBlock()
    branching = BranchingQuestionBlock()
    reflection = ReflectionQuestionBlock()


def scenario_from_value(value) -> Scenario:
    """A branching question's block value as a scoring Scenario; choices keyed by their list item ids and
    carrying their text, so problems quote it."""
    steps = []
    for step in value["steps"]:
        choices = []
        for item in step["choices"].bound_blocks:
            credits = {}
            for credit in item.value["credits"]:
                if credit["competency"] is not None:
                    code = credit["competency"].code
                    credits[code] = credits.get(code, 0) + credit["credit"]
            cap = item.value.get("ending_cap")
            choices.append(Choice(item.id, credits, item.value["next_step"] or None, item.value["text"], cap))
        steps.append(Step(step["name"], tuple(choices)))
    return Scenario(start=value["start_step"], steps=tuple(steps))
