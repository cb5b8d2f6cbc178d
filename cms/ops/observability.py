"""Request ids and structured logs.

`RequestLogMiddleware` (first in MIDDLEWARE) gives every request an id, taken from a valid incoming
`X-Request-ID` header (a load balancer's) or made up, returns it in the `X-Request-ID` response
header, and logs one line per request on the `pss.request` logger. `RequestIdFilter` puts the
id on every log record made while the request runs, and `JsonFormatter` writes each record as one
JSON object per line (`DJANGO_LOG_FORMAT=json`, the production default).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

from django.core.signals import request_finished
from django.dispatch import receiver
from django.utils.functional import empty

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is used only if it is short and made of safe characters; anything else is replaced.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Query parameters and URL arguments whose values never reach the logs.
SENSITIVE_NAMES = frozenset({"token", "uidb64", "password", "secret", "key", "code", "email", "otp", "signature"})
REDACTED = "[redacted]"

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
logger = logging.getLogger("pss.request")


def current_request_id() -> str:
    """The id of the request being handled in this thread or task, or "-" outside a request."""
    return request_id_var.get()


def request_id_from(value: str | None) -> str:
    if value and VALID_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, so any formatter may use it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


# Attributes every LogRecord has; anything else on a record was passed with `extra=`.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
# Extras never written: Django's request and server objects (their text can hold query strings).
_SKIPPED_EXTRAS = frozenset({"request", "server_time"})


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, any extras, and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for name, value in vars(record).items():
            if name not in _STANDARD_ATTRS and name not in _SKIPPED_EXTRAS and name not in entry:
                entry[name] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def _is_sensitive(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in SENSITIVE_NAMES)


def loggable_path(request) -> str:
    """The path and query string with the values of sensitive URL arguments and parameters replaced."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if _is_sensitive(name) and str(value):
                path = path.replace(str(value), REDACTED)
    query = request.META.get("QUERY_STRING", "")
    if query:
        pairs = [(k, REDACTED if _is_sensitive(k) else v) for k, v in parse_qsl(query, keep_blank_values=True)]
        path = f"{path}?{urlencode(pairs, safe='[]')}"
    return path


def user_id_of(request) -> int | None:
    """The signed-in person's id, if it is already known: never a database query just for the log."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty:
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


class RequestLogMiddleware:
    """Request id in, request id out, one log line per request. Goes first in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "is_dummy", False):
            # Wagtail's preview passes a stand-in request through the middleware inside the real
            # request, which already has its id and its log line.
            return self.get_response(request)
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        # Kept until the response is closed (see `_forget_request_id`), so Django's own lines about
        # the response and anything logged while a response streams carry the id too.
        request_id_var.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        path = loggable_path(request)
        logger.info(
            "%s %s %s %sms",
            request.method,
            path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user_id_of(request),
                "remote_ip": request.META.get("REMOTE_ADDR", ""),
                "forwarded_for": request.META.get("HTTP_X_FORWARDED_FOR", "")[:200],
            },
        )
        return response


@receiver(request_finished, dispatch_uid="pss-forget-request-id")
def _forget_request_id(**kwargs) -> None:
    request_id_var.set("-")
