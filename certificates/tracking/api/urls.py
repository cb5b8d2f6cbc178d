"""Integration API for supervisors: teams, status rows, people, certificates, assignments."""

from django.urls import path

from . import views

urlpatterns = [
    path("teams/", views.TeamList.as_view(), name="api-teams"),
    path("teams/<int:team_id>/status/", views.TeamStatus.as_view(), name="api-team-status"),
    path("people/<int:person_id>/status/", views.PersonStatus.as_view(), name="api-person-status"),
    path("people/<int:person_id>/certificates/", views.PersonCertificates.as_view(), name="api-person-certificates"),
    path("assignments/", views.AssignmentCreate.as_view(), name="api-assignments"),
    path("assignments/<int:pk>/", views.AssignmentDetail.as_view(), name="api-assignment"),
]
