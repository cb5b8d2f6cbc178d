"""Learner pages' throughput on gunicorn against a minimal 20 KB view, with wrk, run by `make bench`.

Not part of the test suite. Measures issue 15's page targets: the lesson page, the course page,
My learning, a quiz question (GET, the learner mid-attempt) and saving an answer (POST), each at
least 0.15 of the minimal view's throughput in the same run and p95 under 100 ms at 50 connections.

The database ``pss_bench_pages`` (PostgreSQL at 127.0.0.1:5432, user postgres) is kept between runs:
built the first time with the production settings' migrations, the demo (`load_demo`) and
``python -m bench.load_data --learners 500 --teams 10`` under the development settings, which allow
demo content (learners enrolled and part-way through); later runs only migrate it
(BENCH_PAGES_FRESH=1 builds it again). Skipped when PostgreSQL or wrk is missing.

The site runs on gunicorn with the production settings plus the minimal views
(``bench/verify_settings.py``), 4 sync workers, DATABASE_CONN_MAX_AGE=60 and the Redis cache
(database 8, emptied first; sessions in ``cached_db``) when Redis answers. BENCH_PAGE_LEARNERS (200)
learners get sessions written straight into the session store; each starts (or resumes) the graded
final assessment through the site, whose answers stay open until submitted, so saving one again
is a real save. wrk (2 threads, 50 connections, BENCH_PAGE_SECONDS per page, 15 by default, after
3 s of warm-up) sends each page's requests in turn for every learner: their cookie, their attempt,
a lesson of the course chosen by learner. A GET counts as an error unless it answers 2xx; the
answer save unless 2xx or 3xx. Prints a target line per page and the load average before and after;
writes ``var/bench/page_throughput.json``; exits non-zero when a target is missed.
"""

import http.client
import os
import re
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench.databases import kept_database, redis_emptied
from bench.servers import free_port, gunicorn, manage, production_env, run_python
from bench.steps import command_line, step_run
from bench.targets import Target, load_line, page_target, record
from bench.wrk_runs import lua_script, wrk_run

DATABASE = "pss_bench_pages"
DATA_LEARNERS = 500
REDIS_URL = os.environ.get("BENCH_PAGES_REDIS_URL", "redis://127.0.0.1:6379/8")
WORKERS = 4
CONNECTIONS = 50
SECONDS = int(os.environ.get("BENCH_PAGE_SECONDS", "15"))
WARM_UP = 3
LEARNERS = int(os.environ.get("BENCH_PAGE_LEARNERS", "200"))
CSRF = "benchcsrf0123456789abcdefghijklm"  # a 32-character secret: the form may carry the cookie's secret as it is

QUESTION_FORM = re.compile(r'<form method="post" class="form question-form"[^>]*data-kind="(\w+)"')
ANSWER_VALUE = re.compile(r'name="answer" value="([^"]+)"')
POSITION = re.compile(r'<select id="position-[^"]+" name="(position-[^"]+)"')
REFLECTION = "I would listen first and ask what she needs today, then share my own story only if it helps."


def database(env: dict) -> tuple[str, str] | None:
    """The kept database's URL and PostgreSQL's version, built when missing; None without PostgreSQL."""

    def build(env: dict) -> None:
        print(f"Building {DATABASE}: load_demo, bench.load_data --learners {DATA_LEARNERS} ...")
        loading = {**env, "DJANGO_SETTINGS_MODULE": "cms.settings.dev", "DJANGO_DEBUG": "0"}
        manage(loading, "load_demo")
        run_python(loading, "-m", "bench.load_data", "--learners", str(DATA_LEARNERS), "--teams", "10")

    return kept_database(env, DATABASE, rebuild=os.environ.get("BENCH_PAGES_FRESH") == "1", build=build)


def plan(count: str) -> dict:
    """A step: sessions for ``count`` enrolled learners, the course's page and lessons, the graded final's id."""
    from django.conf import settings

    from assessments.models import Quiz
    from bench.sessions import signed_in_session
    from certificates.demo.certification import PROGRAM_NAME
    from certificates.issuance.models import Program
    from cms.models import User
    from courses.models import LessonPage, ModulePage

    course = Program.objects.get(name=PROGRAM_NAME).required_courses.select_related("course").first().course
    learners = (
        User.objects.filter(email__endswith="@load.example.org", enrollments__course=course, is_active=True)
        .exclude(supervised_teams__isnull=False)
        .order_by("pk")[: int(count)]
    )
    quizzes = Quiz.objects.filter(live=True, pk__in=ModulePage.objects.live().descendant_of(course).values("quiz"))
    final = quizzes.exclude(feedback_timing="immediate").order_by("pk").first()
    return {
        "cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "sessions": [signed_in_session(user) for user in learners],
        "course": course.get_url(),
        "lessons": [lesson.get_url() for lesson in LessonPage.objects.live().descendant_of(course).order_by("path")],
        "quiz": final.pk if final else None,
    }


def send(port: int, method: str, path: str, cookie: str, body: str | None = None) -> tuple[int, str, str]:
    """One request, redirects not followed: status, Location's path, body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        location = urlsplit(response.getheader("Location") or "")
        target = location.path + (f"?{location.query}" if location.query else "")
        return response.status, target, response.read().decode(errors="replace")
    finally:
        connection.close()


def answer_body(text: str) -> str | None:
    """A valid answer to the question on this page, form-encoded with the CSRF token; None if not recognised."""
    form = QUESTION_FORM.search(text)
    if form is None:
        return None
    kind, values = form.group(1), ANSWER_VALUE.findall(text)
    fields: dict = {"csrfmiddlewaretoken": CSRF}
    if kind in ("single", "multiple") and values:
        fields["answer"] = values[0]
    elif kind == "order":
        fields |= {name: str(place) for place, name in enumerate(POSITION.findall(text), 1)}
    elif kind == "reflection":
        fields["answer"] = REFLECTION
    else:
        return None
    return urlencode(fields)


def mid_attempt(port: int, quiz: int, cookie: str) -> dict | str:
    """One learner's question page mid-attempt (the graded final, started or resumed through the site) and a
    valid answer to it; or, when the quiz refuses them (attempts used up, cool-down), what the site answered."""
    status, question, text = send(port, "POST", f"/quizzes/{quiz}/start/", cookie, f"csrfmiddlewaretoken={CSRF}")
    if status == 302 and "/questions/" in question:
        status, _, text = send(port, "GET", question, cookie)
        body = answer_body(text) if status == 200 else None
        if body is not None:
            return {"cookie": cookie, "question": question.split("?")[0], "body": body}
    return f"{status} {question} {text[:300]}"


def attempts(port: int, made: dict) -> list[dict]:
    """Every learner the graded final lets in, mid-attempt (``mid_attempt``); RuntimeError when there is none."""
    cookies = [f"{made['cookie']}={session}; {made['csrf_cookie']}={CSRF}" for session in made["sessions"]]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        answers = list(pool.map(lambda cookie: mid_attempt(port, made["quiz"], cookie), cookies))
    found = [answer for answer in answers if isinstance(answer, dict)]
    if not found:
        raise RuntimeError(f"No learner could start the graded final; the first answer: {answers[:1]}")
    return found


def page_requests(made: dict, mid_attempt: list[dict]) -> dict[str, list[dict]]:
    """Each page's requests, one per learner: (label, requests, lowest and highest status that counts as success)."""
    cookies = [f"{made['cookie']}={session}; {made['csrf_cookie']}={CSRF}" for session in made["sessions"]]
    lessons = made["lessons"]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    return {
        "minimal 20 KB view": [
            {"method": "GET", "path": "/bench/minimal-20k/", "headers": {"Cookie": c}} for c in cookies
        ],
        "lesson page": [
            {"method": "GET", "path": lessons[i % len(lessons)], "headers": {"Cookie": c}}
            for i, c in enumerate(cookies)
        ],
        "course page": [{"method": "GET", "path": made["course"], "headers": {"Cookie": c}} for c in cookies],
        "My learning": [{"method": "GET", "path": "/learn/", "headers": {"Cookie": c}} for c in cookies],
        "quiz question (GET)": [
            {"method": "GET", "path": a["question"], "headers": {"Cookie": a["cookie"]}} for a in mid_attempt
        ],
        "answer save (POST)": [
            {"method": "POST", "path": a["question"], "headers": {"Cookie": a["cookie"], **form}, "body": a["body"]}
            for a in mid_attempt
        ],
    }


def check(port: int, label: str, requests: list[dict]) -> None:
    """A few of a page's requests answer as they should before it is measured (wrk checks every answer then)."""
    for r in requests[:5]:
        status, _, text = send(port, r["method"], r["path"], r["headers"]["Cookie"], r.get("body"))
        if not (200 <= status < (400 if r["method"] == "POST" else 300)):
            raise RuntimeError(f"{label}: {r['method']} {r['path']} answered {status}:\n{text[:500]}")


def measure(wrk: str, folder: Path, port: int, pages: dict[str, list[dict]]) -> dict[str, dict]:
    results = {}
    for label, requests in pages.items():
        script = folder / f"{len(results)}.lua"
        script.write_text(lua_script(requests, high=399 if requests[0]["method"] == "POST" else 299))
        url = f"http://127.0.0.1:{port}"
        wrk_run(wrk, script, url, connections=CONNECTIONS, seconds=WARM_UP)
        send(port, "GET", "/bench/minimal/", "")  # answered once the warm-up's queued requests have been taken
        results[label] = wrk_run(wrk, script, url, connections=CONNECTIONS, seconds=SECONDS)
        results[label]["learners"] = len(requests)
    return results


def main() -> bool:
    wrk = shutil.which("wrk")
    if wrk is None:
        print("Page throughput: skipped, wrk is not installed (make bench installs it as root).\n")
        return True
    load_before = load_line()
    with tempfile.TemporaryDirectory(prefix="pss-pages-") as tmp:
        folder, port = Path(tmp), free_port()
        env = production_env(folder, port, DATABASE_CONN_MAX_AGE="60", DJANGO_LOG_LEVEL="WARNING")
        found = database(env)
        if found is None:
            print("Page throughput: skipped, PostgreSQL at 127.0.0.1:5432 does not answer.\n")
            return True
        env["DATABASE_URL"], version = found
        if redis_emptied(REDIS_URL):
            env["REDIS_URL"] = REDIS_URL
        manage(env, "collectstatic", "--no-input", "-v", "0")
        made = step_run("bench.page_throughput", env, "plan", str(LEARNERS))
        started = time.perf_counter()
        with gunicorn(env, port, WORKERS, log=folder / "gunicorn.log"):
            mid_attempt = attempts(port, made)
            pages = page_requests(made, mid_attempt)
            for label, requests in pages.items():
                check(port, label, requests)
            results = measure(wrk, folder, port, pages)
        seconds = time.perf_counter() - started
    minimal = results.pop("minimal 20 KB view")
    targets = [
        page_target(
            label,
            rps=r["rps"],
            minimal_rps=minimal["rps"],
            p95_ms=r["p95_ms"],
            errors=r["errors"],
            requests=r["requests"],
        )
        for label, r in results.items()
    ]
    print(
        f"Page throughput: gunicorn {WORKERS} sync workers, production settings, {version} ({DATABASE}), cache "
        f"{'Redis' if 'REDIS_URL' in env else 'local memory'}, wrk 2 threads x {CONNECTIONS} connections, "
        f"{SECONDS}s per page after {WARM_UP}s of warm-up, {len(made['sessions'])} learners' sessions in turn "
        f"({len(mid_attempt)} mid-attempt on the graded final); {seconds:.0f}s"
    )
    print(f"  load average before: {load_before}")
    print(
        f"  minimal 20 KB view: {minimal['rps']:,.0f} req/s, p50 {minimal['p50_ms']:.1f} ms, "
        f"p95 {minimal['p95_ms']:.1f} ms, {minimal['errors']} errors"
    )
    for label, r in results.items():
        print(
            f"  {label}: {r['rps']:,.1f} req/s, p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, "
            f"{r['errors']} errors of {r['requests']:,}"
        )
    for target in targets:
        print(target.line())
    if minimal["errors"]:
        targets.append(Target("minimal view without errors", f"{minimal['errors']} errors", False))
    path = record(
        "page_throughput",
        targets,
        load_before,
        database=version,
        results={"minimal 20 KB view": minimal, **results},
    )
    print(f"  load average after: {load_line()}\nFigures written to {path}\n")
    return all(target.met for target in targets)


if __name__ == "__main__":
    command_line(main, {"plan": plan})
