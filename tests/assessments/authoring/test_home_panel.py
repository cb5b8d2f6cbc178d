"""A trainer's admin home lists the quizzes that need attention, from the quiz editor's own checks."""

import pytest

from assessments.authoring.home_panel import QUIZZES_CHECKED, quizzes_needing_attention
from tests.factories import SupervisorFactory, TrainerFactory, build_quiz

from .test_admin_views import take

pytestmark = pytest.mark.django_db

QUERIES = 1 + 9 * QUIZZES_CHECKED


def reasons(title):
    return next(row.reasons for row in quizzes_needing_attention() if row.quiz.title == title)


def test_drafts_and_unpublished_changes_need_attention():
    build_quiz(title="Never published", publish_it=False)
    changed = build_quiz(title="Changed since publishing")
    changed.title = "Changed since publishing"
    changed.save_revision()
    assert "Draft: not published yet" in reasons("Never published")
    assert "Changes not published yet" in reasons("Changed since publishing")


def test_item_statistics_flags_need_attention():
    quiz = build_quiz(title="Taken often")
    for best in [True] * 6:  # everyone answers best: "very easy" flags
        take(quiz, best=best)
    assert any("flagged by item statistics" in reason for reason in reasons("Taken often"))


def test_the_panel_is_on_a_trainers_home_only(client):
    build_quiz(title="Never published", publish_it=False)
    client.force_login(TrainerFactory())
    content = client.get("/admin/").content.decode()
    assert "Quizzes that need attention" in content and "Never published" in content
    client.force_login(SupervisorFactory())
    assert "Quizzes that need attention" not in client.get("/admin/").content.decode()


def test_the_admin_home_is_titled_with_the_products_name(client, home):
    client.force_login(TrainerFactory())
    content = client.get("/admin/").content.decode()
    assert '<h1 class="w-h1 w-mt-0">\n                    Peer Support Training\n' in content or (
        ">Peer Support Training<" in content.replace("\n", "").replace("  ", "")
    )
    assert "localhost" not in content.split("<h1", 1)[1].split("</h1>", 1)[0]


def test_the_panel_checks_a_fixed_number_of_quizzes(django_assert_num_queries):
    """Reading a quiz's questions costs a few queries (its competencies), so only the latest few are checked:
    the home page costs the same with 6 quizzes or 60."""
    for n in range(QUIZZES_CHECKED):
        build_quiz(title=f"Draft {n}", publish_it=False)
    with django_assert_num_queries(QUERIES):
        assert len(quizzes_needing_attention()) == QUIZZES_CHECKED
    for n in range(4):
        build_quiz(title=f"More {n}", publish_it=False)
    with django_assert_num_queries(QUERIES):
        assert len(quizzes_needing_attention()) == QUIZZES_CHECKED
