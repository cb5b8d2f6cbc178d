from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.refusals import refusal_message

from ..quizzes.models import Quiz
from ..scoring.rules import BRANCHING, MULTIPLE, ORDER, REFLECTION
from . import selectors, services
from .models import Response
from .next_steps import quiz_result_next_steps


def _back_link(request) -> str | None:
    target = request.GET.get("next") or request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


@login_required
@require_GET
def quiz_detail(request, quiz_id: int):
    quiz = get_object_or_404(Quiz.objects.filter(live=True), pk=quiz_id)
    status = selectors.quiz_status(user=request.user, quiz=quiz)
    context = {"status": status, "length": selectors.quiz_length(quiz), "back": _back_link(request)}
    return render(request, "assessments/quiz_detail.html", context)


@login_required
@require_POST
def start(request, quiz_id: int):
    quiz = get_object_or_404(Quiz.objects.filter(live=True), pk=quiz_id)
    try:
        attempt = services.attempt_start(user=request.user, quiz=quiz).attempt
    except services.AttemptRefused as refused:
        refusal_message(request, refused)
        return redirect("quiz-detail", quiz_id=quiz.pk)
    answered = set(attempt.responses.values_list("question_key", flat=True))
    first_open = next((i for i, key in enumerate(attempt.question_keys, 1) if key not in answered), 1)
    return redirect("attempt-question", attempt_id=attempt.pk, number=first_open)


def _answer_from_post(question: dict, post) -> object:
    """The answer a question form carries, in the shape the service takes (see ``rules.clean_answer``)."""
    kind = question["kind"]
    if kind == MULTIPLE:
        return post.getlist("answer")
    if kind == BRANCHING:
        return post.get("choice", "")
    if kind == ORDER:
        positions = {}
        for item in question["items"]:
            try:
                positions[item["key"]] = int(post.get(f"position-{item['key']}", ""))
            except ValueError:
                raise services.InvalidAnswer("Give every item a place in the order.") from None
        if sorted(positions.values()) != list(range(1, len(positions) + 1)):
            raise services.InvalidAnswer(f"Give every item its own place, from 1 to {len(positions)}.")
        return sorted(positions, key=positions.get)
    return post.get("answer", "")


def _keep_posted_order(shown, post) -> None:
    """Show the places a learner gave when their order is refused, so they fix it rather than start again."""
    if shown.kind != ORDER:
        return
    for option in shown.options:
        place = post.get(f"position-{option['key']}", "")
        option["position"] = int(place) if place.isdigit() else None


@login_required
@require_http_methods(["GET", "POST"])
def question(request, attempt_id: int, number: int):
    attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
    if attempt.is_submitted:
        return redirect("attempt-result", attempt_id=attempt.pk)
    if not 1 <= number <= len(attempt.question_keys):
        return redirect("attempt-review", attempt_id=attempt.pk)
    key = attempt.question_keys[number - 1]
    question_asked = selectors.question_data(attempt, key)
    kind = question_asked["kind"]
    error = None
    if request.method == "POST":
        try:
            answer = _answer_from_post(question_asked, request.POST)
            services.attempt_answer(attempt=attempt, question_key=key, answer=answer)
        except services.AnswerLocked as locked:
            refusal_message(request, locked)
            return redirect("attempt-question", attempt_id=attempt.pk, number=number)
        except services.AttemptRefused as refused:
            refusal_message(request, refused)
            return redirect("attempt-review", attempt_id=attempt.pk)
        except services.InvalidAnswer as invalid:
            error = invalid.message
        else:
            stays = kind == BRANCHING or (attempt.snapshot["feedback_timing"] == "immediate" and kind != REFLECTION)
            if stays:
                # "checked" tells the page to take the learner to the feedback just shown (focus and announce).
                target = reverse("attempt-question", args=[attempt.pk, number])
                return redirect(f"{target}?checked=1")
            if number < len(attempt.question_keys):
                return redirect("attempt-question", attempt_id=attempt.pk, number=number + 1)
            return redirect("attempt-review", attempt_id=attempt.pk)
    # Read after any save, so the page shows what is stored; a saved answer redirects without reading it.
    response = Response.objects.filter(attempt=attempt, question_key=key).first()
    shown = selectors.learner_question(
        attempt=attempt, number=number, answer=response.answer if response else None, answered=response is not None
    )
    if error:
        _keep_posted_order(shown, request.POST)
    # Saving as you go fits only when saving reveals nothing: graded quizzes, and reflections.
    autosave = kind != BRANCHING and (attempt.snapshot["feedback_timing"] != "immediate" or kind == REFLECTION)
    context = {
        "attempt": attempt,
        "question": shown,
        "error": error,
        "autosave": autosave,
        "just_checked": request.method == "GET" and request.GET.get("checked") == "1",
    }
    return render(request, "assessments/question.html", context, status=400 if error else 200)


@login_required
@require_GET
def review(request, attempt_id: int):
    attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
    if attempt.is_submitted:
        return redirect("attempt-result", attempt_id=attempt.pk)
    questions = selectors.attempt_questions(attempt)
    return render(request, "assessments/review.html", {"attempt": attempt, "questions": questions})


@login_required
@require_POST
def submit(request, attempt_id: int):
    attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
    services.attempt_submit(attempt=attempt)
    return redirect("attempt-result", attempt_id=attempt.pk)


@login_required
@require_GET
def result(request, attempt_id: int):
    attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
    if not attempt.is_submitted:
        return redirect("attempt-review", attempt_id=attempt.pk)
    questions = selectors.attempt_questions(attempt)
    context = {
        "attempt": attempt,
        "questions": questions,
        "competencies": selectors.result_competencies(attempt),
        "status": selectors.quiz_status(user=request.user, quiz=attempt.quiz),
        "next_steps": quiz_result_next_steps(request, attempt),
        "quiz_url": reverse("quiz-detail", args=[attempt.quiz_id]),
    }
    return render(request, "assessments/result.html", context)
