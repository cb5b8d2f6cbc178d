from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response

from ...catalogue.models import CourseCatalogPage
from .. import selectors, services
from .serializers import CourseSerializer, EnrollmentCreateSerializer, EnrollmentSerializer


class CourseList(generics.ListAPIView):
    """Live courses in the catalog, with their size. Public."""

    serializer_class = CourseSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None

    def get_queryset(self):
        catalog = CourseCatalogPage.objects.live().first()
        if catalog is None:
            return []
        return selectors.catalog_courses(catalog=catalog, user=self.request.user)


class MyEnrollmentList(generics.ListCreateAPIView):
    """The signed-in person's enrollments with progress; POST enrolls them in a course (idempotent)."""

    serializer_class = EnrollmentSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.learner_courses(user=self.request.user)

    @extend_schema(
        request=EnrollmentCreateSerializer,
        responses={201: EnrollmentSerializer, 200: EnrollmentSerializer},
    )
    def post(self, request, *args, **kwargs):
        serializer = EnrollmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        course = serializer.validated_data["course"]
        _, created = services.enrollment_create(user=request.user, course=course)
        progress = next(p for p in selectors.learner_courses(user=request.user) if p.course.pk == course.pk)
        body = EnrollmentSerializer(progress, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
