"""The certificates API: public verification and a learner's own certificates, then supervisors' integration API."""

from django.urls import include, path

urlpatterns = [
    path("", include("certificates.issuance.api.urls")),
    path("", include("certificates.tracking.api.urls")),
]
