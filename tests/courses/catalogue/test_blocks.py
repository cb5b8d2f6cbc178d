"""Every lesson block renders the content a learner needs, and refuses content that would exclude someone."""

import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.models import Document
from wagtail.images.models import Image, Rendition
from wagtail.images.tests.utils import get_test_image_file, get_test_image_file_jpeg

from courses.catalogue import blocks
from courses.catalogue.blocks import IMAGE_SIZES, LessonBodyBlock
from courses.progress.services import enrollment_create
from tests.factories import block, course_lessons


def render(block, value, context=None):
    return block.render(block.to_python(value), context=context or {})


def test_text_block_renders_rich_text():
    html = render(LessonBodyBlock().child_blocks["text"], "<p>Walk <b>beside</b> people.</p>")
    assert "Walk <b>beside</b> people." in html


@pytest.mark.parametrize(("level", "tag"), [("h2", "<h2>"), ("h3", "<h3>")])
def test_heading_block_renders_the_chosen_level(level, tag):
    html = render(blocks.HeadingBlock(), {"text": "Why boundaries matter", "level": level})
    assert f"{tag}Why boundaries matter" in html


@pytest.mark.parametrize(
    ("kind", "label"), [("tip", "Tip"), ("caution", "Caution"), ("lived_experience", "From lived experience")]
)
def test_callout_block_names_its_kind(kind, label):
    html = render(blocks.CalloutBlock(), {"kind": kind, "title": "A note", "text": "<p>Say what you will do.</p>"})
    assert f"callout--{kind}" in html
    assert label in html
    assert "Say what you will do." in html


@pytest.mark.django_db
def test_image_block_uses_the_trainers_alt_text():
    image = Image.objects.create(title="Clinic", file=get_test_image_file())
    html = render(
        blocks.ImageBlock(), {"image": image.pk, "alt_text": "A peer and a mother talking", "caption": "At the clinic"}
    )
    assert 'alt="A peer and a mother talking"' in html
    assert "<figcaption>At the clinic</figcaption>" in html


def photo(width: int, height: int) -> Image:
    return Image.objects.create(title="Clinic", file=get_test_image_file_jpeg(size=(width, height)))


def srcset_widths(srcset: str) -> list[int]:
    return [int(candidate.rsplit(" ", 1)[1].rstrip("w")) for candidate in srcset.split(", ")]


def attributes(tag: str) -> dict[str, str]:
    return dict(re.findall(r'([a-z-]+)="([^"]*)"', tag))


@pytest.mark.django_db
def test_image_block_offers_phones_small_webp_and_jpeg_files_and_reserves_the_images_space():
    html = render(blocks.ImageBlock(), {"image": photo(2400, 1600).pk, "alt_text": "A peer and a mother talking"})
    source = attributes(re.search(r"<source[^>]*>", html).group(0))
    img = attributes(re.search(r"<img[^>]*>", html).group(0))
    assert source["type"] == "image/webp" and ".webp " in source["srcset"]
    assert ".jpg " in img["srcset"] and img["src"].endswith(".jpg")
    assert srcset_widths(source["srcset"]) == srcset_widths(img["srcset"]) == [1600, 1200, 800, 400]
    assert source["sizes"] == img["sizes"] == IMAGE_SIZES
    # The widest rendition's size, so the page keeps the image's space before it arrives.
    assert (img["width"], img["height"]) == ("1600", "1066")
    assert img["alt"] == "A peer and a mother talking"
    assert (img["loading"], img["decoding"]) == ("lazy", "async")


@pytest.mark.django_db
def test_a_small_image_is_offered_at_its_own_size_and_never_enlarged():
    html = render(blocks.ImageBlock(), {"image": photo(500, 300).pk, "alt_text": "A small chart"})
    img = attributes(re.search(r"<img[^>]*>", html).group(0))
    assert srcset_widths(img["srcset"]) == [500, 400]
    assert (img["width"], img["height"]) == ("500", "300")
    assert Image.objects.get().renditions.filter(width__gt=500).count() == 0


def test_the_sizes_attribute_matches_the_lesson_column_in_the_stylesheet():
    stylesheet = (Path(__file__).resolve().parents[3] / "cms" / "static" / "css" / "site.css").read_text()
    measure = re.search(r"--measure: ([\d.]+)rem;", stylesheet).group(1)
    assert ".lesson__body { max-width: var(--measure); }" in stylesheet
    assert IMAGE_SIZES == f"(min-width: {float(measure) + 2:g}rem) {measure}rem, calc(100vw - 2rem)"


@pytest.mark.django_db
def test_an_image_deleted_from_the_library_leaves_no_empty_figure():
    image = photo(800, 600)
    image.delete()
    value = blocks.ImageBlock().to_python({"image": image.pk, "alt_text": "Gone", "caption": "A caption"})
    assert blocks.ImageBlock().render(value).strip() == ""


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 6])
def test_a_lesson_body_loads_its_images_and_their_renditions_in_two_queries_however_many_it_shows(count):
    raw = [block("image", {"image": photo(1000, 750).pk, "alt_text": f"Image {n}"}) for n in range(count)]
    LessonBodyBlock().render(LessonBodyBlock().to_python(raw))  # renditions are made on first view
    Rendition.cache_backend.clear()  # as in a worker that has not shown them yet
    with CaptureQueriesContext(connection) as queries:
        html = LessonBodyBlock().render(LessonBodyBlock().to_python(raw))
    assert html.count("<picture>") == count
    assert len(queries) == 2, [query["sql"] for query in queries]


def lesson_page_queries(client, lesson, images: int) -> int:
    lesson.body = [block("image", {"image": photo(1000, 750).pk, "alt_text": f"Image {n}"}) for n in range(images)]
    lesson.save_revision().publish()
    assert client.get(lesson.url).content.count(b"<picture>") == images  # renditions are made on first view
    Rendition.cache_backend.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(lesson.url).status_code == 200
    return len(queries)


def test_a_lesson_page_runs_as_many_queries_with_six_images_as_with_one(learner_client, learner, course):
    enrollment_create(user=learner, course=course)
    lessons = course_lessons(course)  # two lessons in the middle of their modules, alike but for their images
    assert lesson_page_queries(learner_client, lessons[4], images=6) == lesson_page_queries(
        learner_client, lessons[1], images=1
    )


def test_image_block_requires_alt_text():
    block = blocks.ImageBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"image": None, "alt_text": "", "caption": ""}))
    assert "alt_text" in error.value.block_errors


@pytest.mark.django_db
def test_video_block_requires_a_transcript():
    block = blocks.VideoBlock()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(
            block.to_python({"title": "Warm hand-offs", "video": "https://video.example.org/1", "transcript": ""})
        )
    assert "transcript" in error.value.block_errors


@pytest.mark.django_db
def test_video_block_renders_embed_and_transcript():
    html = render(
        blocks.VideoBlock(),
        {"title": "Warm hand-offs", "video": "https://video.example.org/1", "transcript": "<p>Hello, I am Carla.</p>"},
    )
    assert '<iframe title="Example video"' in html
    assert "Read the transcript" in html
    assert "Hello, I am Carla." in html


def test_vignette_block_shows_person_setting_and_story():
    html = render(
        blocks.CaseVignetteBlock(),
        {
            "person": "Keisha",
            "setting": "Clinic, 32 weeks",
            "content_note": "",
            "situation": "<p>She asks for a ride.</p>",
        },
    )
    assert "Keisha" in html and "Clinic, 32 weeks" in html and "She asks for a ride." in html
    assert "<details" not in html


def test_vignette_with_content_note_hides_the_story_behind_the_note():
    html = render(
        blocks.CaseVignetteBlock(),
        {"person": "Lena", "setting": "Home", "content_note": "mentions an overdose", "situation": "<p>Story</p>"},
    )
    assert "Content note: mentions an overdose. Open to read the story." in html
    assert html.index("<details") < html.index("Story")


def test_a_content_note_written_as_a_sentence_keeps_one_full_stop():
    value = {"person": "Lena", "setting": "Home", "content_note": "This story mentions an overdose.", "situation": "x"}
    assert "Content note: This story mentions an overdose. Open to read the story." in render(
        blocks.CaseVignetteBlock(), value
    )


def test_reflection_block_without_enrollment_shows_the_prompt_but_no_form():
    html = render(blocks.ReflectionPromptBlock(), {"prompt": "What would you say?", "guidance": "Be brief."})
    assert "What would you say?" in html and "Be brief." in html
    assert "<textarea" not in html


def test_takeaways_block_lists_items():
    html = render(blocks.KeyTakeawaysBlock(), {"items": ["Keep promises.", "Refer medical questions."]})
    assert "<li>Keep promises.</li>" in html and "<li>Refer medical questions.</li>" in html


@pytest.mark.django_db
def test_download_block_links_to_the_document():
    document = Document.objects.create(title="Safety plan worksheet", file=ContentFile(b"%PDF-1.4", name="plan.pdf"))
    html = render(blocks.DownloadBlock(), {"document": document.pk, "title": "", "description": "Print and fill in."})
    assert document.url in html
    assert "Safety plan worksheet" in html and "PDF" in html and "Print and fill in." in html


def test_every_block_type_has_a_template_and_an_icon():
    for name, child in LessonBodyBlock().child_blocks.items():
        assert child.meta.template, name
        assert child.meta.icon, name
