"""Locust scenario for `bench/load_test.py`: learners on their phones and a few supervisors. Not part of the test suite.

Run by the benchmark, which writes a plan (JSON, path in BENCH_LOAD_PLAN) with signed-in
sessions made directly in the database, the lesson URLs and the quiz ids. Every request is
named after its endpoint, so Locust's statistics group by endpoint:

- learners (most users): open a lesson ("lesson"), start a quiz ("start"), then for each
  question open it ("question") and answer it through the HTML form ("answer"; branching
  scenarios take one answer per step), open the review ("review"), submit ("submit"), open
  the result ("result"), then "my learning" and "certificates"; and start over;
- supervisors (a few): the certification status report of their team ("report") and their
  team's page ("team page");
- Minimal: only `/bench/minimal/`, with no pause, for the baseline run ("minimal").

Between steps each user pauses (BENCH_WAIT_MIN to BENCH_WAIT_MAX seconds, 1 to 3 by default),
a fast reader on a phone. Redirects are not followed: each request is timed on its own.

With more than one server in the plan (the fault runs), each user picks one and moves to the
next on a connection error, retrying the request there once, as a client-side load balancer
would. With BENCH_LOAD_EVENTS set, every request is written there as a JSON line (time,
endpoint, port, path, status, milliseconds, redirect target).
"""

import html
import itertools
import json
import os
import random
import re
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, events, task

PLAN = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text())
WAIT = between(float(os.environ.get("BENCH_WAIT_MIN", "1")), float(os.environ.get("BENCH_WAIT_MAX", "3")))
HOSTS = PLAN["hosts"]
LEARNERS = itertools.cycle(PLAN["learners"])
SUPERVISORS = itertools.cycle(PLAN["supervisors"])
CSRF = "".join(random.choices("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", k=32))

QUESTION_FORM = re.compile(r'<form method="post" class="form question-form"[^>]*data-kind="(\w+)"')
ANSWER_VALUE = re.compile(r'name="answer" value="([^"]+)"')
CHOICE_VALUE = re.compile(r'name="choice" value="([^"]+)"')
POSITION = re.compile(r'<select id="position-[^"]+" name="(position-[^"]+)"')
NEXT_LINK = re.compile(r'<a class="pager__next" href="([^"]+)"')
REFLECTION = (
    "I would listen first and ask what she needs today, then share a little of my own story only if it helps her."
)

_events_file = (
    Path(os.environ["BENCH_LOAD_EVENTS"]).open("a", buffering=1) if os.environ.get("BENCH_LOAD_EVENTS") else None
)


STATUS = defaultdict(Counter)  # endpoint -> status code -> requests (0: no answer)


@events.spawning_complete.add_listener
def _ramped_up(user_count, **kwargs):
    STATUS.clear()  # as Locust's own statistics with --reset-stats


@events.quitting.add_listener
def _write_status(environment, **kwargs):
    if os.environ.get("BENCH_LOAD_STATUS"):
        Path(os.environ["BENCH_LOAD_STATUS"]).write_text(json.dumps(STATUS))


@events.request.add_listener
def _record(request_type, name, response_time, response, exception, url=None, **kwargs):
    """Status codes by endpoint, and one JSON line per request: the benchmarks compute their figures from these."""
    status = getattr(response, "status_code", 0) or 0
    STATUS[name][str(status)] += 1
    if _events_file is None:
        return
    line = {
        "t": time.time(),
        "method": request_type,
        "name": name,
        "port": urlsplit(url or "").port,
        "path": urlsplit(url or "").path,
        "status": status,
        "ms": round(response_time or 0, 1),
    }
    if status in (301, 302, 303):
        line["location"] = response.headers.get("Location", "")
    _events_file.write(json.dumps(line) + "\n")


class Visitor(FastHttpUser):
    """A signed-in person with a fixed session cookie, spread over the plan's servers."""

    abstract = True
    host = HOSTS[0]
    wait_time = WAIT
    connection_timeout = 5.0
    network_timeout = 60.0
    max_retries = 0

    def on_start(self):
        self.hosts = HOSTS[:]
        random.shuffle(self.hosts)
        self.cookie = f"{PLAN['cookie']}={self.session_key}; {PLAN['csrf_cookie']}={CSRF}"

    def send(self, method: str, path: str, name: str, data: dict | None = None):
        """One request, not following redirects; on a connection error, once more on the next server."""
        headers = {"Cookie": self.cookie}
        if data is not None:  # encoded here: a list (several checked boxes) becomes repeated fields
            data = urlencode({**data, "csrfmiddlewaretoken": CSRF}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for _ in range(len(self.hosts)):
            response = self.client.request(
                method, self.hosts[0] + path, name=name, data=data, headers=headers, allow_redirects=False
            )
            if response.status_code != 0 or len(self.hosts) == 1:
                return response
            self.hosts.append(self.hosts.pop(0))  # this server is gone: use the next from now on
        return response

    def location(self, response) -> str | None:
        if response.status_code in (301, 302, 303) and response.headers:
            target = response.headers.get("Location") or ""
            return urlsplit(target).path + (f"?{urlsplit(target).query}" if urlsplit(target).query else "")
        return None


class Learner(Visitor):
    weight = int(os.environ.get("BENCH_LEARNER_WEIGHT", "19"))

    def on_start(self):
        learner = next(LEARNERS)
        self.session_key = learner["session"]
        super().on_start()
        # The session cookie is sent in the header; keep the client's jar out of it.
        self.client.client.cookiejar = None

    @task
    def study(self):
        self.send("GET", random.choice(PLAN["lessons"]), "lesson")
        self.wait()
        self.take_quiz(random.choice(PLAN["quizzes"]))
        self.send("GET", "/learn/", "my learning")
        self.wait()
        self.send("GET", "/certificates/", "certificates")

    def take_quiz(self, quiz_id: int) -> None:
        url = self.location(self.send("POST", f"/quizzes/{quiz_id}/start/", "start", data={}))
        for _ in range(80):  # a quiz has a handful of questions; branching ones take several steps
            if url is None or "/questions/" not in url:
                break
            page = self.send("GET", url, "question")
            if page.status_code != 200:
                return
            text = page.text or ""
            form = QUESTION_FORM.search(text)
            self.wait()
            if form:
                url = self.location(self.send("POST", url, "answer", data=self.answer(form.group(1), text))) or url
                continue
            following = NEXT_LINK.search(text)
            url = html.unescape(following.group(1)) if following else None
        if url is None or not url.endswith("/review/"):
            return
        self.send("GET", url, "review")
        self.wait()
        attempt_id = url.split("/")[-3]
        result = self.location(self.send("POST", f"/quizzes/attempts/{attempt_id}/submit/", "submit", data={}))
        if result:
            self.send("GET", result, "result")
        self.wait()

    def answer(self, kind: str, text: str) -> dict:
        """A plausible answer from what the page offers: a person picks, sometimes well, sometimes not."""
        if kind == "single":
            return {"answer": random.choice(ANSWER_VALUE.findall(text))}
        if kind == "multiple":
            options = ANSWER_VALUE.findall(text)
            return {"answer": random.sample(options, k=random.randint(1, len(options)))}
        if kind == "order":
            names = POSITION.findall(text)
            places = random.sample(range(1, len(names) + 1), k=len(names))
            return dict(zip(names, (str(p) for p in places), strict=True))
        if kind == "branching":
            return {"choice": random.choice(CHOICE_VALUE.findall(text))}
        return {"answer": REFLECTION}


class Supervisor(Visitor):
    weight = int(os.environ.get("BENCH_SUPERVISOR_WEIGHT", "1"))

    def on_start(self):
        supervisor = next(SUPERVISORS)
        self.session_key = supervisor["session"]
        self.team = supervisor["team"]
        super().on_start()
        self.client.client.cookiejar = None

    @task(2)
    def report(self):
        self.send("GET", "/admin/reports/certification-status/", "report")

    @task(1)
    def team_page(self):
        self.send("GET", f"/admin/teams/{self.team}/status/", "team page")


class Minimal(FastHttpUser):
    """The baseline: a minimal Django view on the same server, requested back to back."""

    host = HOSTS[0]
    connection_timeout = 5.0
    network_timeout = 60.0

    @task
    def minimal(self):
        self.client.get("/bench/minimal/", name="minimal")
