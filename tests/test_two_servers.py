"""Two app servers and one task worker, as in a multi-server deployment, on this machine.

Two gunicorn servers (two workers each) on loopback ports and one ``db_worker`` share the test's
PostgreSQL database and Redis (cache and sessions), with production settings from environment
variables (``tests/settings_servers.py`` changes only how static files are found). The requests
carry what a TLS-terminating load balancer adds: one public host name and ``X-Forwarded-Proto``.

Learners log in on server A, then alternate between the servers for every request: they enroll,
read and complete lessons, and take the module quiz through the JSON API. Some start and submit
the same attempt on both servers at the same moment. Afterwards: one submitted attempt per
learner, one current certificate per learner who passed, every PDF rendered once by the worker,
"My certificates" on server B lists the certificate, and logging out on one server logs out on both.

PostgreSQL only. Needs Redis (``TEST_REDIS_URL``, default database 5 on 127.0.0.1); without it the
test is skipped, unless ``REQUIRE_REDIS`` is set, which makes that a failure.
"""

from __future__ import annotations

import http.cookiejar
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django_tasks_db.models import DBTaskResult

from assessments.models import Attempt, Competency, Quiz
from certificates.issuance.models import Certificate, CertificateEvent
from courses.models import Enrollment, LessonCompletion
from tests.concurrency import needs_postgres  # noqa: F401 - an autouse fixture
from tests.factories import (
    PASSWORD,
    LearnerFactory,
    build_course,
    build_program,
    course_lessons,
    item,
    module_with_quiz,
    question,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "training.test"  # the public host name every server sees behind the load balancer
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
LEARNERS = 8
FAILS = {0}  # learners who answer wrongly and do not pass
DOUBLE = {1, 2, 3}  # learners who start and submit on both servers at once
RIGHT, WRONG = "Say no kindly and look for resources together", "Lend a little, just this once"
TIMEOUT = 30
RENDER_TASK, EMAIL_TASK = (
    "certificates.issuance.tasks.certificate_render_pdf",
    "certificates.issuance.tasks.certificate_email_issued",
)


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("REQUIRE_REDIS"):
            raise
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error}); set REQUIRE_REDIS=1 to fail instead")
    yield client
    client.close()


class SecureCookiesOverLoopback(http.cookiejar.DefaultCookiePolicy):
    """Send Secure cookies over loopback HTTP: the requests stand for HTTPS ones a TLS proxy passes on."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser(requests.Session):
    """A learner's browser, as the app servers see it behind a TLS-terminating load balancer."""

    def __init__(self):
        super().__init__()
        self.cookies.set_policy(SecureCookiesOverLoopback())
        # What the load balancer adds, and the Referer a browser sends with a form (CSRF checks it on HTTPS).
        self.headers.update({"Host": HOST, "X-Forwarded-Proto": "https", "Referer": f"https://{HOST}/"})

    def prepare_request(self, request):
        prepared = super().prepare_request(request)
        # requests copies the cookies into a jar with the default policy; pick them with ours instead.
        prepared.headers.pop("Cookie", None)
        prepared.prepare_cookies(self.cookies)
        return prepared


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def twin(session: requests.Session) -> requests.Session:
    """A second connection with the same cookies: the learner's other tab, reaching the other server."""
    other = Browser()
    other.cookies.update(session.cookies)
    return other


@contextmanager
def process(name: str, args: list, env: dict, logs: dict, folder: Path):
    """A child process whose output is kept for the failure message; stopped (terminate, then kill) on exit."""
    log_path = folder / f"{name}.log"
    with log_path.open("wb") as log:
        # A process group of its own, so that stopping it stops gunicorn's workers too.
        child = subprocess.Popen(  # noqa: S603
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    logs[name] = (child, log_path)
    try:
        yield child
    finally:
        for signal_number, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            with suppress(ProcessLookupError):
                os.killpg(child.pid, signal_number)
            with suppress(subprocess.TimeoutExpired):
                child.wait(timeout=grace)
                break


def process_logs(logs: dict) -> str:
    parts = []
    for name, (child, log_path) in logs.items():
        text = log_path.read_text(errors="replace") if log_path.exists() else ""
        parts.append(f"--- {name} (exit code {child.poll()}) ---\n{text[-4000:]}")
    return "\n".join(parts)


def wait_until_serving(base: str, child: subprocess.Popen, deadline: float) -> None:
    session = Browser()
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise AssertionError(f"{base} exited with code {child.returncode} before serving")
        with suppress(requests.ConnectionError, requests.Timeout):
            if session.get(f"{base}/account/login/", timeout=10, allow_redirects=False).status_code == 200:
                return
        time.sleep(0.2)
    raise AssertionError(f"{base} did not serve the login page in time")


def database_url() -> str:
    db = connection.settings_dict
    user, password = quote(db["USER"] or "", safe=""), quote(db["PASSWORD"] or "", safe="")
    return f"postgres://{user}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


def server_env(folder: Path, cache_prefix: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings_servers",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO=https",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "60",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": cache_prefix,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "CREDENTIAL_SIGNING_KEY": settings.CREDENTIAL_SIGNING_KEY,
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(folder / "private"),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "SITE_URL": f"https://{HOST}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_PRELOAD": "true",
        "GUNICORN_GRACEFUL_TIMEOUT": "5",
        "GUNICORN_LOG_LEVEL": "warning",
        "PYTHONUNBUFFERED": "1",
    }


def boundaries_quiz() -> Quiz:
    engage = Competency.objects.get(code="engages-relationships")

    def single(title):
        options = [
            item({"text": text, "credit": credit, "feedback": ""}) for text, credit in [(RIGHT, "100"), (WRONG, "0")]
        ]
        return question("single", title, [engage], options=options)

    quiz = Quiz(
        title="Boundaries check", questions=[single("Asked to lend money"), single("Asked again")], pass_mark=80
    )
    quiz.live = False
    quiz.save()
    quiz.save_revision().publish()
    return Quiz.objects.get(pk=quiz.pk)


def learners():
    # Production verifies PBKDF2 hashes (the test settings' MD5 is not among its hashers). Few
    # iterations keep setup quick; the servers upgrade each hash at its first login, as they would.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt(), iterations=1000)
    people = []
    for number in range(LEARNERS):
        person = LearnerFactory(email=f"learner{number}@example.org")
        person.password = hashed
        person.save(update_fields=["password"])
        people.append(person)
    return people


class Journey:
    """One learner's way through the course, each request on the other server from the one before."""

    def __init__(self, number: int, email: str, servers: list[str], course, lessons, quiz):
        self.number, self.email, self.servers = number, email, servers
        self.course, self.lessons, self.quiz = course, lessons, quiz
        self.session = Browser()
        self.turn = 0

    def next_server(self) -> str:
        self.turn += 1
        return self.servers[self.turn % 2]

    def csrf(self) -> str:
        return self.session.cookies["csrftoken"]

    def get(self, path, expect=200, session=None, server=None):
        response = (session or self.session).get(
            f"{server or self.next_server()}{path}", timeout=TIMEOUT, allow_redirects=False
        )
        assert response.status_code == expect, (self.email, "GET", path, response.status_code, response.text[:500])
        return response

    def post(self, path, data=None, expect=302, server=None):
        response = self.session.post(
            f"{server or self.next_server()}{path}",
            data={**(data or {}), "csrfmiddlewaretoken": self.csrf()},
            timeout=TIMEOUT,
            allow_redirects=False,
        )
        assert response.status_code == expect, (self.email, "POST", path, response.status_code, response.text[:500])
        return response

    def api(self, method, path, body=None, server=None, session=None):
        session = session or self.session
        response = session.request(
            method,
            f"{server or self.next_server()}/api/v1{path}",
            json=body,
            headers={"X-CSRFToken": session.cookies["csrftoken"]},
            timeout=TIMEOUT,
        )
        assert response.status_code in (200, 201), (self.email, method, path, response.status_code, response.text)
        return response

    def on_both_at_once(self, method, path):
        """The same request to both servers at the same moment, from two connections with the same cookies."""
        other, barrier, responses = twin(self.session), threading.Barrier(2), [None, None]

        def send(index, session):
            barrier.wait()
            responses[index] = self.api(method, path, server=self.servers[index], session=session)

        threads = [threading.Thread(target=send, args=(i, s)) for i, s in enumerate([self.session, other])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT * 2)
        assert all(responses), (self.email, path, "a request to one server failed")
        return responses

    def run(self) -> dict:
        server_a = self.servers[0]
        self.get("/account/login/", server=server_a)
        self.post("/account/login/", {"username": self.email, "password": PASSWORD}, server=server_a)
        # The session made on server A is known to server B: My learning opens there.
        self.turn = 0
        self.get("/learn/")
        self.post(f"/learn/courses/{self.course.pk}/enroll/")
        for lesson in self.lessons:
            assert lesson.title in self.get(lesson.url).text
            self.post(f"/learn/lessons/{lesson.pk}/complete/")

        if self.number in DOUBLE:
            started = [r.json() for r in self.on_both_at_once("POST", f"/quizzes/{self.quiz.pk}/attempts/")]
            assert started[0]["id"] == started[1]["id"], (self.email, "two attempts started", started)
            attempt = started[0]
        else:
            attempt = self.api("POST", f"/quizzes/{self.quiz.pk}/attempts/").json()
        choice = WRONG if self.number in FAILS else RIGHT
        for asked in attempt["questions"]:
            option = next(o["key"] for o in asked["options"] if o["text"] == choice)
            self.api("PUT", f"/attempts/{attempt['id']}/answers/{asked['key']}/", {"answer": option})

        if self.number in DOUBLE:
            results = [r.json() for r in self.on_both_at_once("POST", f"/attempts/{attempt['id']}/submit/")]
            assert results[0] == results[1], (self.email, "the two submissions differ", results)
            result = results[0]
        else:
            result = self.api("POST", f"/attempts/{attempt['id']}/submit/").json()
        return {"email": self.email, "attempt": attempt["id"], "passed": result["passed"]}


def test_two_app_servers_and_a_worker_keep_every_attempt_and_certificate_once(catalog, redis_client, tmp_path):
    course = build_course(catalog, modules=1, lessons_per_module=2, title="Boundaries in peer support")
    quiz = boundaries_quiz()
    module_with_quiz(course, quiz)
    program = build_program([course])
    lessons = course_lessons(course)
    people = learners()

    cache_prefix = f"pss-two-servers-{uuid.uuid4().hex[:12]}"
    env = server_env(tmp_path, cache_prefix)
    ports = [free_port(), free_port()]
    servers = [f"http://127.0.0.1:{port}" for port in ports]
    logs: dict = {}
    try:
        with ExitStack() as stack:
            children = [
                stack.enter_context(
                    process(
                        f"server {name}",
                        [BIN / "gunicorn", "--config", ROOT / "gunicorn.conf.py", "cms.wsgi:application"],
                        {**env, "PORT": str(port)},
                        logs,
                        tmp_path,
                    )
                )
                for name, port in zip("AB", ports, strict=True)
            ]
            worker = stack.enter_context(
                process(
                    "task worker",
                    [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.2"]
                    + ["--no-startup-delay"],
                    env,
                    logs,
                    tmp_path,
                )
            )
            deadline = time.monotonic() + 90
            for base, child in zip(servers, children, strict=True):
                wait_until_serving(base, child, deadline)

            journeys = [Journey(n, p.email, servers, course, lessons, quiz) for n, p in enumerate(people)]
            with ThreadPoolExecutor(max_workers=LEARNERS) as pool:
                outcomes = list(pool.map(Journey.run, journeys))

            # Learning records and attempts: each exactly once.
            assert [o["passed"] for o in outcomes] == [n not in FAILS for n in range(LEARNERS)]
            assert Enrollment.objects.filter(course=course).count() == LEARNERS
            assert LessonCompletion.objects.filter(lesson__in=lessons).count() == LEARNERS * len(lessons)
            attempts = list(Attempt.objects.filter(quiz=quiz).order_by("user__email"))
            assert len(attempts) == LEARNERS
            assert {a.user.email for a in attempts} == {p.email for p in people}
            assert all(a.is_submitted and a.number == 1 for a in attempts)
            assert {a.pk for a in attempts} == {o["attempt"] for o in outcomes}

            # One current certificate for each learner who passed; none for the one who did not.
            passed = [p for n, p in enumerate(people) if n not in FAILS]
            certificates = list(Certificate.objects.filter(program=program))
            assert sorted(c.user.email for c in certificates) == sorted(p.email for p in passed)
            assert all(c.is_current for c in certificates)
            issued = CertificateEvent.objects.filter(action=CertificateEvent.Action.ISSUED)
            assert issued.count() == len(passed)

            # The worker renders each PDF (once) and sends each email.
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and worker.poll() is None:
                done = DBTaskResult.objects.filter(task_path__in=[RENDER_TASK, EMAIL_TASK], status="SUCCESSFUL")
                if done.count() >= 2 * len(passed):
                    break
                time.sleep(0.5)
            renders = DBTaskResult.objects.filter(task_path=RENDER_TASK)
            assert renders.count() == len(passed)
            assert set(renders.values_list("status", flat=True)) == {"SUCCESSFUL"}
            assert sorted(r.args_kwargs["args"][0] for r in renders) == sorted(c.pk for c in certificates)
            assert CertificateEvent.objects.filter(action=CertificateEvent.Action.EMAILED).count() == len(passed)
            for certificate in Certificate.objects.filter(program=program):
                assert certificate.pdf_rendered_at is not None, certificate.serial
                # The servers' private storage (DJANGO_PRIVATE_MEDIA_ROOT), not this process's.
                assert (tmp_path / "private" / certificate.pdf.name).read_bytes()[:5] == b"%PDF-"

            # Each learner sees the certificate on server B, and the PDF through server A.
            for journey in journeys:
                page = journey.get("/certificates/", server=servers[1]).text
                certificate = next((c for c in certificates if c.user.email == journey.email), None)
                if certificate is None:
                    assert "PSS-" not in page
                    continue
                assert certificate.serial in page
                pdf = journey.get(f"/certificates/{certificate.serial}/pdf/", server=servers[0])
                assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")

            # Sessions live in Redis (and the database); logging out on B ends the session on A too.
            session_keys = list(redis_client.scan_iter(match=f"{cache_prefix}:*sessions*", count=1000))
            assert len(session_keys) >= LEARNERS
            leaving = journeys[-1]
            leaving.post("/account/logout/", server=servers[1])
            login = leaving.get("/learn/", expect=302, server=servers[0]).headers["Location"]
            assert login.startswith("/account/login/")
            journeys[-2].get("/learn/", server=servers[0])  # the others are still logged in
    except Exception as error:
        error.add_note(process_logs(logs))
        raise
    finally:
        for key in redis_client.scan_iter(match=f"{cache_prefix}:*", count=1000):
            redis_client.delete(key)
