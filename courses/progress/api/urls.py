from django.urls import path

from . import views

urlpatterns = [
    path("courses/", views.CourseList.as_view(), name="api-course-list"),
    path("me/enrollments/", views.MyEnrollmentList.as_view(), name="api-my-enrollments"),
]
