"""The admin's "Background tasks" report: failed and retrying tasks, with "Retry now". Administrators only."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from cms.admin_pages import AdminPageView
from cms.ops.tasks.models import TaskFailure
from cms.ops.tasks.retry import retry_delay, task_failure_counts, task_failure_retry

TASKS_REPORT_URL_NAME = "background_tasks_report"
RESOLVED_SHOWN_DAYS = 7


def _wait(delay: timedelta) -> str:
    seconds = int(delay.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


def may_view_background_tasks(user) -> bool:
    return user.is_authenticated and user.is_superuser


class BackgroundTasksView(AdminPageView):
    """Tasks that are retrying or have given up, newest failure first, and those resolved this week."""

    allowed = staticmethod(may_view_background_tasks)
    template_name = "cms/tasks/report.html"
    page_title = _("Background tasks")
    header_icon = "warning"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        since = timezone.now() - timedelta(days=RESOLVED_SHOWN_DAYS)
        unresolved = TaskFailure.objects.unresolved().order_by("state", "-last_failed_at", "-pk")
        context.update(
            counts=task_failure_counts(since=since),
            page=Paginator(unresolved, self.paginate_by).get_page(self.request.GET.get("p")),
            resolved=TaskFailure.objects.filter(resolved_at__gte=since).order_by("-resolved_at")[:20],
            resolved_days=RESOLVED_SHOWN_DAYS,
            max_attempts=settings.TASK_RETRY_MAX_ATTEMPTS,
            delays=", ".join(_wait(retry_delay(n)) for n in range(1, settings.TASK_RETRY_MAX_ATTEMPTS)),
        )
        return context


class BackgroundTaskRetryView(BackgroundTasksView):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        failure = get_object_or_404(TaskFailure.objects.unresolved(), pk=pk)
        failure = task_failure_retry(failure=failure)
        what = failure.subject or failure.task_name
        if failure.resolved_at:
            messages.success(request, _("“%(what)s” ran again and succeeded.") % {"what": what})
        elif failure.queued_result_id and failure.next_retry_at and failure.next_retry_at <= timezone.now():
            messages.success(request, _("“%(what)s” is queued to run again now.") % {"what": what})
        else:
            messages.error(
                request, _("“%(what)s” failed again: %(error)s") % {"what": what, "error": failure.last_error}
            )
        return redirect(TASKS_REPORT_URL_NAME)


@hooks.register("register_admin_urls")
def background_task_urls():
    return [
        path("reports/background-tasks/", BackgroundTasksView.as_view(), name=TASKS_REPORT_URL_NAME),
        path(
            "reports/background-tasks/<int:pk>/retry/", BackgroundTaskRetryView.as_view(), name="background_task_retry"
        ),
    ]


@hooks.register("register_reports_menu_item")
def background_tasks_menu_item():
    return BackgroundTasksView.menu_item(
        _("Background tasks"), reverse(TASKS_REPORT_URL_NAME), name="background-tasks", icon_name="warning", order=900
    )
