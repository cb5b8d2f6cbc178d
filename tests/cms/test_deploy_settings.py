"""Production settings and the security headers every response carries.

Production settings are checked in a subprocess (they read the environment when imported);
the Content-Security-Policy is the same in every environment, so the test client checks it here.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = ["cms", "courses", "assessments", "certificates"]


def production_env(**extra) -> dict:
    key = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    base = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "AWS_", "REDIS_", "TASKS_", "DATABASE_"))
    }
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "training.example.org",
        "DATABASE_URL": "sqlite:///:memory:",
        "CREDENTIAL_SIGNING_KEY": key.decode(),
        # Immediate tasks: the in-memory database has no task table for /healthz to read.
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        **extra,
    }


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed arguments, our own code
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


# A request under production settings, made in the subprocess: no database needed.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
api = client.get("/api/v1/me/enrollments/", secure=True, HTTP_HOST="training.example.org")
health = client.get("/healthz", HTTP_HOST="10.0.0.5")
print(json.dumps({
    "api": dict(api.headers),
    "health": {"status": health.status_code, **dict(health.headers)},
    "settings": {name: getattr(settings, name, None) for name in (
        "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY",
        "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "X_FRAME_OPTIONS", "LOG_FORMAT",
    )},
}))
"""


@pytest.fixture(scope="module")
def probe():
    result = run(["-c", PROBE], production_env(DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto=https"))
    assert result.returncode == 0, result.stderr
    return {"out": json.loads(result.stdout.strip().splitlines()[-1]), "logs": result.stderr}


def test_check_deploy_passes_with_no_warnings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_responses_carry_the_security_headers(probe):
    headers = probe["out"]["api"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in headers["Permissions-Policy"]
    assert_strict_policy(headers["Content-Security-Policy"])


def test_production_cookies_are_secure_and_http_only(probe):
    settings = probe["out"]["settings"]
    assert settings["SESSION_COOKIE_SECURE"] and settings["SESSION_COOKIE_HTTPONLY"]
    assert settings["CSRF_COOKIE_SECURE"] and settings["CSRF_COOKIE_HTTPONLY"]
    assert settings["SECURE_SSL_REDIRECT"] is True


def test_the_proxy_ssl_header_comes_from_the_environment(probe):
    assert probe["out"]["settings"]["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_production_logs_one_json_line_per_request(probe):
    assert probe["out"]["settings"]["LOG_FORMAT"] == "json"
    lines = [json.loads(line) for line in probe["logs"].splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "pss.request"]
    assert [(line["path"], line["status"]) for line in requests] == [
        ("/api/v1/me/enrollments/", 401),
        ("/healthz", 200),
    ]
    assert requests[0]["request_id"] == probe["out"]["api"]["X-Request-ID"]


def test_healthz_is_answered_over_plain_http_for_any_host(probe):
    health = probe["out"]["health"]
    assert health["status"] == 200
    assert "no-store" in health["Cache-Control"]


def test_an_unknown_log_format_stops_startup():
    result = run(["manage.py", "check"], production_env(DJANGO_LOG_FORMAT="xml"))
    assert result.returncode != 0
    assert "DJANGO_LOG_FORMAT must be text or json" in result.stderr


# The Content-Security-Policy, in every environment


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict_policy(policy: str) -> None:
    parsed = directives(policy)
    assert parsed["script-src"] == ["'self'"]
    assert parsed["default-src"] == ["'self'"]
    assert parsed["object-src"] == ["'none'"]
    assert parsed["base-uri"] == ["'self'"]
    assert parsed["form-action"] == ["'self'"]
    assert parsed["frame-ancestors"] == ["'none'"]
    assert "'unsafe-eval'" not in policy


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/account/login/", "/verify/", "/api/docs/"])
def test_site_pages_allow_no_inline_script(client, home, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_strict_policy(response["Content-Security-Policy"])


@pytest.mark.django_db
def test_the_admin_alone_may_run_inline_script_and_frame_its_own_preview(client, settings):
    from tests.factories import AdminFactory

    client.force_login(AdminFactory())
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    parsed = directives(response["Content-Security-Policy"])
    assert parsed["script-src"] == ["'self'", "'unsafe-inline'"]
    assert parsed["frame-ancestors"] == ["'self'"]
    assert parsed["object-src"] == ["'none'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_api_docs_start_swagger_from_a_static_file(client):
    response = client.get(reverse("api-docs"))
    page = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert scripts
    for attributes, body in scripts:
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
        assert "src=" in attributes or body.strip().startswith("{")
    config = json.loads(re.search(r'<script id="swagger-config" type="application/json">(.*?)</script>', page).group(1))
    assert config["schemaUrl"] == reverse("api-schema")
    assert config["settings"]["validatorUrl"] is None


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"""<[^>]*\son[a-z]+\s*=""", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def test_no_project_template_has_inline_script_event_handlers_or_javascript_urls():
    problems = []
    for app in PROJECT_APPS:
        for template in (ROOT / app).rglob("templates/**/*.html"):
            text = template.read_text()
            for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JS_URL):
                problems += [f"{template.relative_to(ROOT)}: {m.group(0)[:60]}" for m in pattern.finditer(text)]
    assert problems == []
