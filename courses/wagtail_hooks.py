from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from assessments.attempts.next_steps import QUIZ_RESULT_NEXT_STEP_HOOK
from cms.privacy.personal_data import PERSONAL_DATA_HOOK
from cms.site.home_panels import HOME_PANEL_HOOK
from cms.site.navigation import NAVIGATION_HOOK, NavItem

from .catalogue import outline, review
from .catalogue.hours import course_instruction_minutes, hours_warning
from .catalogue.models import CECategory, CourseCatalogPage, CoursePage, LessonPage
from .progress import privacy, selectors, services
from .progress.completion import course_reach
from .progress.hooks import quiz_result_next_step


# Order 1: inside Wagtail's own view-restriction check, so a restricted lesson is refused first
# and only a lesson actually served is remembered. Previews in the admin do not pass through here.
@hooks.register("on_serve_page", order=1)
def lesson_gate(serve):
    """Lessons open to enrolled learners and the course's editors; opening one is remembered for "continue"."""

    def serve_lesson(page, request, serve_args, serve_kwargs):
        if isinstance(page, LessonPage):
            enrollment = selectors.lesson_enrollment(user=request.user, lesson=page)
            access = selectors.lesson_access(lesson=page, user=request.user, enrollment=enrollment)
            if access == "login":
                return redirect_to_login(request.get_full_path())
            if access == "enroll":
                messages.info(request, _("Enroll in this course to open its lessons."))
                return redirect(selectors.lesson_course(page).url)
            if enrollment is not None:
                services.lesson_visit(user=request.user, lesson=page, enrollment=enrollment)
            # Read once a request: the lesson template's outline takes it from here (course_tags.lesson_view).
            request.lesson_enrollment = enrollment
        return serve(page, request, serve_args, serve_kwargs)

    return serve_lesson


def new_lesson_notice(request, parent) -> None:
    """Before a lesson is first published, tell its editor whom it will reach in the course's learners."""
    course = CoursePage.objects.ancestor_of(parent, inclusive=True).first()
    if request.method != "GET" or course is None:
        return
    enrolled, completed = course_reach(course=course)
    if not enrolled:
        return
    working = enrolled - completed
    parts = [
        ngettext(
            "Publishing this new lesson adds it to “%(course)s”, where %(count)s learner is enrolled.",
            "Publishing this new lesson adds it to “%(course)s”, where %(count)s learners are enrolled.",
            enrolled,
        )
        % {"course": course.title, "count": enrolled},
        ngettext(
            "The %(count)s still working through the course will need it to complete the course.",
            "The %(count)s still working through the course will need it to complete the course.",
            working,
        )
        % {"count": working}
        if working
        else "",
        ngettext(
            "The %(count)s who has completed the course keeps their completion and any certificate, and will "
            "see the lesson marked New, to review if they like.",
            "The %(count)s who have completed the course keep their completion and any certificate, and will "
            "see the lesson marked New, to review if they like.",
            completed,
        )
        % {"count": completed}
        if completed
        else "",
    ]
    messages.warning(request, " ".join(part for part in parts if part))


@hooks.register("before_create_page")
def new_lesson_notice_on_create(request, parent_page, page_class):
    if page_class is LessonPage:
        new_lesson_notice(request, parent_page)


@hooks.register("before_edit_page")
def new_lesson_notice_on_edit(request, page):
    if isinstance(page.specific, LessonPage) and page.first_published_at is None:
        new_lesson_notice(request, page)


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def course_hours_check(request, page):
    """Warn the editor when a course awards more CE hours than its instruction time supports."""
    if isinstance(page, CoursePage):
        awarded = sum((row.hours for row in page.ce_hours.all()), Decimal(0))
        if warning := hours_warning(awarded, course_instruction_minutes(page)):
            messages.warning(request, warning)


@hooks.register(NAVIGATION_HOOK)
def catalog_nav_item(request):
    url = outline.catalog_url()
    return NavItem(_("Courses"), url, order=10) if url else None


@hooks.register(NAVIGATION_HOOK)
def my_learning_nav_item(request):
    if not request.user.is_authenticated:
        return None
    return NavItem(_("My learning"), reverse("my-learning"), order=20)


@hooks.register(NAVIGATION_HOOK)
def my_reflections_nav_item(request):
    if not request.user.is_authenticated:
        return None
    return NavItem(_("My reflections"), reverse("my-reflections"), order=30)


@hooks.register(HOME_PANEL_HOOK)
def learning_panel(request):
    """Signed-in people see where to continue; visitors see the courses on offer."""
    catalog = CourseCatalogPage.objects.live().first()
    if request.user.is_authenticated:
        context = {"progress": selectors.latest_course(user=request.user), "catalog": catalog}
        return render_to_string("courses/includes/continue_panel.html", context, request=request)
    if catalog is None:
        return None
    courses = selectors.catalog_courses(catalog=catalog, user=request.user)
    return render_to_string(
        "courses/includes/featured_courses.html", {"courses": courses, "catalog": catalog}, request=request
    )


@hooks.register("register_admin_urls")
def lessons_due_report_urls():
    return [path("reports/lessons-due-for-review/", review.LessonsDueReportView.as_view(), name=review.REPORT_URL_NAME)]


@hooks.register("register_reports_menu_item")
def lessons_due_menu_item():
    return review.LessonsDueReportView.menu_item(
        gettext_lazy("Lessons due for review"),
        reverse(review.REPORT_URL_NAME),
        name="lessons-due-for-review",
        icon_name="date",
        order=200,
    )


@hooks.register("construct_homepage_panels")
def lessons_due_panel(request, panels):
    """A trainer's admin home counts the lessons due for review and links to the report."""
    panel = review.trainer_home_panel(request.user)
    if panel is not None:
        panels.append(panel)


class CECategoryViewSet(SnippetViewSet):
    model = CECategory
    icon = "tag"
    menu_label = "CE hour categories"
    menu_order = 320
    add_to_admin_menu = True
    list_display = ["name", "description"]


register_snippet(CECategoryViewSet)


@hooks.register(PERSONAL_DATA_HOOK)
def personal_data():
    return privacy.section()


hooks.register(QUIZ_RESULT_NEXT_STEP_HOOK, quiz_result_next_step)
