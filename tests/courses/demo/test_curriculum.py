"""The demo curriculum and accounts: real content, loaded once, never in production."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page

from cms.models import Team
from cms.people.demo import DEMO_TEAM
from courses.demo.curriculum import course_create_from_curriculum, load_curriculum, text_to_html
from courses.models import CoursePage, Enrollment, LessonCompletion, LessonPage, ModulePage

from .content_quality import banned_terms

User = get_user_model()
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


def test_curriculum_text_is_substantial():
    """Person-first language is checked in test_content_quality, with the one list of banned terms."""
    data = load_curriculum()
    for module in data["modules"]:
        for lesson in module["lessons"]:
            teaching = " ".join(
                block.get("value") or block.get("text", "")
                for block in lesson["body"]
                if block["type"] in {"text", "callout"}
            )
            assert len(teaching.split()) >= 400, lesson["title"]


def test_text_to_html_escapes_and_builds_paragraphs_and_lists():
    html = text_to_html("First <b>line</b>\nstill first.\n\nIntro:\n- one & two\n- three")
    assert html == (
        "<p>First &lt;b&gt;line&lt;/b&gt; still first.</p><p>Intro:</p><ul><li>one &amp; two</li><li>three</li></ul>"
    )


@pytest.mark.django_db
def test_each_demo_module_ends_with_a_practice_quiz_and_the_last_with_the_graded_final():
    from assessments.models import Quiz

    call_command("load_demo")
    course = CoursePage.objects.get()
    modules = list(ModulePage.objects.child_of(course).order_by("path"))
    assert len(modules) == 12 and modules[-1].slug == "final-assessment"
    assert all(module.quiz is not None and module.quiz.live for module in modules)
    for quiz in Quiz.objects.filter(modules__in=modules[:-1]):
        # Practice: feedback as you go, unlimited tries, no mastery bar; the final decides the certificate.
        assert (quiz.feedback_timing, quiz.max_attempts, quiz.cooldown_minutes) == ("immediate", None, 0), quiz.title
        assert not quiz.mastery_thresholds.exists(), quiz.title
        kinds = [child.block_type for child in quiz.questions]
        assert len(kinds) >= 6, quiz.title
        assert {"single", "multiple", "reflection"} <= set(kinds) and {"order", "branching"} & set(kinds), quiz.title
        assert all(child.value["competencies"] for child in quiz.questions), quiz.title
        assert banned_terms(quiz.questions.raw_data) == [], quiz.title
    final = modules[-1].quiz
    assert final.feedback_timing == "after_submission" and final.max_attempts == 3 and final.cooldown_minutes == 1440
    # The graded final draws scored items from competency pools: every kind but reflections.
    kinds = {child.block_type for child in final.questions}
    assert final.draw_per_competency == 4 and kinds == {"single", "multiple", "order", "branching"}


@pytest.mark.django_db
def test_the_loader_reads_references_review_dates_and_debriefs(catalog):
    vignette = {
        "type": "vignette",
        "person": "Rosa",
        "setting": "Clinic, 20 weeks pregnant",
        "situation": "Rosa asks a question.",
        "debrief": "A peer would notice <fear> first.\n\n- Ask\n- Listen",
    }
    lesson = {
        "title": "A lesson",
        "slug": "a-lesson",
        "estimated_minutes": 20,
        "review_by": datetime.date(2027, 12, 1),
        "objectives": ["Describe a thing"],
        "competencies": [],
        "body": [vignette, {"type": "takeaways", "items": ["One"]}],
        "references": [
            {"title": "Clinical Guidance", "publisher": "SAMHSA", "year": 2018, "url": "https://www.samhsa.gov/"},
            {"title": "Committee Opinion 711", "publisher": "ACOG", "year": "2017"},
        ],
    }
    module = {"title": "M", "slug": "m", "ce_category": "Ethics", "intro": "Intro.", "lessons": [lesson]}
    data = {"title": "C", "slug": "c", "summary": "S", "description": "D", "modules": [module]}
    course, created = course_create_from_curriculum(catalog=catalog, data=data)
    page = LessonPage.objects.descendant_of(course).get()
    assert created and page.review_by == datetime.date(2027, 12, 1)
    assert [ref.value["title"] for ref in page.references] == ["Clinical Guidance", "Committee Opinion 711"]
    assert page.references[0].value["url"] == "https://www.samhsa.gov/" and page.references[1].value["year"] == 2017
    assert page.references[1].value["url"] == ""
    debrief = page.body[0].value["debrief"].source
    assert debrief == "<p>A peer would notice &lt;fear&gt; first.</p><ul><li>Ask</li><li>Listen</li></ul>"


@pytest.mark.django_db
def test_a_lesson_without_references_or_review_date_still_loads(catalog):
    lesson = {"title": "L", "slug": "l", "estimated_minutes": 5, "objectives": [], "competencies": [], "body": []}
    module = {"title": "M", "slug": "m", "intro": "Intro.", "lessons": [lesson]}
    course, _ = course_create_from_curriculum(
        catalog=catalog, data={"title": "C", "slug": "c", "summary": "S", "description": "D", "modules": [module]}
    )
    page = LessonPage.objects.descendant_of(course).get()
    assert page.review_by is None and len(page.references) == 0
