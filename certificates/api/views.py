"""Public verification, and a learner's own certificates."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.security.ratelimit import VerifyRateThrottle

from .. import selectors
from ..models import Certificate
from .serializers import MyCertificateSerializer, NotFoundSerializer, VerificationSerializer


class Verify(APIView):
    """Anyone may check a certificate by its verification code; no account needed.

    Lookups are limited per client address, together with the verification pages: over the limit the
    answer is 429, with a ``Retry-After`` header giving the seconds to wait.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyRateThrottle]

    @extend_schema(
        auth=[],
        responses={200: VerificationSerializer, 404: OpenApiResponse(NotFoundSerializer, description="Unknown code.")},
        summary="Verify a certificate",
    )
    def get(self, request, code: str):
        certificate = selectors.certificate_by_code(code)
        if certificate is None:
            return Response({"detail": "No certificate has this verification code."}, status=404)
        response = Response(VerificationSerializer(certificate).data)
        response["X-Robots-Tag"] = "noindex"
        return response


class MyCertificates(ListAPIView):
    """The signed-in person's certificates, current first."""

    serializer_class = MyCertificateSerializer
    pagination_class = None

    @extend_schema(summary="My certificates")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return (
            Certificate.objects.filter(user=self.request.user)
            .select_related("superseded_by")
            .order_by("-is_current", "-issued_at")
        )
