from django.urls import path

from . import views

urlpatterns = [
    path("<int:quiz_id>/", views.quiz_detail, name="quiz-detail"),
    path("<int:quiz_id>/start/", views.start, name="quiz-start"),
    path("attempts/<int:attempt_id>/questions/<int:number>/", views.question, name="attempt-question"),
    path("attempts/<int:attempt_id>/review/", views.review, name="attempt-review"),
    path("attempts/<int:attempt_id>/submit/", views.submit, name="attempt-submit"),
    path("attempts/<int:attempt_id>/result/", views.result, name="attempt-result"),
]
