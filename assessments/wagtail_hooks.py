from wagtail import hooks
from wagtail.snippets.models import register_snippet

from cms.privacy.personal_data import PERSONAL_DATA_HOOK

from .attempts import privacy
from .authoring import audit
from .authoring.home_panel import trainer_home_panel
from .authoring.viewsets import QuizViewSet
from .competencies.viewsets import CompetencyViewSet

register_snippet(CompetencyViewSet)
register_snippet(QuizViewSet)


@hooks.register("register_log_actions")
def audit_log_actions(actions):
    audit.register_audit_actions(actions)


@hooks.register(PERSONAL_DATA_HOOK)
def personal_data():
    return privacy.section()


@hooks.register("construct_homepage_panels")
def quizzes_needing_attention_panel(request, panels):
    """A trainer's admin home lists the quizzes that need attention."""
    panel = trainer_home_panel(request.user)
    if panel is not None:
        panels.append(panel)
