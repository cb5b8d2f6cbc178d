from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from cms.links import absolute_url

from ..models import Certificate


class HoursSerializer(serializers.Serializer):
    category = serializers.CharField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)


class StatusFieldsMixin(serializers.Serializer):
    status = serializers.SerializerMethodField(help_text="valid, expiring, expired, revoked or superseded.")
    status_label = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField(help_text="Days until expiry; negative once expired; null if none.")

    def get_status(self, certificate) -> str:
        return certificate.current_status.code

    def get_status_label(self, certificate) -> str:
        return str(certificate.current_status.label)

    def get_days_left(self, certificate) -> int | None:
        return certificate.current_status.days_left


class VerificationSerializer(StatusFieldsMixin, serializers.ModelSerializer):
    """Everything printed on the certificate, so an edited PDF is caught, and its status now."""

    name = serializers.CharField(source="printed_name", help_text="The name as printed on the certificate.")
    program = serializers.CharField(source="program_name")
    hours = HoursSerializer(many=True)
    total_hours = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)
    verification_url = serializers.SerializerMethodField()
    revoked_on = serializers.SerializerMethodField()
    revocation_reason = serializers.SerializerMethodField(help_text="Only when the administrator chose to show it.")
    superseded_by = serializers.SerializerMethodField(help_text="The verification URL of the replacing certificate.")

    class Meta:
        model = Certificate
        fields = [
            "serial",
            "name",
            "program",
            "organisation",
            "signatory_name",
            "signatory_title",
            "hours",
            "total_hours",
            "issued_on",
            "expires_on",
            "status",
            "status_label",
            "days_left",
            "revoked_on",
            "revocation_reason",
            "superseded_by",
            "verification_url",
        ]

    def get_verification_url(self, certificate) -> str:
        return certificate.verification_url()

    def get_revoked_on(self, certificate) -> str | None:
        return timezone.localdate(certificate.revoked_at).isoformat() if certificate.revoked_at else None

    def get_revocation_reason(self, certificate) -> str | None:
        return certificate.revoked_reason if certificate.revoked_at and certificate.revoked_reason_public else None

    def get_superseded_by(self, certificate) -> str | None:
        return certificate.superseded_by.verification_url() if certificate.superseded_by_id else None


class MyCertificateSerializer(VerificationSerializer):
    pdf_url = serializers.SerializerMethodField()
    credential_url = serializers.SerializerMethodField()

    class Meta(VerificationSerializer.Meta):
        fields = [*VerificationSerializer.Meta.fields, "pdf_url", "credential_url"]

    def get_pdf_url(self, certificate) -> str:
        return absolute_url(reverse("certificate-pdf", args=[certificate.serial]))

    def get_credential_url(self, certificate) -> str:
        return absolute_url(reverse("certificate-credential", args=[certificate.serial]))


class VerifyByNumberSerializer(serializers.Serializer):
    """What a lookup by number sends (the rules are the verification page's form)."""

    number = serializers.CharField(max_length=40, help_text="The certificate number, e.g. PSS-2026-000003.")
    last_name = serializers.CharField(max_length=200, help_text="The holder's last name as printed.")


class NotFoundSerializer(serializers.Serializer):
    detail = serializers.CharField()
