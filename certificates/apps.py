"""Certification programs, issued certificates, their verification, and the CE hours ledger."""

from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "Certificates"

    def ready(self):
        from . import receivers  # noqa: F401
