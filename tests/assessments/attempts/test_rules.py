"""The one rule for starting another attempt: the limit, the cool-down, and how they are said."""

from datetime import UTC, datetime, timedelta

import pytest

from assessments.attempts.rules import attempt_allowance
from cms.dates import site_datetime

NOW = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)


def allowance(used=1, max_attempts=None, cooldown_minutes=0, last=NOW - timedelta(minutes=10)):
    return attempt_allowance(
        used=used, max_attempts=max_attempts, cooldown_minutes=cooldown_minutes, last_submitted_at=last, now=NOW
    )


def test_unlimited_attempts_without_a_cool_down_may_start_at_once():
    rule = allowance(used=7)
    assert rule.may_start and rule.refusal() is None
    assert rule.allowed is None and rule.left is None
    assert rule.used_text == "Attempts are unlimited"


def test_attempts_used_and_left_are_counted_against_the_limit():
    rule = allowance(used=1, max_attempts=2)
    assert rule.may_start and rule.left == 1
    assert rule.used_text == "1 of 2 attempts used, 1 left"


def test_the_last_attempt_used_closes_the_quiz_whatever_the_cool_down():
    rule = allowance(used=2, max_attempts=2, cooldown_minutes=60)
    assert rule.exhausted and not rule.may_start and rule.left == 0
    assert rule.refusal() == "You have used all 2 attempts at this quiz. Talk to your trainer if you need another."
    assert allowance(used=1, max_attempts=1).refusal().startswith("You have used your one attempt")


def test_inside_the_cool_down_the_next_try_waits_and_says_when_in_the_site_format():
    rule = allowance(used=1, max_attempts=3, cooldown_minutes=60)
    ready = NOW + timedelta(minutes=50)
    assert rule.ready_at == ready and not rule.may_start and not rule.exhausted
    assert rule.refusal() == f"You can try again from {site_datetime(ready)}."
    assert "December 5, 2026, 3:50 PM" in rule.refusal()


@pytest.mark.parametrize("minutes_ago", [60, 61, 600])
def test_once_the_cool_down_is_over_the_next_try_may_start(minutes_ago):
    rule = allowance(cooldown_minutes=60, last=NOW - timedelta(minutes=minutes_ago))
    assert rule.may_start and rule.ready_at is None


def test_a_first_attempt_never_waits():
    assert allowance(used=0, cooldown_minutes=60, last=None).may_start
