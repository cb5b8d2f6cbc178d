from django.urls import path

from . import views

urlpatterns = [
    path("quizzes/<int:quiz_id>/attempts/", views.AttemptStart.as_view(), name="api-attempt-start"),
    path("attempts/<int:attempt_id>/", views.AttemptDetail.as_view(), name="api-attempt"),
    path(
        "attempts/<int:attempt_id>/answers/<str:question_key>/",
        views.AttemptAnswer.as_view(),
        name="api-attempt-answer",
    ),
    path("attempts/<int:attempt_id>/submit/", views.AttemptSubmit.as_view(), name="api-attempt-submit"),
    path("attempts/<int:attempt_id>/result/", views.AttemptResult.as_view(), name="api-attempt-result"),
]
