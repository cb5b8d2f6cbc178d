"""Whether a person has met a program's requirements: the one definition, for issuance, reports, pages and the API.

A program's requirements are met when every one of its required courses is complete, as
``courses.progress.completion.course_tallies`` defines it (every visible lesson done, every module quiz
passed); a program without required courses is never met. Issuance issues on it, the status report
says "passed" on it (so "awaiting certificate" never waits for a certificate that will not come),
and the learner's pages list what is still missing from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from courses.models import CoursePage
from courses.progress.completion import course_completions

from .models import Program


@dataclass
class Requirements:
    """Where a person stands against a program's required courses."""

    program: Program
    completed: dict[int, datetime | None]  # course id -> when the person completed it, or None

    @property
    def met(self) -> bool:
        return bool(self.completed) and all(self.completed.values())

    @property
    def met_at(self) -> datetime | None:
        return max(self.completed.values()) if self.met else None

    @property
    def missing(self) -> list[CoursePage]:
        return [row.course for row in self.program.required_courses.all() if not self.completed.get(row.course_id)]


def requirements_from(program: Program, completions: dict[int, datetime | None]) -> Requirements:
    """A program's requirements against completions by course id (courses missing from them are not complete)."""
    return Requirements(
        program=program,
        completed={row.course_id: completions.get(row.course_id) for row in program.required_courses.all()},
    )


def required_courses(programs: list[Program]) -> list[CoursePage]:
    """Every course some of these programs require, once each (``required_courses`` prefetched with their course)."""
    return list({row.course_id: row.course for p in programs for row in p.required_courses.all()}.values())


def program_requirements(*, user, programs: list[Program], done: dict | None = None) -> list[Requirements]:
    """Each program's required courses and when this person completed them, in a fixed number of queries.

    ``done`` is a ``course_completions`` result the caller already has.
    """
    if done is None:
        done = course_completions(user=user, courses=required_courses(programs))
    return [requirements_from(program, done) for program in programs]
