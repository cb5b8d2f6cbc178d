"""Trainers cannot build a broken tree: each page type goes only where it belongs."""

import pytest
from wagtail.models import Page

from cms.models import HomePage, StandardPage
from courses.models import CourseCatalogPage, CoursePage, LessonPage, ModulePage

EXPECTED_PARENTS = {
    CourseCatalogPage: {HomePage},
    CoursePage: {CourseCatalogPage},
    ModulePage: {CoursePage},
    LessonPage: {ModulePage},
}


@pytest.mark.parametrize(("child", "parents"), EXPECTED_PARENTS.items(), ids=lambda v: getattr(v, "__name__", ""))
def test_each_course_page_type_has_exactly_its_parent(child, parents):
    assert set(child.allowed_parent_page_models()) == parents


def test_lessons_have_no_children():
    assert LessonPage.allowed_subpage_models() == []


def test_course_pages_only_hold_modules_and_modules_only_hold_lessons():
    assert CoursePage.allowed_subpage_models() == [ModulePage]
    assert ModulePage.allowed_subpage_models() == [LessonPage]
    assert CourseCatalogPage.allowed_subpage_models() == [CoursePage]


def test_lesson_cannot_be_created_directly_under_a_course(course):
    assert not LessonPage.can_create_at(course)
    module = ModulePage.objects.child_of(course).first()
    assert LessonPage.can_create_at(module)


def test_only_one_catalog_per_site(catalog, home):
    assert not CourseCatalogPage.can_create_at(home)


def test_standard_pages_cannot_hold_courses(home):
    standard = home.add_child(instance=StandardPage(title="About", slug="about", body="<p>About us</p>"))
    assert not CoursePage.can_create_at(standard)
    assert not CourseCatalogPage.can_create_at(standard)


def test_home_page_sits_at_the_site_root(home):
    assert home.get_parent().specific_class is Page
    assert home.get_site().root_page.pk == home.pk
