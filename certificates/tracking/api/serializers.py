"""Shapes of the supervisors' integration API: teams, status rows, report filters and assignments."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from cms.api.fields import IdField, VisibleIdField
from cms.models import Team
from courses.models import CoursePage

from ...issuance.models import Program
from ..models import Assignment
from ..selectors import assignable_people, assignable_teams
from ..services import assignment_create, assignment_due_date_change
from ..status_rows import SORT_KEYS, STATUSES

ORDER_CHOICES = [*SORT_KEYS, *(f"-{key}" for key in SORT_KEYS)]


class TeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    member_count = serializers.IntegerField(help_text="Active members of the team.")


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    email = serializers.EmailField()


class ProgramSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RowCertificateSerializer(serializers.Serializer):
    serial = serializers.CharField()
    issued_on = serializers.DateField()
    expires_on = serializers.DateField(allow_null=True)
    verification_url = serializers.SerializerMethodField()

    def get_verification_url(self, certificate) -> str:
        return certificate.verification_url()


class StatusRowSerializer(serializers.Serializer):
    """One person in one program, as the status report shows them."""

    person = PersonSerializer()
    program = ProgramSummarySerializer()
    status = serializers.ChoiceField(choices=list(STATUSES))
    status_label = serializers.CharField()
    description = serializers.CharField(help_text="The status in words, e.g. “Expiring in 12 days”.")
    percent = serializers.IntegerField(help_text="Share of the program's lessons and quizzes done.")
    certificate = RowCertificateSerializer(allow_null=True, help_text="The current certificate, if any.")
    expires_on = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True, help_text="Days until the certificate expires.")
    due_on = serializers.DateField(allow_null=True, help_text="The earliest due date of an assignment of it.")
    overdue = serializers.BooleanField()
    last_activity = serializers.DateTimeField(allow_null=True)
    best_score = serializers.FloatField(allow_null=True, help_text="Best quiz score in the program.")
    teams = serializers.ListField(child=serializers.CharField(), help_text="Names of the person's teams.")


class StatusQuerySerializer(serializers.Serializer):
    """The status report's filters and order, as query parameters."""

    program = IdField(queryset=Program.objects.filter(active=True), required=False, help_text="Only this program.")
    status = serializers.ChoiceField(choices=list(STATUSES), required=False, help_text="Only rows with this status.")
    expiring_within = serializers.IntegerField(
        min_value=1, max_value=366, required=False, help_text="Only certificates expiring within this many days."
    )
    overdue = serializers.BooleanField(required=False, default=False, help_text="Only rows past their due date.")
    order = serializers.ChoiceField(
        choices=ORDER_CHOICES, required=False, default="name", help_text="Sort column; a leading “-” reverses it."
    )


class AssignmentSerializer(serializers.ModelSerializer):
    """Required work with a due date: a course or a program, for a whole team or one person.

    Saving goes through ``tracking.services.assignment_create``, which decides who may assign what.
    """

    course = IdField(
        queryset=CoursePage.objects.all(), required=False, allow_null=True, help_text="A course; or give a program."
    )
    program = IdField(
        queryset=Program.objects.all(), required=False, allow_null=True, help_text="A program; or give a course."
    )
    team = VisibleIdField(
        queryset=Team.objects.all(),
        scope=assignable_teams,
        required=False,
        allow_null=True,
        help_text="A team you supervise; or give a person. Any other id is a 404.",
    )
    user = VisibleIdField(
        queryset=get_user_model().objects.filter(is_active=True),
        scope=assignable_people,
        required=False,
        allow_null=True,
        help_text="A person on a team you supervise; or give a team. Any other id is a 404.",
    )

    class Meta:
        model = Assignment
        fields = ["id", "course", "program", "team", "user", "due_on", "assigned_by", "created_at"]
        read_only_fields = ["id", "assigned_by", "created_at"]

    def create(self, validated_data):
        try:
            return assignment_create(actor=self.context["request"].user, **validated_data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error


class AssignmentDueDateSerializer(serializers.ModelSerializer):
    """The one thing of an assignment that changes: its due date (``tracking.services.assignment_due_date_change``)."""

    class Meta:
        model = Assignment
        fields = ["due_on"]
        extra_kwargs = {"due_on": {"required": True, "help_text": "The new due date: today or later (YYYY-MM-DD)."}}

    def validate(self, attrs):
        # PATCH makes every field optional, but the due date is the only thing to change: without it, a 400.
        if "due_on" not in attrs:
            raise serializers.ValidationError({"due_on": ["This field is required."]})
        return attrs

    def update(self, instance, validated_data):
        try:
            return assignment_due_date_change(
                actor=self.context["request"].user, assignment=instance, due_on=validated_data["due_on"]
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
