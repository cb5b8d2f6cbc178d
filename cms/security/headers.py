"""Response headers that keep the site's origin safe: the Content-Security-Policy and uploaded documents.

The policy itself is `CONTENT_SECURITY_POLICY` in settings (django-csp), the same in every
environment so the browser tests meet what production sends. Two places differ:

- `/admin/` (Wagtail's admin, including the two-factor pages) may run inline scripts: Wagtail 8
  renders some widgets with an inline `<script>` (date and time pickers, inline panels, multiple
  chooser panels) and loads chooser modals whose inline scripts jQuery runs. The admin may also
  be framed by itself, because the page editor shows its live preview in a same-origin iframe.
  Everywhere else scripts come only from the site's own files and no page may be framed.
- Documents uploaded in the admin are served by Wagtail's view with `default-src 'none'` and
  `nosniff`; `UploadedDocumentHeadersMiddleware` adds `sandbox` to anything served as a
  download, so even a file a browser chose to render could not run in the site's origin.
"""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

ADMIN_PREFIX = "/admin/"
ADMIN_POLICY_UPDATE = {"script-src": [UNSAFE_INLINE]}
ADMIN_POLICY_REPLACE = {"frame-ancestors": [SELF]}
DOCUMENT_SERVE_URL_NAME = "wagtaildocs_serve"
SANDBOXED_DOWNLOAD_POLICY = "default-src 'none'; sandbox"


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's narrow exceptions (see the module docstring).

    Also sends `PERMISSIONS_POLICY`: the site never uses the camera, microphone, location or payments.
    """

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIX):
            parts.update = {**ADMIN_POLICY_UPDATE, **(parts.update or {})}
            parts.replace = {**ADMIN_POLICY_REPLACE, **(parts.replace or {})}
        elif getattr(request, "is_dummy", False):
            # Wagtail renders a preview by passing a stand-in request for the page's own URL through
            # the middleware; that response keeps the site's script rules, so a preview shows what
            # the policy would block, but the admin's preview panel may frame it.
            parts.replace = {**ADMIN_POLICY_REPLACE, **(parts.replace or {})}
        return parts


class UploadedDocumentHeadersMiddleware:
    """Sandbox every document Wagtail serves as a download, and never let a browser guess its type."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name != DOCUMENT_SERVE_URL_NAME:
            return response
        response["X-Content-Type-Options"] = "nosniff"
        if response.get("Content-Disposition", "").startswith("attachment"):
            response["Content-Security-Policy"] = SANDBOXED_DOWNLOAD_POLICY
        return response
