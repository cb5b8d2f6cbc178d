from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response

from .. import selectors, services
from ..models import CourseCatalogPage
from .serializers import CourseSerializer, EnrolmentCreateSerializer, EnrolmentSerializer


class CourseList(generics.ListAPIView):
    """Live courses in the catalogue, with their size. Public."""

    serializer_class = CourseSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None

    def get_queryset(self):
        catalogue = CourseCatalogPage.objects.live().first()
        if catalogue is None:
            return []
        return selectors.catalogue_courses(catalogue=catalogue, user=self.request.user)


class MyEnrolmentList(generics.ListCreateAPIView):
    """The signed-in person's enrolments with progress; POST enrols them in a course (idempotent)."""

    serializer_class = EnrolmentSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.learner_courses(user=self.request.user)

    @extend_schema(
        request=EnrolmentCreateSerializer,
        responses={201: EnrolmentSerializer, 200: EnrolmentSerializer},
    )
    def post(self, request, *args, **kwargs):
        serializer = EnrolmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        course = serializer.validated_data["course"]
        _, created = services.enrolment_create(user=request.user, course=course)
        progress = next(p for p in selectors.learner_courses(user=request.user) if p.course.pk == course.pk)
        body = EnrolmentSerializer(progress, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
