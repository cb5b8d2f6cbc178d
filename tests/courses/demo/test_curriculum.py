"""The demo curriculum and accounts: real content, loaded once, never in production."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page

from cms.models import Team
from cms.people.demo import DEMO_TEAM
from courses.demo.curriculum import load_curriculum, text_to_html
from courses.models import CoursePage, Enrollment, LessonCompletion, LessonPage, ModulePage

User = get_user_model()
FORBIDDEN = re.compile(
    r"\b(addict\w*|abuser?s?|dirty|clean (test|urine|screen)|substitution|replacement therapy)\b", re.I
)
REQUIRED_MODULES = ["qualities", "boundaries", "perinatal"]


def snapshot():
    return (
        Page.objects.count(),
        User.objects.count(),
        Team.objects.count(),
        Enrollment.objects.count(),
        LessonCompletion.objects.count(),
        sorted(Page.objects.exclude(latest_revision=None).values_list("latest_revision_id", flat=True)),
    )


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = snapshot()
    output = capsys.readouterr().out
    assert "learner@example.org" in output and "demo-pass-2026" in output
    call_command("load_demo")
    assert snapshot() == first
    assert CoursePage.objects.count() == 1


@pytest.mark.django_db
def test_demo_accounts_and_team(client):
    call_command("load_demo")
    for email in ["learner@example.org", "trainer@example.org", "supervisor@example.org", "admin@example.org"]:
        assert client.login(username=email, password="demo-pass-2026"), email
    team = Team.objects.get(name=DEMO_TEAM)
    assert [u.email for u in team.supervisors.all()] == ["supervisor@example.org"]
    assert team.members.filter(email="learner@example.org").exists()
    assert team.members.count() >= 4
    assert User.objects.get(email="admin@example.org").is_superuser


@pytest.mark.django_db
def test_demo_password_comes_from_the_environment(client, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-secret")
    call_command("load_demo")
    assert client.login(username="learner@example.org", password="another-demo-secret")


@pytest.mark.django_db
def test_load_demo_is_refused_under_production_settings(settings):
    settings.DEMO_CONTENT_ALLOWED = False
    with pytest.raises(CommandError, match="refused under production settings"):
        call_command("load_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_course_has_the_required_modules_of_real_lessons(client):
    call_command("load_demo")
    course = CoursePage.objects.get()
    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    titles = [module.title.lower() for module in modules]
    # The required modules come in this order; other modules may sit between them.
    places = [next(i for i, title in enumerate(titles) if keyword in title) for keyword in REQUIRED_MODULES]
    assert places == sorted(places)
    for module in (modules[place] for place in places):
        lessons = LessonPage.objects.child_of(module).live()
        assert lessons.count() >= 3
        for lesson in lessons:
            kinds = [child.block_type for child in lesson.body]
            assert kinds.count("vignette") >= 1 and kinds.count("reflection") >= 1, lesson.title
            assert lesson.competencies.exists(), lesson.title
            assert len(lesson.learning_objectives) >= 2, lesson.title


def test_curriculum_text_is_substantial_and_uses_person_first_language():
    data = load_curriculum()
    for module in data["modules"]:
        for lesson in module["lessons"]:
            teaching = " ".join(
                block.get("value") or block.get("text", "")
                for block in lesson["body"]
                if block["type"] in {"text", "callout"}
            )
            assert len(teaching.split()) >= 400, lesson["title"]
            # Sources keep their real titles and publishers (the journal Addictive Behaviors, "Child
            # Abuse" in a statute's name); every other field of the lesson speaks person-first.
            everything = str({key: value for key, value in lesson.items() if key != "references"})
            assert not FORBIDDEN.search(everything), (lesson["title"], FORBIDDEN.search(everything).group(0))


def test_text_to_html_escapes_and_builds_paragraphs_and_lists():
    html = text_to_html("First <b>line</b>\nstill first.\n\nIntro:\n- one & two\n- three")
    assert html == (
        "<p>First &lt;b&gt;line&lt;/b&gt; still first.</p><p>Intro:</p><ul><li>one &amp; two</li><li>three</li></ul>"
    )


@pytest.mark.django_db
def test_each_demo_module_ends_with_a_scenario_quiz_using_every_kind():
    from assessments.models import Quiz

    call_command("load_demo")
    course = CoursePage.objects.get()
    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    assert all(module.quiz is not None and module.quiz.live for module in modules)
    for quiz in Quiz.objects.filter(modules__in=modules):
        kinds = [child.block_type for child in quiz.questions]
        assert len(kinds) >= 6, quiz.title
        if quiz.draw_per_competency:
            # The graded final draws scored items from competency pools: every kind but reflections.
            assert {"single", "multiple", "order", "branching"} <= set(kinds) and "reflection" not in kinds, quiz.title
        else:
            assert {"single", "multiple", "order", "branching", "reflection"} <= set(kinds), quiz.title
        assert all(child.value["competencies"] for child in quiz.questions), quiz.title
        assert not FORBIDDEN.search(str(quiz.questions.raw_data)), quiz.title
