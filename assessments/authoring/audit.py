"""Audit entries for quizzes: a published change to how a quiz is graded, once people have taken it.

Publishing and unpublishing a quiz are logged by Wagtail itself ("Published", "Unpublished").
This adds a "Grading changed" entry when a newly published version changes the pass mark, a
mastery threshold, the number of questions drawn, or any question's points, competencies or
answer key, and the quiz already has attempts: from then on the same answers may pass or fail
differently. Attempts already started keep the version they started on.
"""

from __future__ import annotations

import json

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from wagtail.models import ModelLogEntry, Revision
from wagtail.signals import published

from cms.audit.log import audit, current_actor, register_change_action

from ..attempts.models import Attempt
from ..quizzes.freezing import quiz_snapshot
from ..quizzes.models import Quiz

GRADING_CHANGE = "pss.quiz.grading"

# The parts of a frozen question that decide its score.
_SCORING_KEYS = ("kind", "points", "competencies", "options", "items", "start", "steps", "all_or_nothing")


def _question_key(question: dict) -> str:
    scoring = {k: question.get(k) for k in _SCORING_KEYS}
    for option in scoring.get("options") or []:
        option.pop("feedback", None)
        option.pop("key", None)
    for step in scoring.get("steps") or []:
        step.pop("situation", None)
        for choice in step.get("choices", []):
            choice.pop("feedback", None)
    if scoring.get("items"):
        scoring["items"] = [item["text"] for item in scoring["items"]]
    return json.dumps(scoring, sort_keys=True, default=str)


def grading_facts(quiz) -> dict:
    """What decides who passes, for one version of a quiz."""
    snapshot = quiz_snapshot(quiz)
    return {
        "pass_mark": snapshot["pass_mark"],
        "mastery": dict(sorted(snapshot["mastery"].items())),
        "draw_count": snapshot["draw_count"],
        "draw_per_competency": snapshot["draw_per_competency"],
        "questions": {q["title"]: _question_key(q) for q in snapshot["questions"] if q["kind"] != "reflection"},
    }


def _previous_live_revision(quiz) -> Revision | None:
    """The version live before this publication: Wagtail logs "Published" after sending the signal."""
    revision_id = (
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Quiz), object_id=str(quiz.pk), action="wagtail.publish"
        )
        .order_by("-timestamp", "-pk")
        .values_list("revision_id", flat=True)
        .first()
    )
    return Revision.objects.filter(pk=revision_id).first() if revision_id else None


def _quiz_published(sender, instance, revision, **kwargs):
    previous = _previous_live_revision(instance)
    if previous is None or previous.pk == revision.pk or not Attempt.objects.filter(quiz=instance).exists():
        return
    old, new = grading_facts(previous.as_object()), grading_facts(instance)
    changed_questions = sorted(
        title
        for title in {*old["questions"], *new["questions"]}
        if old["questions"].get(title) != new["questions"].get(title)
    )
    facts = ("pass_mark", "mastery", "draw_count", "draw_per_competency")
    before = {k: old[k] for k in facts}
    after = {k: new[k] for k in facts}
    if before == after and not changed_questions:
        return
    if changed_questions:
        before["questions_with_new_scoring"] = []
        after["questions_with_new_scoring"] = changed_questions
    # In the admin the publisher is the acting user; elsewhere, the author of the published version.
    audit(
        instance,
        GRADING_CHANGE,
        user=current_actor() or revision.user,
        before=before,
        after=after,
        data={"revision": revision.pk},
    )


def connect_receivers() -> None:
    published.connect(_quiz_published, sender=Quiz, dispatch_uid="audit_quiz_grading")


def register_audit_actions(actions) -> None:
    register_change_action(actions, GRADING_CHANGE, _("Quiz grading changed"), _("Grading changed"))
