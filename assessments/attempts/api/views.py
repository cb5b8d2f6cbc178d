"""The learner's own attempts over the API. Other people's attempts are 404, as on the site."""

from dataclasses import asdict

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from ...quizzes.models import Quiz
from .. import selectors, services
from ..next_steps import quiz_result_next_steps
from .serializers import AnswerSerializer, AttemptSerializer, ProblemSerializer, ResultSerializer


def _questions(attempt):
    return [asdict(question) for question in selectors.attempt_questions(attempt)]


def _attempt_body(attempt):
    return AttemptSerializer({"attempt": attempt, "questions": _questions(attempt)}).data


def _result_body(request, attempt):
    body = {
        "attempt": attempt,
        "competencies": selectors.result_competencies(attempt),
        "attempts": selectors.quiz_status(user=attempt.user, quiz=attempt.quiz).allowance,
        "next_steps": quiz_result_next_steps(request, attempt),
        "questions": _questions(attempt),
    }
    return ResultSerializer(body).data


class AttemptStart(APIView):
    @extend_schema(
        request=None,
        responses={
            201: AttemptSerializer,
            200: OpenApiResponse(AttemptSerializer, description="The attempt already in progress."),
            409: OpenApiResponse(ProblemSerializer, description="Attempt limit reached or inside the cool-down."),
        },
        summary="Start (or resume) an attempt at a quiz",
    )
    def post(self, request, quiz_id: int):
        quiz = get_object_or_404(Quiz.objects.filter(live=True), pk=quiz_id)
        started = services.attempt_start(user=request.user, quiz=quiz)
        return Response(_attempt_body(started.attempt), status=201 if started.created else 200)


class AttemptDetail(APIView):
    @extend_schema(responses={200: AttemptSerializer}, summary="An attempt's questions and answers so far")
    def get(self, request, attempt_id: int):
        return Response(_attempt_body(selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)))


class AttemptAnswer(APIView):
    @extend_schema(
        request=AnswerSerializer,
        responses={
            200: AttemptSerializer,
            400: OpenApiResponse(description='The answer does not fit the question: {"answer": ["…"]}.'),
            404: OpenApiResponse(ProblemSerializer, description="Not your attempt, or not one of its questions."),
            409: OpenApiResponse(
                ProblemSerializer, description="Submitted, out of time, or locked once its feedback was shown."
            ),
        },
        summary="Save the answer to one question (the latest answer wins until its feedback is shown)",
    )
    def put(self, request, attempt_id: int, question_key: str):
        attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.attempt_answer(attempt=attempt, question_key=question_key, answer=serializer.validated_data["answer"])
        return Response(_attempt_body(attempt))


class AttemptSubmit(APIView):
    @extend_schema(request=None, responses={200: ResultSerializer}, summary="Submit an attempt (idempotent)")
    def post(self, request, attempt_id: int):
        attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
        return Response(_result_body(request, services.attempt_submit(attempt=attempt)))


class AttemptResult(APIView):
    @extend_schema(
        responses={200: ResultSerializer, 409: ProblemSerializer},
        summary="The result and review of a submitted attempt",
    )
    def get(self, request, attempt_id: int):
        attempt = selectors.attempt_for_user(user=request.user, attempt_id=attempt_id)
        if not attempt.is_submitted:
            raise services.AttemptRefused("Submit the attempt to see its result.")
        return Response(_result_body(request, attempt))
