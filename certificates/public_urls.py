"""Public pages, no account needed: verification, what a program means, and the credential signing keys."""

from django.urls import path

from .issuance import views

urlpatterns = [
    path("verify/", views.verify_search, name="certificate-verify-search"),
    path("verify/<str:code>/", views.verify, name="certificate-verify"),
    path("programs/<int:program_id>/", views.program_detail, name="program-achievement"),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
]
