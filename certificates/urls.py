from django.urls import path

from .ce import views as ce_views
from .issuance import views as issuance_views

urlpatterns = [
    path("", ce_views.my_certificates, name="my-certificates"),
    path("hours/", ce_views.ce_ledger, name="ce-ledger"),
    path("hours/<int:credit_id>/evidence/", ce_views.credit_evidence, name="ce-evidence"),
    path("<str:serial>/pdf/", issuance_views.certificate_pdf, name="certificate-pdf"),
    path("<str:serial>/credential/", issuance_views.certificate_credential, name="certificate-credential"),
]
