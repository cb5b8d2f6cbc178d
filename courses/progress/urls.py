from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_learning, name="my-learning"),
    path("reflections/", views.my_reflections, name="my-reflections"),
    path("courses/<int:course_id>/enroll/", views.enroll, name="course-enroll"),
    path("courses/<int:course_id>/continue/", views.continue_course, name="course-continue"),
    path("lessons/<int:lesson_id>/complete/", views.complete_lesson, name="lesson-complete"),
    path("lessons/<int:lesson_id>/incomplete/", views.uncomplete_lesson, name="lesson-uncomplete"),
    path(
        "lessons/<int:lesson_id>/reflections/<uuid:block_id>/",
        views.save_reflection,
        name="lesson-reflection",
    ),
]
