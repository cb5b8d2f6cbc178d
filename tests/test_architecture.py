"""The shape of the code: the package map in docs/architecture.md matches the tree, modules stay small
and the tests mirror the packages they test."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("cms", "assessments", "courses", "certificates")
# Folders Django or Wagtail name for us: not concepts of their own.
FRAMEWORK_FOLDERS = {
    "migrations",
    "management",
    "commands",
    "templatetags",
    "templates",
    "static",
    "settings",
    "formats",
}
MAX_MODULE_LINES = 400


def concept_packages() -> set[str]:
    """Every package inside an app (``certificates/tracking/``), the framework's folders aside."""
    found = set()
    for app in APPS:
        for init in (ROOT / app).rglob("__init__.py"):
            folder = init.parent
            relative = folder.relative_to(ROOT)
            if folder == ROOT / app or FRAMEWORK_FOLDERS & set(relative.parts):
                continue
            found.add(f"{relative.as_posix()}/")
    return found


def mapped_packages() -> set[str]:
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text.split("## Package map", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\s*[-|]\s*`([a-z_]+/[a-z_/]+/)`", section, flags=re.MULTILINE))


def test_the_package_map_names_every_package_and_only_real_ones():
    assert mapped_packages() == concept_packages()


def source_modules():
    for folder in (*APPS, "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_no_module_grows_past_about_four_hundred_lines():
    too_long = {
        path.relative_to(ROOT).as_posix(): lines
        for path in source_modules()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}, "split these by concept"


def test_every_test_folder_mirrors_a_package():
    for app in APPS:
        for folder in (ROOT / "tests" / app).rglob("*"):
            if folder.is_dir() and folder.name != "__pycache__":
                assert (ROOT / app / folder.relative_to(ROOT / "tests" / app)).is_dir(), folder
