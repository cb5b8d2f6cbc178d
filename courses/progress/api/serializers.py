from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cms.api.fields import IdField
from cms.links import absolute_page_url, absolute_url

from ...catalogue.models import CoursePage


class CourseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="course.pk")
    title = serializers.CharField(source="course.title")
    summary = serializers.CharField(source="course.summary")
    url = serializers.SerializerMethodField()
    lesson_count = serializers.IntegerField(source="total")
    estimated_minutes = serializers.IntegerField(source="minutes")

    def get_url(self, progress) -> str:
        return absolute_page_url(progress.course)


class EnrollmentSerializer(serializers.Serializer):
    course = serializers.IntegerField(source="course.pk")
    course_title = serializers.CharField(source="course.title")
    enrolled_at = serializers.DateTimeField(source="enrollment.enrolled_at")
    last_activity_at = serializers.DateTimeField(source="enrollment.last_activity_at", allow_null=True)
    lessons_total = serializers.IntegerField(source="total")
    lessons_completed = serializers.IntegerField(source="completed")
    quizzes_total = serializers.SerializerMethodField(help_text="The course's module quizzes.")
    quizzes_passed = serializers.IntegerField(help_text="Module quizzes this person has passed.")
    percent_complete = serializers.IntegerField(
        source="percent", help_text="Steps done (lessons read and module quizzes passed) of all the course's steps."
    )
    complete = serializers.BooleanField(
        source="is_complete",
        help_text="Every lesson read and every module quiz passed: the completion certificates are issued on.",
    )
    resume_url = serializers.SerializerMethodField()

    def get_quizzes_total(self, progress) -> int:
        return len(progress.quizzes)

    def get_resume_url(self, progress) -> str | None:
        """The next unfinished lesson, else the start page of the first module quiz not passed yet."""
        url = progress.resume_url
        return absolute_url(url) if url else None


@extend_schema_field(OpenApiTypes.INT)
class OpenCourseField(IdField):
    def get_queryset(self):
        # Built per request: Wagtail's public() reads the current view restrictions.
        return CoursePage.objects.live().public()


class EnrollmentCreateSerializer(serializers.Serializer):
    course = OpenCourseField(
        help_text="The id of a live course.",
        error_messages={"does_not_exist": "No open course has id {pk_value}."},
    )
