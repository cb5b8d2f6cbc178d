"""The API's interactive documentation (/api/docs/) without inline script.

drf-spectacular's Swagger UI page starts Swagger UI with an inline script, which the site's
Content-Security-Policy refuses. This page hands the same settings to a static script
(`cms/static/cms/swagger-init.js`) in a `<script type="application/json">` block, which the
browser reads as data and never runs.
"""

from __future__ import annotations

import json

from django.middleware.csrf import get_token
from drf_spectacular.views import SpectacularSwaggerView


class SwaggerDocsView(SpectacularSwaggerView):
    template_name = "cms/api/swagger_ui.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        data = response.data
        swagger_settings = json.loads(data["settings"])
        # No badge fetched from the public validator: the site asks no third party for anything.
        swagger_settings.setdefault("validatorUrl", None)
        data["config"] = {
            "schemaUrl": data["schema_url"],
            "settings": swagger_settings,
            "schemaAuthNames": json.loads(data["schema_auth_names"]),
            "oauth2Config": json.loads(data["oauth2_config"]),
            "csrfHeaderName": data["csrf_header_name"],
            "csrfToken": get_token(request),
        }
        return response
