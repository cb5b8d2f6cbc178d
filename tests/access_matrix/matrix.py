"""Who may open what: every URL pattern of the site, classified, and the expected answer per person.

Three tables, tried in this order for each pattern (see ``classify``):

``ROUTES``
    The project's own URLs, one entry per pattern, keyed by the whole route. Every pattern whose
    view's code lives in ``cms``, ``courses``, ``assessments`` or ``certificates`` must be here,
    with at least one probe. A few of Wagtail's and Django's patterns that serve the project's
    pages (the page tree, sign-in, the API schema) are here too, so they are probed.
``MODEL_VIEWSETS``
    Wagtail's generic admin views over the project's models (snippets, the user admin), one
    entry per URL namespace: the permission they need, and probes of a few of their pages.
``RULES``
    Wagtail's own admin and serving URLs, by name (or route, for unnamed patterns), with
    ``fnmatch`` wildcards. Probes of a representative sample are attached to some rules.

A probe is a concrete request (URL, method, body) and the expected outcome for each person, in
the column order of ``world.USERS``:

    anonymous, learner A, learner B, supervisor A, supervisor B, trainer, administrator

Learner A is on team A, supervised by supervisor A; learner B is on team B, supervised by
supervisor B; the trainer supervises no team; the administrator is a superuser. URL templates
are filled from ``world.World`` (``{certificate.serial}``, ``{team_a.pk}``...).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cms.security.two_factor.services import UNVERIFIED_URL_NAMES

from .outcomes import (
    ADMIN_LOGIN,
    CREATED,
    DASHBOARD,
    DENIED,
    FORBIDDEN,
    LOGIN,
    NO_CONTENT,
    NO_CREDENTIALS,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    SUCCESSES,
    TWO_FACTOR,
    Outcome,
)
from .world import (
    ADMIN,
    ADMIN_NO_2FA,
    ANON,
    LEARNER_A,
    LEARNER_B,
    SIGNED_IN_AS,
    SUPERVISOR_A,
    SUPERVISOR_A_NO_2FA,
    SUPERVISOR_B,
    TRAINER,
    TRAINER_NO_2FA,
    USERS,
)

# Who a URL is for, in words (the classification); the probes pin down the details.
PUBLIC = "public: anyone, signed in or not"
SIGNED_IN = "signed in: any account, and only that person's own records"
A_CIRCLE = "a person's records: the person, supervisors of their teams, administrators (404 for anyone else)"
ADMIN_ACCESS = "admin: Trainers, Supervisors and administrators, plus the page's own permission or predicate"
API_PUBLIC = "API, public"
API_SIGNED_IN = "API: any account (session or token), only that person's own records"
API_TRACKING = "API: supervisors of a team (their teams' people only) and administrators"
STATIC = "static resource of the admin, no data"

#: People who may see learner A's name and email on any page that is about A.
SEES_A = frozenset({LEARNER_A, SUPERVISOR_A, ADMIN})
EVERYONE = frozenset(USERS)


@dataclass(frozen=True)
class Probe:
    """One request and what each person gets back."""

    url: str
    expect: tuple[Outcome, ...]
    method: str = "GET"
    data: dict | None = None  # form fields (POST) or a JSON body (API: PUT, POST), templates filled from the world
    api: bool = False  # an API request: JSON body, CSRF token in the header
    label: str = ""
    shows_a: frozenset = SEES_A  # who may find learner A's name or email in the body
    absent: tuple[str, ...] = ()  # text that must not be in the body for anyone outside SEES_A
    # The body names learner A for those in ``shows_a`` who get OK: proves the absence checks can see the name.
    names_a: bool = False
    changes: frozenset | None = None  # who changes data by this request; everyone else must change nothing
    # Staff without the second factor, where the rule in ``expected_without_2fa`` does not fit: {actor: outcome}.
    without_2fa: dict = field(default_factory=dict)

    def __post_init__(self):
        assert len(self.expect) == len(USERS), f"{self.url}: one outcome per person, {len(USERS)} in all"

    @property
    def is_write(self) -> bool:
        return self.method != "GET"

    def changes_for(self, user: str, url_name: str | None = None) -> bool:
        if user in SIGNED_IN_AS and user not in self.without_2fa:
            stand_in = self.stand_in(user, url_name)
            return stand_in is not None and self.changes_for(stand_in)
        if self.changes is not None:
            return user in self.changes
        return self.expected(user, url_name) in SUCCESSES

    def shows_a_to(self, user: str, url_name: str | None = None) -> bool:
        if user in SIGNED_IN_AS:
            stand_in = self.stand_in(user, url_name)
            return stand_in is not None and stand_in in self.shows_a
        return user in self.shows_a

    def expected(self, user: str, url_name: str | None = None) -> Outcome:
        if user in self.without_2fa:
            return self.without_2fa[user]
        if user in SIGNED_IN_AS:
            stand_in = self.stand_in(user, url_name)
            return TWO_FACTOR if stand_in is None else self.expected(stand_in)
        return self.expect[USERS.index(user)]

    def stand_in(self, user: str, url_name: str | None) -> str | None:
        """Whom staff signed in with a password only answer as: they have no staff privilege until the second factor.

        On admin pages, nobody (a redirect to the verify page, ``TWO_FACTOR``), except on the pages
        open before it (signing in and out, password reset), which answer as for the verified person.
        Everywhere else, learner B: a signed-in person with no role and nothing to do with learner A.
        ``without_2fa`` gives the outcome outright where the person's own situation differs.
        """
        if self.url.startswith("/admin/"):
            return SIGNED_IN_AS[user] if url_name in UNVERIFIED_URL_NAMES else None
        return LEARNER_B


@dataclass(frozen=True)
class Entry:
    access: str
    note: str = ""
    probes: tuple[Probe, ...] = field(default_factory=tuple)


def entry(access: str, note: str, *probes: Probe) -> Entry:
    return Entry(access, note, probes)


def get(url: str, *expect: Outcome, **options) -> Probe:
    return Probe(url, tuple(expect), **options)


def post(url: str, *expect: Outcome, **options) -> Probe:
    return Probe(url, tuple(expect), method="POST", **options)


# A lookup by certificate number: with learner A's name as printed, and with another name.
BY_NUMBER = {"number": "{certificate.serial}", "last_name": "{certificate.printed_name}"}
NUMBER_ALONE = {"number": "{certificate.serial}", "last_name": "Nobody"}

# Rows that many pages share, in the column order: anonymous, learner A, learner B, supervisor A,
# supervisor B, trainer, administrator.
NO_ADMIN_ACCESS = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN)  # the first three columns of any admin page
EVERYONE_OK = (OK, OK, OK, OK, OK, OK, OK)
SIGNED_IN_OK = (LOGIN, OK, OK, OK, OK, OK, OK)
SIGNED_IN_REDIRECT = (LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT)
ANONYMOUS_ONLY = (OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT)
A_ONLY = (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
A_CIRCLE_ROW = (LOGIN, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK)
ADMIN_ACCESS_OK = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK, OK, OK, OK)
TRAINERS_OK = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, DENIED, DENIED, OK, OK)
SUPERVISORS_OK = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, OK, OK, DENIED, OK)
ADMINS_ONLY = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, DENIED, DENIED, DENIED, OK)
API_SIGNED_IN_OK = (NO_CREDENTIALS, OK, OK, OK, OK, OK, OK)
API_A_ONLY = (NO_CREDENTIALS, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND)
API_A_CIRCLE = (NO_CREDENTIALS, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, FORBIDDEN, OK)
API_SUPERVISORS = (NO_CREDENTIALS, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, OK)

NO_ONE = frozenset()
REFLECTION = {"answer": "Written by whoever posted this."}


ROUTES: dict[str, Entry] = {
    # Site pages and the page tree ---------------------------------------------------------------
    "^((?:[\\w\\-]+/)*)$": entry(
        PUBLIC,
        "Wagtail's page tree: the home page, the catalog and courses are public; lessons need enrollment "
        "(or the right to edit them)",
        get("/", *EVERYONE_OK, label="home"),
        get("{catalog.url}", *EVERYONE_OK, label="catalog"),
        get("{course.url}", *EVERYONE_OK, label="course"),
        #   anonymous  learner A  learner B  supervisor A  supervisor B  trainer  admin
        get("{lesson.url}", LOGIN, OK, REDIRECT, REDIRECT, REDIRECT, OK, OK, label="lesson"),
    ),
    # Accounts -----------------------------------------------------------------------------------
    "account/login/": entry(PUBLIC, "Sign-in; signed-in people are sent on", get("/account/login/", *ANONYMOUS_ONLY)),
    "account/logout/": entry(
        PUBLIC,
        "Sign-out: a POST, or a GET that no other site started (that one asks first: tests/cms/security/test_logout.py)",
        get("/account/logout/", *(REDIRECT,) * 7),
        post("/account/logout/", *(REDIRECT,) * 7, changes=NO_ONE),
    ),
    "admin/logout/": entry(
        PUBLIC,
        "Sign-out from the admin, the same view as the site's, back to the admin's sign-in page",
        get("/admin/logout/", *(ADMIN_LOGIN,) * 7),
        post("/admin/logout/", *(ADMIN_LOGIN,) * 7, changes=NO_ONE),
    ),
    "account/signup/": entry(PUBLIC, "Sign-up, while switched on", get("/account/signup/", *ANONYMOUS_ONLY)),
    "account/profile/": entry(
        SIGNED_IN,
        "Your own profile",
        get("/account/profile/", *SIGNED_IN_OK),
        post(
            "/account/profile/",
            *SIGNED_IN_REDIRECT,
            data={"full_name": "Changed Name", "preferred_name": "", "email": "changed@example.org"},
            label="save",
            # Each person saves their own profile: the view has no way to name anyone else's.
            changes=frozenset(USERS) - {ANON},
        ),
    ),
    "account/signup/sent/": entry(
        PUBLIC, "Sign-up: the link is on its way", get("/account/signup/sent/", *EVERYONE_OK)
    ),
    "account/signup/confirm/<str:token>/": entry(
        PUBLIC,
        "Sign-up, step two, from the emailed link; a wrong or spent link says so",
        get("/account/signup/confirm/not-a-token/", *EVERYONE_OK),
    ),
    "account/profile/my-data/": entry(
        SIGNED_IN,
        "Download your own data (JSON)",
        get("/account/profile/my-data/", *SIGNED_IN_OK, shows_a=frozenset({LEARNER_A}), names_a=True),
    ),
    "account/delete/": entry(
        SIGNED_IN,
        "Delete your own account, confirmed with your password",
        get("/account/delete/", *SIGNED_IN_OK),
        # A wrong password: the form says so and nothing is deleted.
        post("/account/delete/", *SIGNED_IN_OK, data={"password": "not-the-password"}, changes=NO_ONE),
    ),
    "account/deleted/": entry(PUBLIC, "After deleting an account", get("/account/deleted/", *EVERYONE_OK)),
    "account/password/change/": entry(SIGNED_IN, "", get("/account/password/change/", *SIGNED_IN_OK)),
    "account/password/change/done/": entry(SIGNED_IN, "", get("/account/password/change/done/", *SIGNED_IN_OK)),
    "account/password/reset/": entry(PUBLIC, "", get("/account/password/reset/", *EVERYONE_OK)),
    "account/password/reset/sent/": entry(PUBLIC, "", get("/account/password/reset/sent/", *EVERYONE_OK)),
    "account/password/reset/<uidb64>/<token>/": entry(
        PUBLIC, "A reset link; a wrong one says so", get("/account/password/reset/MQ/wrong-token/", *EVERYONE_OK)
    ),
    "account/password/reset/done/": entry(PUBLIC, "", get("/account/password/reset/done/", *EVERYONE_OK)),
    # Learning -------------------------------------------------------------------------------------
    "learn/": entry(SIGNED_IN, "My learning", get("/learn/", *SIGNED_IN_OK)),
    "learn/reflections/": entry(SIGNED_IN, "My reflections", get("/learn/reflections/", *SIGNED_IN_OK)),
    "learn/courses/<int:course_id>/enroll/": entry(
        SIGNED_IN,
        "Enroll yourself (POST)",
        get("/learn/courses/{course.pk}/enroll/", LOGIN, *(NOT_ALLOWED,) * 6),
        # Learner A is enrolled already: enrolling again changes nothing.
        post("/learn/courses/{course.pk}/enroll/", *SIGNED_IN_REDIRECT, changes=frozenset(USERS) - {ANON, LEARNER_A}),
    ),
    "learn/courses/<int:course_id>/continue/": entry(
        SIGNED_IN, "Back to your last lesson", get("/learn/courses/{course.pk}/continue/", *SIGNED_IN_REDIRECT)
    ),
    "learn/lessons/<int:lesson_id>/complete/": entry(
        SIGNED_IN,
        "Mark a lesson done, for yourself; only enrolled people",
        post("/learn/lessons/{lesson2.pk}/complete/", *SIGNED_IN_REDIRECT, changes=frozenset({LEARNER_A})),
    ),
    "learn/lessons/<int:lesson_id>/incomplete/": entry(
        SIGNED_IN,
        "Unmark a lesson, for yourself; only enrolled people",
        post("/learn/lessons/{lesson.pk}/incomplete/", *SIGNED_IN_REDIRECT, changes=frozenset({LEARNER_A})),
    ),
    "learn/lessons/<int:lesson_id>/reflections/<uuid:block_id>/": entry(
        SIGNED_IN,
        "Save your own reflection; only enrolled people",
        post(
            "/learn/lessons/{lesson.pk}/reflections/{reflection_block}/",
            *SIGNED_IN_REDIRECT,
            data=REFLECTION,
            changes=frozenset({LEARNER_A}),
        ),
    ),
    # Quizzes --------------------------------------------------------------------------------------
    "quizzes/<int:quiz_id>/": entry(
        SIGNED_IN,
        "A published quiz's start page; drafts do not exist",
        get("/quizzes/{quiz.pk}/", *SIGNED_IN_OK, label="published"),
        get("/quizzes/{draft_quiz.pk}/", LOGIN, *(NOT_FOUND,) * 6, label="draft"),
    ),
    "quizzes/<int:quiz_id>/start/": entry(
        SIGNED_IN,
        "Start or resume your own attempt (POST)",
        # Learner A resumes the open attempt; everyone else starts one of their own.
        post("/quizzes/{open_quiz.pk}/start/", *SIGNED_IN_REDIRECT, changes=frozenset(USERS) - {ANON, LEARNER_A}),
    ),
    "quizzes/attempts/<int:attempt_id>/questions/<int:number>/": entry(
        SIGNED_IN,
        "A question of your own open attempt; anyone else's attempt does not exist",
        get("/quizzes/attempts/{open_attempt.pk}/questions/{question_number}/", *A_ONLY),
        post(
            "/quizzes/attempts/{open_attempt.pk}/questions/{question_number}/",
            #  anonymous  learner A  learner B  supervisor A  supervisor B  trainer  admin
            LOGIN,
            REDIRECT,
            NOT_FOUND,
            NOT_FOUND,
            NOT_FOUND,
            NOT_FOUND,
            NOT_FOUND,
            data=REFLECTION,
            label="answer",
        ),
    ),
    "quizzes/attempts/<int:attempt_id>/review/": entry(
        SIGNED_IN, "Your own open attempt's review", get("/quizzes/attempts/{open_attempt.pk}/review/", *A_ONLY)
    ),
    "quizzes/attempts/<int:attempt_id>/submit/": entry(
        SIGNED_IN,
        "Submit your own attempt (POST)",
        post(
            "/quizzes/attempts/{open_attempt.pk}/submit/",
            LOGIN,
            REDIRECT,
            NOT_FOUND,
            NOT_FOUND,
            NOT_FOUND,
            NOT_FOUND,
            NOT_FOUND,
        ),
    ),
    "quizzes/attempts/<int:attempt_id>/result/": entry(
        SIGNED_IN, "Your own attempt's result", get("/quizzes/attempts/{attempt.pk}/result/", *A_ONLY)
    ),
    # Certificates and CE hours (learner side) ----------------------------------------------------
    "certificates/": entry(SIGNED_IN, "My certificates", get("/certificates/", *SIGNED_IN_OK)),
    "certificates/hours/": entry(
        SIGNED_IN,
        "My CE hours, and recording external hours for yourself",
        get("/certificates/hours/", *SIGNED_IN_OK),
    ),
    "certificates/hours/<int:credit_id>/evidence/": entry(
        A_CIRCLE, "The evidence file of a CE entry", get("/certificates/hours/{credit.pk}/evidence/", *A_CIRCLE_ROW)
    ),
    "certificates/<str:serial>/pdf/": entry(
        A_CIRCLE, "A certificate's PDF", get("/certificates/{certificate.serial}/pdf/", *A_CIRCLE_ROW)
    ),
    "certificates/<str:serial>/credential/": entry(
        A_CIRCLE,
        "A certificate's signed credential",
        get("/certificates/{certificate.serial}/credential/", *A_CIRCLE_ROW),
    ),
    # Public pages: health check, verification ---------------------------------------------------
    "healthz": entry(PUBLIC, "Health check for load balancers (no personal data)", get("/healthz", *EVERYONE_OK)),
    "verify/": entry(
        PUBLIC,
        "Look up a code; or a number with the holder's last name (the number alone finds nothing)",
        get("/verify/", *EVERYONE_OK),
        post("/verify/", *EVERYONE_OK, data=BY_NUMBER, shows_a=EVERYONE, names_a=True, changes=NO_ONE, label="known"),
        post("/verify/", *(NOT_FOUND,) * 7, data=NUMBER_ALONE, changes=NO_ONE, label="number-alone"),
    ),
    "verify/<str:code>/": entry(
        PUBLIC,
        "A certificate's public verification page: shows the name as printed, to anyone with the code",
        get("/verify/{certificate.code}/", *EVERYONE_OK, shows_a=EVERYONE, label="known", names_a=True),
        get("/verify/not-a-code/", *(NOT_FOUND,) * 7, label="unknown"),
        get("/verify/{certificate.serial}/", *(NOT_FOUND,) * 7, label="serial-is-not-a-code"),
    ),
    "programs/<int:program_id>/": entry(PUBLIC, "What a program means", get("/programs/{program.pk}/", *EVERYONE_OK)),
    ".well-known/jwks.json": entry(PUBLIC, "Credential signing keys", get("/.well-known/jwks.json", *EVERYONE_OK)),
    # The API ------------------------------------------------------------------------------------
    "api/v1/schema/": entry(API_PUBLIC, "The OpenAPI schema (public by design)", get("/api/v1/schema/", *EVERYONE_OK)),
    "api/schema/": entry(API_PUBLIC, "The OpenAPI schema (public by design)", get("/api/schema/", *EVERYONE_OK)),
    "api/docs/": entry(API_PUBLIC, "Swagger UI (public by design)", get("/api/docs/", *EVERYONE_OK)),
    "^api/(?:.*/)?$": entry(
        API_PUBLIC,
        "Any other URL under /api/: the API's JSON 404, never a page",
        get("/api/v1/no-such-endpoint/", *(NOT_FOUND,) * 7, api=True),
        Probe("/api/v1/no-such-endpoint/", (NOT_FOUND,) * 7, method="POST", api=True),
    ),
    "api/v1/courses/": entry(API_PUBLIC, "The catalog", get("/api/v1/courses/", *EVERYONE_OK, api=True)),
    "api/v1/verify/": entry(
        API_PUBLIC,
        "Verification by number and the holder's last name, as JSON (the number alone finds nothing)",
        Probe(
            "/api/v1/verify/", EVERYONE_OK, method="POST", api=True, data=BY_NUMBER, shows_a=EVERYONE, changes=NO_ONE
        ),
        Probe("/api/v1/verify/", (NOT_FOUND,) * 7, method="POST", api=True, data=NUMBER_ALONE, changes=NO_ONE),
    ),
    "api/v1/verify/<str:code>/": entry(
        API_PUBLIC,
        "Verification as JSON",
        get("/api/v1/verify/{certificate.code}/", *EVERYONE_OK, api=True, shows_a=EVERYONE),
    ),
    "api/v1/me/enrollments/": entry(
        API_SIGNED_IN,
        "Your enrollments; POST enrolls you",
        get("/api/v1/me/enrollments/", *API_SIGNED_IN_OK, api=True),
        Probe(
            "/api/v1/me/enrollments/",
            (NO_CREDENTIALS, OK, CREATED, CREATED, CREATED, CREATED, CREATED),
            method="POST",
            api=True,
            data={"course": "{course.pk}"},
            changes=frozenset(USERS) - {ANON, LEARNER_A},
        ),
    ),
    "api/v1/me/certificates/": entry(
        API_SIGNED_IN, "Your certificates", get("/api/v1/me/certificates/", *API_SIGNED_IN_OK, api=True)
    ),
    "api/v1/quizzes/<int:quiz_id>/attempts/": entry(
        API_SIGNED_IN,
        "Start or resume your own attempt",
        Probe(
            "/api/v1/quizzes/{open_quiz.pk}/attempts/",
            (NO_CREDENTIALS, OK, CREATED, CREATED, CREATED, CREATED, CREATED),
            method="POST",
            api=True,
            changes=frozenset(USERS) - {ANON, LEARNER_A},
        ),
    ),
    "api/v1/attempts/<int:attempt_id>/": entry(
        API_SIGNED_IN, "Your own attempt", get("/api/v1/attempts/{open_attempt.pk}/", *API_A_ONLY, api=True)
    ),
    "api/v1/attempts/<int:attempt_id>/answers/<str:question_key>/": entry(
        API_SIGNED_IN,
        "Answer a question of your own attempt (PUT)",
        Probe(
            "/api/v1/attempts/{open_attempt.pk}/answers/{question_key}/",
            API_A_ONLY,
            method="PUT",
            api=True,
            data=REFLECTION,
        ),
    ),
    "api/v1/attempts/<int:attempt_id>/submit/": entry(
        API_SIGNED_IN,
        "Submit your own attempt",
        Probe("/api/v1/attempts/{open_attempt.pk}/submit/", API_A_ONLY, method="POST", api=True),
    ),
    "api/v1/attempts/<int:attempt_id>/result/": entry(
        API_SIGNED_IN, "Your own attempt's result", get("/api/v1/attempts/{attempt.pk}/result/", *API_A_ONLY, api=True)
    ),
    "api/v1/teams/": entry(
        API_TRACKING,
        "The teams you supervise (all, for administrators)",
        get("/api/v1/teams/", *API_SUPERVISORS, api=True, absent=("Alder Clinic",)),
    ),
    "api/v1/teams/<int:team_id>/status/": entry(
        API_TRACKING, "A team's status rows", get("/api/v1/teams/{team_a.pk}/status/", *API_A_CIRCLE, api=True)
    ),
    "api/v1/people/<int:person_id>/status/": entry(
        API_TRACKING,
        "A person's status rows",
        get("/api/v1/people/{learner_a.pk}/status/", *API_A_CIRCLE, api=True, names_a=True),
    ),
    "api/v1/people/<int:person_id>/certificates/": entry(
        API_TRACKING,
        "A person's certificates",
        get("/api/v1/people/{learner_a.pk}/certificates/", *API_A_CIRCLE, api=True),
    ),
    "api/v1/assignments/": entry(
        API_TRACKING,
        "Assign work: to your own teams and their people (anything, for trainers and administrators)",
        Probe(
            "/api/v1/assignments/",
            # Supervisor B may not assign to team A: a 404, as for a team that does not exist; nothing is created.
            (NO_CREDENTIALS, FORBIDDEN, FORBIDDEN, CREATED, NOT_FOUND, CREATED, CREATED),
            method="POST",
            api=True,
            data={"course": "{course.pk}", "team": "{team_a.pk}", "due_on": "{due_on}"},
        ),
    ),
    "api/v1/assignments/<int:pk>/": entry(
        API_TRACKING,
        "Read, change the due date of, or withdraw an assignment you manage (administrators: any; trainers: those they made)",
        Probe(
            "/api/v1/assignments/{assignment.pk}/",
            (NO_CREDENTIALS, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, NOT_FOUND, OK),
            api=True,
        ),
        Probe(
            "/api/v1/assignments/{assignment.pk}/",
            (NO_CREDENTIALS, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, NOT_FOUND, OK),
            method="PATCH",
            api=True,
            data={"due_on": "{due_on}"},
        ),
        Probe(
            "/api/v1/assignments/{assignment.pk}/",
            (NO_CREDENTIALS, FORBIDDEN, FORBIDDEN, NO_CONTENT, NOT_FOUND, NOT_FOUND, NO_CONTENT),
            method="DELETE",
            api=True,
        ),
    ),
    # The project's admin pages ------------------------------------------------------------------
    "admin/account/": entry(
        ADMIN_ACCESS, "Your admin account (full and preferred name)", get("/admin/account/", *ADMIN_ACCESS_OK)
    ),
    # The team chooser: Wagtail's snippet choosers list every instance to anyone with admin access,
    # which would show supervisors every team; cms.wagtail_hooks limits it to those who manage teams.
    "admin/snippets/choose/cms/team/": entry(
        ADMIN_ACCESS,
        "Team chooser: administrators only (supervisors see only their own teams, elsewhere)",
        get("/admin/snippets/choose/cms/team/", *ADMINS_ONLY, absent=("Alder Clinic",)),
    ),
    "admin/snippets/choose/cms/team/results/": entry(
        ADMIN_ACCESS,
        "Team chooser search results: administrators only",
        get("/admin/snippets/choose/cms/team/results/?q=Alder", *ADMINS_ONLY, absent=("Alder Clinic",)),
    ),
    "admin/snippets/choose/cms/team/chosen/<str:pk>/": entry(
        ADMIN_ACCESS,
        "A chosen team's name: administrators only",
        get("/admin/snippets/choose/cms/team/chosen/{team_a.pk}/", *ADMINS_ONLY, absent=("Alder Clinic",)),
    ),
    "admin/snippets/choose/cms/team/chosen-multiple/": entry(
        ADMIN_ACCESS,
        "Several chosen teams' names: administrators only",
        get("/admin/snippets/choose/cms/team/chosen-multiple/?id={team_a.pk}", *ADMINS_ONLY, absent=("Alder Clinic",)),
    ),
    "admin/api-tokens/": entry(
        ADMIN_ACCESS,
        "Your own API tokens: supervisors of a team and administrators",
        get("/admin/api-tokens/", *SUPERVISORS_OK),
        post(
            "/admin/api-tokens/",
            *SUPERVISORS_OK,
            data={"name": "Another token"},
            label="create",
            changes=frozenset({SUPERVISOR_A, SUPERVISOR_B, ADMIN}),
        ),
    ),
    "admin/api-tokens/<int:pk>/revoke/": entry(
        ADMIN_ACCESS,
        "Revoke one of your own tokens (supervisor A's here: nobody else's)",
        get(
            "/admin/api-tokens/{token.pk}/revoke/",
            ADMIN_LOGIN,
            ADMIN_LOGIN,
            ADMIN_LOGIN,
            NOT_ALLOWED,
            NOT_ALLOWED,
            DENIED,
            NOT_ALLOWED,
        ),
        post(
            "/admin/api-tokens/{token.pk}/revoke/",
            ADMIN_LOGIN,
            ADMIN_LOGIN,
            ADMIN_LOGIN,
            REDIRECT,
            NOT_FOUND,
            DENIED,
            NOT_FOUND,
        ),
    ),
    "admin/two-factor/": entry(
        ADMIN_ACCESS,
        "Your own two-factor status and new recovery codes",
        get("/admin/two-factor/", *ADMIN_ACCESS_OK),
        post(
            "/admin/two-factor/",
            *ADMIN_ACCESS_OK,
            label="new-codes",
            changes=frozenset({SUPERVISOR_A, SUPERVISOR_B, TRAINER, ADMIN}),
        ),
    ),
    "admin/two-factor/setup/": entry(
        ADMIN_ACCESS,
        "Set up an authenticator app; with one set up already, you are sent on",
        get(
            "/admin/two-factor/setup/",
            *NO_ADMIN_ACCESS,
            *(DASHBOARD, DASHBOARD, DASHBOARD, DASHBOARD),
            # Before the second factor: set-up for those without an app; supervisor A has one, so verify.
            without_2fa={SUPERVISOR_A_NO_2FA: TWO_FACTOR, TRAINER_NO_2FA: OK, ADMIN_NO_2FA: OK},
        ),
    ),
    "admin/two-factor/verify/": entry(
        ADMIN_ACCESS,
        "Enter a code after signing in; a verified session is sent on",
        get(
            "/admin/two-factor/verify/",
            *NO_ADMIN_ACCESS,
            *(DASHBOARD, DASHBOARD, DASHBOARD, DASHBOARD),
            # Before the second factor: the code form for supervisor A (who has an app); set-up for the others.
            without_2fa={SUPERVISOR_A_NO_2FA: OK, TRAINER_NO_2FA: TWO_FACTOR, ADMIN_NO_2FA: TWO_FACTOR},
        ),
    ),
    "admin/two-factor/reset/<int:user_id>/": entry(
        ADMIN_ACCESS,
        "An administrator resets someone's two-factor authentication (supervisor A's here)",
        get("/admin/two-factor/reset/{supervisor_a.pk}/", *ADMINS_ONLY),
        post("/admin/two-factor/reset/{supervisor_a.pk}/", *NO_ADMIN_ACCESS, DENIED, DENIED, DENIED, REDIRECT),
    ),
    "admin/users/<int:user_id>/delete-personal-data/": entry(
        ADMIN_ACCESS,
        "An administrator deletes someone's personal data (learner B's here)",
        get("/admin/users/{learner_b.pk}/delete-personal-data/", *ADMINS_ONLY),
        post(
            "/admin/users/{learner_b.pk}/delete-personal-data/",
            *NO_ADMIN_ACCESS,
            DENIED,
            DENIED,
            DENIED,
            REDIRECT,
            data={"email": "{learner_b.email}"},
        ),
    ),
    "admin/reports/lessons-due-for-review/": entry(
        ADMIN_ACCESS,
        "Lessons whose review date has come: trainers and administrators",
        get("/admin/reports/lessons-due-for-review/", *TRAINERS_OK),
    ),
    "admin/reports/background-tasks/": entry(
        ADMIN_ACCESS, "Failed background tasks: administrators", get("/admin/reports/background-tasks/", *ADMINS_ONLY)
    ),
    "admin/reports/background-tasks/<int:pk>/retry/": entry(
        ADMIN_ACCESS,
        "Retry a failed task now (POST)",
        post(
            "/admin/reports/background-tasks/{task_failure.pk}/retry/",
            *NO_ADMIN_ACCESS,
            DENIED,
            DENIED,
            DENIED,
            REDIRECT,
        ),
    ),
    "admin/assignments/": entry(
        ADMIN_ACCESS,
        "Assignments you manage, and the form to add one; trainers may assign to anyone, so they see everyone",
        get("/admin/assignments/", *ADMIN_ACCESS_OK, shows_a=SEES_A | {TRAINER}),
        post(
            "/admin/assignments/",
            # Supervisor B may not assign to team A: the form says so, and nothing is created.
            *NO_ADMIN_ACCESS,
            REDIRECT,
            OK,
            REDIRECT,
            REDIRECT,
            data={"course": "{course.pk}", "team": "{team_a.pk}", "due_on": "{due_on}"},
            label="add",
            shows_a=SEES_A | {TRAINER},
            changes=frozenset({SUPERVISOR_A, TRAINER, ADMIN}),
        ),
    ),
    "admin/assignments/<int:pk>/edit/": entry(
        ADMIN_ACCESS,
        "Change the due date of an assignment you manage (team A's here, made by supervisor A)",
        get("/admin/assignments/{assignment.pk}/edit/", *NO_ADMIN_ACCESS, OK, NOT_FOUND, NOT_FOUND, OK),
        post(
            "/admin/assignments/{assignment.pk}/edit/",
            *NO_ADMIN_ACCESS,
            REDIRECT,
            NOT_FOUND,
            NOT_FOUND,
            REDIRECT,
            data={"due_on": "{due_on}"},
        ),
    ),
    "admin/assignments/<int:pk>/withdraw/": entry(
        ADMIN_ACCESS,
        "Withdraw an assignment you manage (team A's here, made by supervisor A)",
        get("/admin/assignments/{assignment.pk}/withdraw/", *NO_ADMIN_ACCESS, OK, NOT_FOUND, NOT_FOUND, OK),
        post(
            "/admin/assignments/{assignment.pk}/withdraw/", *NO_ADMIN_ACCESS, REDIRECT, NOT_FOUND, NOT_FOUND, REDIRECT
        ),
    ),
    "admin/reports/certification-status/": entry(
        ADMIN_ACCESS,
        "The certification status report and its exports: supervisors of a team (their people only) and administrators",
        get("/admin/reports/certification-status/", *SUPERVISORS_OK, label="page", names_a=True),
        get("/admin/reports/certification-status/?export=csv", *SUPERVISORS_OK, label="csv", names_a=True),
        get("/admin/reports/certification-status/?export=xlsx", *SUPERVISORS_OK, label="xlsx", names_a=True),
        get(
            "/admin/reports/certification-status/?team={team_a.pk}&export=csv",
            *NO_ADMIN_ACCESS,
            OK,
            NOT_FOUND,
            DENIED,
            OK,
            label="team-a-csv",
        ),
    ),
    "admin/teams/status/": entry(
        ADMIN_ACCESS,
        "My teams: the teams you supervise (all, for administrators). A trainer who supervises no team gets an "
        "empty list",
        get("/admin/teams/status/", *ADMIN_ACCESS_OK, absent=("Alder Clinic",)),
    ),
    "admin/teams/<int:team_id>/status/": entry(
        ADMIN_ACCESS,
        "A team's page",
        get("/admin/teams/{team_a.pk}/status/", *NO_ADMIN_ACCESS, OK, NOT_FOUND, NOT_FOUND, OK),
    ),
    "admin/people/<int:person_id>/": entry(
        ADMIN_ACCESS,
        "A person's page",
        get("/admin/people/{learner_a.pk}/", *NO_ADMIN_ACCESS, OK, NOT_FOUND, NOT_FOUND, OK, names_a=True),
    ),
    "admin/people/<int:person_id>/issue/": entry(
        ADMIN_ACCESS,
        "Issue a certificate from a person's page, with confirmation: administrators only",
        get("/admin/people/{learner_a.pk}/issue/", *ADMINS_ONLY, names_a=True),
    ),
    "admin/snippets/assessments/quiz/": entry(
        ADMIN_ACCESS, "Quizzes: Trainers and administrators", get("/admin/snippets/assessments/quiz/", *TRAINERS_OK)
    ),
    "admin/snippets/assessments/quiz/results/": entry(
        ADMIN_ACCESS, "", get("/admin/snippets/assessments/quiz/results/", *TRAINERS_OK)
    ),
    "admin/snippets/assessments/quiz/add/": entry(
        ADMIN_ACCESS,
        "Add a quiz (the editor checks the publish rule): Trainers and administrators",
        get("/admin/snippets/assessments/quiz/add/", *TRAINERS_OK),
    ),
    "admin/snippets/assessments/quiz/edit/<int:pk>/": entry(
        ADMIN_ACCESS,
        "Edit a quiz, with the checks before publishing: Trainers and administrators",
        get("/admin/snippets/assessments/quiz/edit/{quiz.pk}/", *TRAINERS_OK),
    ),
    "admin/snippets/assessments/quiz/copy/<int:pk>/": entry(
        ADMIN_ACCESS,
        "Copy a quiz: Trainers and administrators",
        get("/admin/snippets/assessments/quiz/copy/{quiz.pk}/", *TRAINERS_OK),
    ),
    "admin/snippets/assessments/quiz/delete/<int:pk>/": entry(
        ADMIN_ACCESS,
        "Delete a quiz (one with attempts is kept)",
        get("/admin/snippets/assessments/quiz/delete/{open_quiz.pk}/", *TRAINERS_OK),
        post(
            "/admin/snippets/assessments/quiz/delete/{draft_quiz.pk}/",
            *NO_ADMIN_ACCESS,
            DENIED,
            DENIED,
            REDIRECT,
            REDIRECT,
        ),
    ),
    "admin/snippets/assessments/quiz/statistics/<int:pk>/": entry(
        ADMIN_ACCESS,
        "Item statistics of a quiz (counts only) and their CSV",
        get("/admin/snippets/assessments/quiz/statistics/{quiz.pk}/", *TRAINERS_OK),
        get("/admin/snippets/assessments/quiz/statistics/{quiz.pk}/?export=csv", *TRAINERS_OK, label="csv"),
    ),
    "admin/snippets/assessments/quiz/import-gift/": entry(
        ADMIN_ACCESS, "Import a quiz from GIFT", get("/admin/snippets/assessments/quiz/import-gift/", *TRAINERS_OK)
    ),
    "admin/certificates/": entry(
        ADMIN_ACCESS, "Issued certificates: administrators", get("/admin/certificates/", *ADMINS_ONLY)
    ),
    "admin/certificates/results/": entry(ADMIN_ACCESS, "", get("/admin/certificates/results/", *ADMINS_ONLY)),
    "admin/certificates/<int:pk>/": entry(
        ADMIN_ACCESS, "One certificate and its audit log", get("/admin/certificates/{certificate.pk}/", *ADMINS_ONLY)
    ),
    "admin/certificates/<int:pk>/revoke/": entry(
        ADMIN_ACCESS,
        "Revoke (POST)",
        post(
            "/admin/certificates/{certificate.pk}/revoke/",
            *NO_ADMIN_ACCESS,
            DENIED,
            DENIED,
            DENIED,
            REDIRECT,
            data={"revoke-reason": "Issued by mistake."},
        ),
    ),
    "admin/certificates/<int:pk>/unrevoke/": entry(
        ADMIN_ACCESS,
        "Withdraw a revocation (POST); the certificate is not revoked, so the administrator is told so",
        post(
            "/admin/certificates/{certificate.pk}/unrevoke/",
            *ADMINS_ONLY,
            data={"unrevoke-reason": "Revoked by mistake."},
            changes=NO_ONE,
        ),
    ),
    "admin/certificates/<int:pk>/reissue/": entry(
        ADMIN_ACCESS,
        "Reissue (POST)",
        post(
            "/admin/certificates/{certificate.pk}/reissue/",
            *NO_ADMIN_ACCESS,
            DENIED,
            DENIED,
            DENIED,
            REDIRECT,
            data={"reissue-reason": "Name changed."},
        ),
    ),
    "admin/certificate-audit-log/": entry(
        ADMIN_ACCESS, "The certificates' audit log: administrators", get("/admin/certificate-audit-log/", *ADMINS_ONLY)
    ),
    "admin/certificate-audit-log/results/": entry(
        ADMIN_ACCESS, "", get("/admin/certificate-audit-log/results/", *ADMINS_ONLY)
    ),
    "admin/ce-hours-review/": entry(
        ADMIN_ACCESS,
        "CE hours to review: supervisors (their people's) and administrators",
        get("/admin/ce-hours-review/", *SUPERVISORS_OK, names_a=True),
    ),
    "admin/ce-hours-review/<int:credit_id>/": entry(
        ADMIN_ACCESS,
        "Decide on one entry (POST)",
        post(
            "/admin/ce-hours-review/{credit.pk}/",
            *NO_ADMIN_ACCESS,
            REDIRECT,
            NOT_FOUND,
            DENIED,
            REDIRECT,
            data={"decision": "approve", "note": ""},
        ),
    ),
    "admin/team-certificates/": entry(
        ADMIN_ACCESS,
        "Team certificates: supervisors (their teams) and administrators",
        get("/admin/team-certificates/", *SUPERVISORS_OK, absent=("Alder Clinic",)),
    ),
    "admin/team-certificates/<int:team_id>/download/": entry(
        ADMIN_ACCESS,
        "A team's certificates as a zip",
        get(
            "/admin/team-certificates/{team_a.pk}/download/",
            *NO_ADMIN_ACCESS,
            OK,
            NOT_FOUND,
            DENIED,
            OK,
            names_a=True,
        ),
    ),
}


def _snippet(access_note: str, *probes: Probe) -> Entry:
    return Entry(ADMIN_ACCESS, access_note, probes)


MODEL_VIEWSETS: dict[str, Entry] = {
    "wagtailsnippets_cms_team": _snippet(
        "Teams: administrators (no role has team permissions)",
        get("/admin/snippets/cms/team/", *ADMINS_ONLY, label="list"),
        get("/admin/snippets/cms/team/edit/{team_a.pk}/", *ADMINS_ONLY, label="edit"),
    ),
    "wagtailsnippetchoosers_cms_team": _snippet(
        "Team chooser's create view (Wagtail's, checks the add permission); its list views are the project's"
    ),
    "wagtailsnippets_assessments_competency": _snippet(
        "Competencies: Trainers and administrators", get("/admin/snippets/assessments/competency/", *TRAINERS_OK)
    ),
    "wagtailsnippetchoosers_assessments_competency": _snippet("Competency chooser"),
    "wagtailsnippets_assessments_quiz": _snippet(
        "Quizzes (the views not written by the project): Trainers and administrators",
        get("/admin/snippets/assessments/quiz/history/{quiz.pk}/", *TRAINERS_OK, label="history"),
    ),
    "wagtailsnippetchoosers_assessments_quiz": _snippet("Quiz chooser (module pages)"),
    "wagtailsnippets_courses_cecategory": _snippet(
        "CE hour categories: Trainers and administrators", get("/admin/snippets/courses/cecategory/", *TRAINERS_OK)
    ),
    "wagtailsnippetchoosers_courses_cecategory": _snippet("CE hour category chooser"),
    "wagtailsnippets_certificates_program": _snippet(
        "Programs: Trainers and administrators",
        get("/admin/snippets/certificates/program/", *TRAINERS_OK, label="list"),
        get("/admin/snippets/certificates/program/edit/{program.pk}/", *TRAINERS_OK, label="edit"),
    ),
    "wagtailsnippetchoosers_certificates_program": _snippet("Program chooser"),
    "wagtailsnippets_certificates_certificatetemplate": _snippet(
        "Certificate templates: Trainers and administrators",
        get("/admin/snippets/certificates/certificatetemplate/", *TRAINERS_OK),
    ),
    "wagtailsnippetchoosers_certificates_certificatetemplate": _snippet("Certificate template chooser"),
    "wagtailusers_users": _snippet(
        "The user admin (the project's User model and forms): administrators",
        get("/admin/users/", *ADMINS_ONLY, label="list"),
        get("/admin/users/edit/{learner_a.pk}/", *ADMINS_ONLY, label="edit-a"),
    ),
}


@dataclass(frozen=True)
class Rule:
    pattern: str  # fnmatch pattern
    access: str
    note: str = ""
    by: str = "name"  # "name" (namespaced URL name) or "route" (for unnamed patterns)
    probes: tuple[Probe, ...] = ()


RULES: tuple[Rule, ...] = (
    # Wagtail's sign-in and password reset for the admin: public by nature.
    Rule(
        "wagtailadmin_login",
        PUBLIC,
        "The admin's sign-in page; people with admin access are sent to the dashboard",
        probes=(get("/admin/login/", OK, OK, OK, DASHBOARD, DASHBOARD, DASHBOARD, DASHBOARD),),
    ),
    Rule("wagtailadmin_password_reset*", PUBLIC, "The admin's password reset"),
    Rule("wagtailadmin_javascript_catalog", STATIC, "Translations for the admin's scripts"),
    Rule("wagtailadmin_sprite", STATIC, "The admin's icon sprite"),
    Rule(
        "wagtailadmin_home",
        ADMIN_ACCESS,
        "The dashboard",
        probes=(get("/admin/", *ADMIN_ACCESS_OK),),
    ),
    Rule(
        "wagtailadmin_explore*",
        ADMIN_ACCESS,
        "The page explorer: people with page permissions",
        probes=(get("/admin/pages/{catalog.pk}/", *TRAINERS_OK),),
    ),
    Rule(
        "wagtailadmin_pages:*",
        ADMIN_ACCESS,
        "Page editing: page permissions (Trainers under the catalog; administrators)",
        probes=(get("/admin/pages/{lesson.pk}/edit/", *TRAINERS_OK, label="edit-lesson"),),
    ),
    Rule(
        "wagtailadmin_reports:*",
        ADMIN_ACCESS,
        "Wagtail's reports",
        probes=(
            get("/admin/reports/locked/", *TRAINERS_OK, label="locked-pages"),
            # The audit log: entries that name a person (roles, teams, certificates, CE hours) are for
            # administrators only, even for that person's own supervisor.
            get(
                "/admin/reports/site-history/",
                *ADMIN_ACCESS_OK,
                label="site-history",
                shows_a=frozenset({ADMIN}),
                names_a=True,
            ),
        ),
    ),
    Rule(
        "wagtailadmin_api:*",
        ADMIN_ACCESS,
        "The admin's internal API (page, image and document choosers)",
        probes=(get("/admin/api/main/pages/", *ADMIN_ACCESS_OK, api=True),),
    ),
    Rule(
        "wagtailadmin_choose_page*",
        ADMIN_ACCESS,
        "The page and link choosers",
        probes=(get("/admin/choose-page/", *ADMIN_ACCESS_OK),),
    ),
    Rule("wagtailadmin_*", ADMIN_ACCESS, "Everything else of Wagtail's admin: admin access plus Wagtail's permissions"),
    Rule("wagtail_bulk_action", ADMIN_ACCESS, "Bulk actions on pages, users, images, documents, snippets"),
    Rule(
        "wagtailsnippets:*",
        ADMIN_ACCESS,
        "The snippets index",
        # Every snippet of the project sits in a menu group of its own, so the index lists none: Wagtail
        # refuses it to everyone.
        probes=(get("/admin/snippets/", *NO_ADMIN_ACCESS, DENIED, DENIED, DENIED, DENIED),),
    ),
    Rule(
        "wagtailimages:*",
        ADMIN_ACCESS,
        "Images: collection permissions (Trainers)",
        probes=(get("/admin/images/", *TRAINERS_OK),),
    ),
    Rule("wagtailimages_chooser:*", ADMIN_ACCESS, "Image chooser"),
    Rule(
        "wagtaildocs:*",
        ADMIN_ACCESS,
        "Documents: collection permissions (Trainers)",
        probes=(get("/admin/documents/", *TRAINERS_OK),),
    ),
    Rule("wagtaildocs_chooser:*", ADMIN_ACCESS, "Document chooser"),
    Rule("wagtailusers_groups:*", ADMIN_ACCESS, "Groups and their permissions: administrators"),
    Rule(
        "wagtailsites:*",
        ADMIN_ACCESS,
        "Sites: administrators",
        probes=(get("/admin/sites/", *ADMINS_ONLY),),
    ),
    Rule("wagtailredirects:*", ADMIN_ACCESS, "Redirects: administrators"),
    Rule("wagtailsettings:*", ADMIN_ACCESS, "Site settings: administrators"),
    Rule("wagtailembeds:*", ADMIN_ACCESS, "The embed chooser"),
    Rule("admin/test404/", ADMIN_ACCESS, "Wagtail's 404 page preview", by="route"),
    Rule("admin/.*/$", ADMIN_ACCESS, "The admin's catch-all 404", by="route"),
    # Serving.
    Rule(
        "wagtaildocs_serve",
        PUBLIC,
        "Documents: public unless their collection is private (then Wagtail's privacy rules apply)",
    ),
    Rule("wagtaildocs_authenticate_with_password", PUBLIC, "Password form for a private document collection"),
    Rule("wagtailcore_authenticate_with_password", PUBLIC, "Password form for a private page"),
    Rule("wagtailcore_login", PUBLIC, "Wagtail's sign-in for private pages"),
)
