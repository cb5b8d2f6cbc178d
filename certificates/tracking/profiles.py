"""Competency profiles and team summaries for supervisors' person and team pages.

A person's competency profile pools their best submitted attempt at each quiz: the points earned
and possible per competency are summed over those attempts. A team's profile pools its members'
best attempts the same way. Every selector here runs a fixed number of queries, whatever the
number of people or attempts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from assessments.models import Attempt, Competency

from ..issuance.dates import add_months
from ..issuance.models import Certificate
from .status_rows import STATUSES, status_rows

# Below this share of the points, a competency without a mastery threshold is marked for attention.
DEFAULT_MASTERY = 70.0
WEAKEST_COUNT = 5
EXPIRY_MONTHS = 12


@dataclass
class CompetencyMastery:
    """Points earned and possible in one competency, pooled over best attempts."""

    code: str
    name: str
    earned: float
    possible: float
    threshold: float | None = None

    @property
    def percent(self) -> float:
        return 100.0 * self.earned / self.possible if self.possible else 0.0

    @property
    def mastery(self) -> float:
        """The bar to reach: the strictest threshold any of the quizzes set, else the default."""
        return self.threshold if self.threshold is not None else DEFAULT_MASTERY

    @property
    def below_mastery(self) -> bool:
        return self.percent < self.mastery


def best_attempts(*, user_ids: list[int]):
    """Each person's best submitted attempt at each quiz (highest score, then the latest), in one query."""
    if not user_ids:
        return Attempt.objects.none()
    best = (
        Attempt.objects.filter(user_id=OuterRef("user_id"), quiz_id=OuterRef("quiz_id"), submitted_at__isnull=False)
        .order_by("-score", "-submitted_at", "-pk")
        .values("pk")[:1]
    )
    return Attempt.objects.filter(user_id__in=user_ids, submitted_at__isnull=False, pk=Subquery(best))


def _pooled(results: list[dict]) -> list[CompetencyMastery]:
    """Sum earned and possible per competency code over attempt results; names come from the competencies."""
    earned: dict[str, float] = defaultdict(float)
    possible: dict[str, float] = defaultdict(float)
    thresholds: dict[str, float] = {}
    for result in results:
        for code, score in ((result or {}).get("competencies") or {}).items():
            earned[code] += float(score.get("earned") or 0)
            possible[code] += float(score.get("possible") or 0)
            if score.get("threshold") is not None:
                thresholds[code] = max(thresholds.get(code, 0.0), float(score["threshold"]))
    if not possible:
        return []
    competencies = {c.code: c for c in Competency.objects.filter(code__in=list(possible))}
    order = {code: (c.sort_order, c.name) for code, c in competencies.items()}
    profile = [
        CompetencyMastery(
            code=code,
            name=competencies[code].name if code in competencies else code,
            earned=earned[code],
            possible=possible[code],
            threshold=thresholds.get(code),
        )
        for code in possible
        if possible[code]
    ]
    return sorted(profile, key=lambda m: order.get(m.code, (1 << 15, m.name)))


def competency_profile(*, user) -> list[CompetencyMastery]:
    """One person's mastery per competency across their best attempt at each quiz, in framework order."""
    return _pooled(list(best_attempts(user_ids=[user.pk]).values_list("result", flat=True)))


def team_competency_profile(*, people: list) -> list[CompetencyMastery]:
    """The members' best attempts pooled: points earned and possible per competency across everyone."""
    return _pooled(list(best_attempts(user_ids=[p.pk for p in people]).values_list("result", flat=True)))


def weakest_competencies(profile: list[CompetencyMastery], count: int = WEAKEST_COUNT) -> list[CompetencyMastery]:
    """The lowest percentages first; ties in name order."""
    return sorted(profile, key=lambda m: (m.percent, m.name.casefold()))[:count]


@dataclass
class StatusCount:
    status: str
    label: str
    count: int


def status_counts(*, viewer, people: list, today: date | None = None, rows: list | None = None) -> list[StatusCount]:
    """How many person-and-program rows are in each status, every status listed, in report order.

    ``rows`` are the people's status rows when the caller has them already."""
    if rows is None:
        rows = status_rows(viewer=viewer, people=people, today=today)
    counts = Counter(row.status for row in rows)
    return [StatusCount(code, str(label), counts[code]) for code, label in STATUSES.items()]


@dataclass
class MonthCount:
    month: date  # the first day of the month
    count: int


def expiring_by_month(*, people: list, today: date | None = None, months: int = EXPIRY_MONTHS) -> list[MonthCount]:
    """Current, unrevoked certificates of ``people`` expiring in each of the coming months, this month first.

    Certificates that have already expired are left out, even in this month.
    """
    today = today or timezone.localdate()
    first = today.replace(day=1)
    starts = [add_months(first, n) for n in range(months + 1)]
    counts = Counter(
        expires_on.replace(day=1)
        for expires_on in Certificate.objects.current()
        .filter(
            user__in=[p.pk for p in people],
            revoked_at=None,
            expires_on__gte=today,
            expires_on__lt=starts[-1],
        )
        .values_list("expires_on", flat=True)
    )
    return [MonthCount(month, counts[month]) for month in starts[:-1]]
