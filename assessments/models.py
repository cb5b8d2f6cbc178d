"""Every model of the assessments app, for Django's app registry. Each lives in its package."""

from .attempts.models import Attempt, Response
from .competencies.models import Competency
from .quizzes.models import MasteryThreshold, Quiz

__all__ = ["Attempt", "Competency", "MasteryThreshold", "Quiz", "Response"]
