"""Writes for the course catalogue. Deploys, the demo loader and benchmarks call these."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import GroupPagePermission, Page

from cms.people.roles import TRAINERS

from .models import CourseCatalogPage

TRAINER_PAGE_PERMISSIONS = ("add", "change", "publish", "lock", "unlock")


@transaction.atomic
def catalog_ensure(*, home: Page, title: str = "Courses") -> CourseCatalogPage:
    """Create the course catalog under the home page if missing, and let Trainers edit beneath it.

    Idempotent: safe to call on every deploy.
    """
    catalog = CourseCatalogPage.objects.child_of(home).first()
    if catalog is None:
        catalog = home.add_child(
            instance=CourseCatalogPage(
                title=title,
                slug="courses",
                intro="<p>Short, practical courses for peer support specialists. Read them on your phone, "
                "between shifts, at your own pace.</p>",
            )
        )
        catalog.save_revision().publish()
    trainers = Group.objects.get(name=TRAINERS)
    for permission_type in TRAINER_PAGE_PERMISSIONS:
        if not GroupPagePermission.objects.filter(
            group=trainers, page=catalog, permission__codename=f"{permission_type}_page"
        ).exists():
            GroupPagePermission.objects.create(group=trainers, page=catalog, permission_type=permission_type)
    return catalog
