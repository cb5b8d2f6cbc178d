"""Public verification, and a learner's own certificates."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.security.ratelimit import VerifyRateThrottle

from .. import selectors
from ..forms import VerifyByNumberForm
from ..models import Certificate
from .serializers import MyCertificateSerializer, NotFoundSerializer, VerificationSerializer, VerifyByNumberSerializer


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


class VerifyByNumber(APIView):
    """Anyone may check a certificate by its number and the holder's last name, as licensing boards do.

    The number alone finds nothing: a number with another last name gets the same 404 as an unknown number.
    Case, accents and extra spaces in the name don't matter. Limited together with the code lookup.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyRateThrottle]

    @extend_schema(
        auth=[],
        request=VerifyByNumberSerializer,
        responses={
            200: VerificationSerializer,
            400: OpenApiResponse(description="A field is missing or malformed; the body names it."),
            404: OpenApiResponse(NotFoundSerializer, description="No certificate has this number and last name."),
        },
        summary="Verify a certificate by number and last name",
    )
    def post(self, request):
        form = VerifyByNumberForm(request.data if hasattr(request.data, "get") else {})
        if not form.is_valid():
            return Response({field: [str(e) for e in errors] for field, errors in form.errors.items()}, status=400)
        certificate = selectors.certificate_by_number(form.cleaned_data["number"], form.cleaned_data["last_name"])
        if certificate is None:
            return Response({"detail": "No certificate has this number with this last name."}, status=404)
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
