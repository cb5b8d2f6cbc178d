"""What a service raises when it declines a request, and the one place each surface turns it into an answer.

Services decide the rules (may this attempt still change, may this person be assigned work...) and
raise a ``Refusal`` saying why. They know nothing of HTTP: each refusal carries the status a web
answer should have, and the field it is about when it is about one. The API's exception handler
(``api_exception_handler``, set as DRF's ``EXCEPTION_HANDLER``) turns any refusal into a JSON problem;
pages show the message next to the field or as a message (``refusal_message``). Views do not catch
refusals one by one.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class Refusal(Exception):
    """A service will not do what was asked, now or ever; ``str(refusal)`` says why, for the person who asked."""

    status_code = status.HTTP_409_CONFLICT

    def __init__(self, message: str, *, field: str | None = None, retry_at: datetime | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.retry_at = retry_at


class InvalidInput(Refusal):
    """The request itself is wrong (a field's value does not fit): fixing the input would help. 400."""

    status_code = status.HTTP_400_BAD_REQUEST


class Conflict(Refusal):
    """The request is well formed but the record's state does not allow it (submitted, locked, too soon). 409."""

    status_code = status.HTTP_409_CONFLICT


class NotFound(Refusal):
    """There is no such thing for this person: it does not exist or is not theirs to see. 404."""

    status_code = status.HTTP_404_NOT_FOUND


def refusal_body(refusal: Refusal) -> dict:
    """The JSON problem for a refusal: field errors for a 400 about a field, else ``detail`` (and ``retry_at``)."""
    if isinstance(refusal, InvalidInput) and refusal.field:
        return {refusal.field: [refusal.message]}
    body = {"detail": refusal.message}
    if refusal.retry_at is not None:
        body["retry_at"] = serializers.DateTimeField().to_representation(refusal.retry_at)
    return body


def api_exception_handler(exc, context):
    """DRF's handler, plus services' refusals and Django's ``ValidationError`` as JSON problems.

    Django's ``ValidationError`` (from ``full_clean`` in a service) becomes a 400 naming each field.
    """
    if isinstance(exc, Refusal):
        return Response(refusal_body(exc), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        body = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return exception_handler(exc, context)


def refusal_message(request: HttpRequest, refusal: Refusal) -> None:
    """Show a refusal on the next page, as the site's error message."""
    messages.error(request, refusal.message)
