from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_certificates, name="my-certificates"),
    path("hours/", views.ce_ledger, name="ce-ledger"),
    path("hours/<int:credit_id>/evidence/", views.credit_evidence, name="ce-evidence"),
    path("<str:serial>/pdf/", views.certificate_pdf, name="certificate-pdf"),
    path("<str:serial>/credential/", views.certificate_credential, name="certificate-credential"),
]
