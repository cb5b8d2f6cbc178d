"""Supervisors' integration API: their teams, status rows, people's certificates, and assignments.

Every response goes through ``cms.people.access`` (``visible_teams`` / ``visible_people``): a supervisor gets a
404 for any team or person outside the teams they supervise, exactly as on the admin pages, and a row
names only the teams the caller may see.
"""

from django.db.models import Count, Q
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.generics import CreateAPIView, ListAPIView, RetrieveUpdateDestroyAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from cms.people.access import may_track_people, person_for_viewer, team_for_viewer, visible_people, visible_teams
from cms.security.api_tokens.authentication import ApiTokenRateThrottle
from cms.security.two_factor.enforcement import AdminSessionVerified

from ...issuance.api.serializers import NotFoundSerializer, VerificationSerializer
from ...issuance.models import Certificate
from ..selectors import manageable_assignments, may_assign
from ..services import assignment_withdraw
from ..status_rows import active_programs, filter_rows, sort_rows, status_rows
from .serializers import (
    AssignmentDueDateSerializer,
    AssignmentSerializer,
    StatusQuerySerializer,
    StatusRowSerializer,
    TeamSerializer,
)

NOT_FOUND = OpenApiResponse(NotFoundSerializer, description="Not one of the teams or people you can see.")


class SupervisesPeople(BasePermission):
    """Administrators and supervisors of at least one team."""

    message = "Only supervisors and administrators can use this."

    def has_permission(self, request, view):
        return may_track_people(request.user)


class AssignsWork(BasePermission):
    """Administrators, trainers and supervisors: who they may assign to is the serializer's scoped ids."""

    message = "Only administrators, trainers and supervisors can assign work."

    def has_permission(self, request, view):
        return may_assign(request.user)


class TrackingApiView:
    # Staff-only endpoints: with the site's session, two-factor authentication must be passed first, as in the admin.
    permission_classes = [IsAuthenticated, AdminSessionVerified, SupervisesPeople]
    throttle_classes = [ApiTokenRateThrottle]


@extend_schema_view(get=extend_schema(summary="Teams I can see"))
class TeamList(TrackingApiView, ListAPIView):
    """All teams for administrators; the teams they supervise for supervisors."""

    serializer_class = TeamSerializer

    def get_queryset(self):
        return (
            visible_teams(self.request.user)
            .annotate(member_count=Count("members", filter=Q(members__is_active=True), distinct=True))
            .order_by("name")
        )


@extend_schema_view(
    get=extend_schema(
        summary="A team's status",
        parameters=[StatusQuerySerializer],
        responses={200: StatusRowSerializer(many=True), 404: NOT_FOUND},
    )
)
class TeamStatus(TrackingApiView, ListAPIView):
    """One row per member and active program, filtered and sorted like the status report."""

    serializer_class = StatusRowSerializer

    def get_queryset(self):
        team = team_for_viewer(self.request.user, self.kwargs["team_id"])
        query = StatusQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        options = query.validated_data
        rows = status_rows(
            viewer=self.request.user,
            people=list(visible_people(self.request.user, team=team)),
            programs=active_programs(options.get("program")),
        )
        rows = filter_rows(
            rows,
            status=options.get("status", ""),
            expiring_within=options.get("expiring_within"),
            overdue=options["overdue"],
        )
        return sort_rows(rows, options["order"])


@extend_schema_view(
    get=extend_schema(summary="A person's status", responses={200: StatusRowSerializer(many=True), 404: NOT_FOUND})
)
class PersonStatus(TrackingApiView, ListAPIView):
    """A person's row in each active program."""

    serializer_class = StatusRowSerializer
    pagination_class = None

    def get_queryset(self):
        person = person_for_viewer(self.request.user, self.kwargs["person_id"])
        return sort_rows(status_rows(viewer=self.request.user, people=[person], programs=active_programs()), "program")


@extend_schema_view(
    get=extend_schema(
        summary="A person's certificates", responses={200: VerificationSerializer(many=True), 404: NOT_FOUND}
    )
)
class PersonCertificates(TrackingApiView, ListAPIView):
    """Every certificate the person holds or held, current first, each with its verification URL."""

    serializer_class = VerificationSerializer
    pagination_class = None

    def get_queryset(self):
        person = person_for_viewer(self.request.user, self.kwargs["person_id"])
        return (
            Certificate.objects.filter(user=person)
            .select_related("superseded_by")
            .order_by("-is_current", "-issued_at")
        )


@extend_schema_view(
    post=extend_schema(
        summary="Assign a course or program",
        responses={
            201: AssignmentSerializer,
            400: OpenApiResponse(description="Errors by field name."),
            403: OpenApiResponse(NotFoundSerializer, description="You cannot assign work."),
            404: OpenApiResponse(
                NotFoundSerializer, description="The team or person is not one you may assign to (or does not exist)."
            ),
        },
    )
)
class AssignmentCreate(CreateAPIView):
    """Assign a course or a program, with a due date, to a team you supervise or to one of its members.

    Administrators and trainers may assign anything to anyone.
    """

    serializer_class = AssignmentSerializer
    permission_classes = [IsAuthenticated, AdminSessionVerified, AssignsWork]
    throttle_classes = [ApiTokenRateThrottle]


@extend_schema_view(
    get=extend_schema(summary="An assignment", responses={200: AssignmentSerializer, 404: NOT_FOUND}),
    patch=extend_schema(
        summary="Change an assignment's due date",
        request=AssignmentDueDateSerializer,
        responses={
            200: AssignmentSerializer,
            400: OpenApiResponse(description="Errors by field name."),
            403: OpenApiResponse(NotFoundSerializer, description="You cannot assign work."),
            404: NOT_FOUND,
        },
    ),
    delete=extend_schema(
        summary="Withdraw an assignment",
        responses={
            204: None,
            403: OpenApiResponse(NotFoundSerializer, description="You cannot assign work."),
            404: NOT_FOUND,
        },
    ),
)
class AssignmentDetail(RetrieveUpdateDestroyAPIView):
    """One assignment you manage: read it, change its due date (PATCH), or withdraw it (DELETE).

    Supervisors manage the assignments of their teams and of the people on them, administrators
    every one, anyone who assigns the ones they made; any other id (or a withdrawn one) is a 404.
    Withdrawing keeps enrollments and progress; the due date, "overdue" and reminders go.
    Every change is in the audit log.
    """

    serializer_class = AssignmentSerializer
    permission_classes = [IsAuthenticated, AdminSessionVerified, AssignsWork]
    throttle_classes = [ApiTokenRateThrottle]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return manageable_assignments(self.request.user)

    def get_serializer_class(self):
        return AssignmentDueDateSerializer if self.request.method == "PATCH" else AssignmentSerializer

    def update(self, request, *args, **kwargs):
        super().update(request, *args, **kwargs)
        return Response(AssignmentSerializer(self.get_object()).data)

    def perform_destroy(self, instance):
        assignment_withdraw(actor=self.request.user, assignment=instance)
