from django.urls import path

from . import views

urlpatterns = [
    path("verify/", views.VerifyByNumber.as_view(), name="api-verify-by-number"),
    path("verify/<str:code>/", views.Verify.as_view(), name="api-verify"),
    path("me/certificates/", views.MyCertificates.as_view(), name="api-my-certificates"),
]
