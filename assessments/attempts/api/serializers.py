from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

ANSWER_SCHEMA = {
    "oneOf": [
        {
            "type": "string",
            "minLength": 1,
            "description": "single: an option key; branching: the key of a choice at the current step; "
            "reflection: the text of the answer.",
        },
        {
            "type": "array",
            "items": {"type": "string"},
            "minItems": 1,
            "description": "multiple: the chosen option keys; order: every item key once, in the chosen order.",
        },
    ]
}


class ProblemSerializer(serializers.Serializer):
    detail = serializers.CharField()
    retry_at = serializers.DateTimeField(required=False, allow_null=True)


class OptionSerializer(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()
    feedback = serializers.CharField(required=False, help_text="Only once the answer may be shown.")
    correct = serializers.BooleanField(required=False, help_text="Only once the answer may be shown.")


class ChoiceSerializer(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()


class StepSerializer(serializers.Serializer):
    situation = serializers.CharField(help_text="HTML.")
    choices = ChoiceSerializer(many=True)


class PathItemSerializer(serializers.Serializer):
    step = serializers.CharField(help_text="HTML of the step's situation.")
    text = serializers.CharField()
    feedback = serializers.CharField(required=False)


class QuestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    number = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["single", "multiple", "order", "branching", "reflection"])
    title = serializers.CharField()
    content_note = serializers.CharField()
    stem = serializers.CharField(help_text="HTML.")
    options = OptionSerializer(many=True, help_text="Options (single, multiple) or items to order (order).")
    step = StepSerializer(allow_null=True, help_text="Branching: the step reached, or null once it has ended.")
    path = PathItemSerializer(many=True)
    guidance = serializers.CharField()
    answer = serializers.JSONField(allow_null=True)
    answered = serializers.BooleanField()
    locked = serializers.BooleanField()
    rationale = serializers.CharField(help_text="HTML, only once the answer may be shown.")
    ending_cap = serializers.FloatField(
        allow_null=True,
        help_text="Branching, once the answer may be shown: the most (percent) the ending reached lets the "
        "scenario earn, or null when the ending is not capped.",
    )


class AttemptSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="attempt.pk")
    quiz = serializers.IntegerField(source="attempt.quiz_id")
    title = serializers.CharField(source="attempt.snapshot.title")
    number = serializers.IntegerField(source="attempt.number")
    started_at = serializers.DateTimeField(source="attempt.started_at")
    deadline = serializers.DateTimeField(source="attempt.deadline", allow_null=True)
    submitted_at = serializers.DateTimeField(source="attempt.submitted_at", allow_null=True)
    questions = QuestionSerializer(many=True)


@extend_schema_field(ANSWER_SCHEMA)
class AnswerField(serializers.Field):
    """An answer's JSON shape: text, or a list of texts. Whether it fits its question is the service's to say."""

    default_error_messages = {
        "shape": "Give a string (single, branching, reflection) or a non-empty list of strings (multiple, order).",
    }

    def to_internal_value(self, data):
        if isinstance(data, str) and data:
            return data
        if isinstance(data, list) and data and all(isinstance(item, str) for item in data):
            return data
        self.fail("shape")

    def to_representation(self, value):
        return value


class AnswerSerializer(serializers.Serializer):
    answer = AnswerField(
        help_text="single: an option key; multiple: a list of option keys; order: the item keys in order; "
        "branching: the key of the choice for the current step; reflection: text."
    )


class CompetencyScoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    percent = serializers.FloatField()
    threshold = serializers.FloatField(allow_null=True)


class AllowanceSerializer(serializers.Serializer):
    used = serializers.IntegerField(help_text="Attempts started at this quiz, this one included.")
    allowed = serializers.IntegerField(allow_null=True, help_text="The quiz's limit, or null for unlimited.")
    left = serializers.IntegerField(allow_null=True, help_text="Attempts left, or null for unlimited.")
    may_start = serializers.BooleanField(help_text="Whether another attempt may start now.")
    retry_at = serializers.DateTimeField(
        source="ready_at", allow_null=True, help_text="When the cool-down ends, while it runs."
    )
    refusal = serializers.CharField(allow_null=True, help_text="Why another attempt may not start now, or null.")


class NextStepSerializer(serializers.Serializer):
    message = serializers.CharField()
    label = serializers.CharField()
    url = serializers.CharField(help_text="A path on this site.")


class ResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="attempt.pk")
    score = serializers.FloatField(source="attempt.score")
    passed = serializers.BooleanField(source="attempt.passed")
    pass_mark = serializers.IntegerField(source="attempt.snapshot.pass_mark")
    submitted_at = serializers.DateTimeField(source="attempt.submitted_at")
    competencies = CompetencyScoreSerializer(many=True)
    attempts = AllowanceSerializer(help_text="Attempts used and when the next may start (the quiz page's rule).")
    next_steps = NextStepSerializer(many=True, help_text="Where to go next: the next module, the certificate earned.")
    review = QuestionSerializer(many=True, source="questions")
