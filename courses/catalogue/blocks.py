"""StreamField blocks for lesson bodies.

Every block renders semantic HTML with its own template and has a preview value, so
trainers see it in the block picker before they add it.
"""

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.images.models import Picture
from wagtail.images.shortcuts import get_renditions_or_not_found

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Section (H2)")), ("h3", _("Sub-section (H3)"))],
        default="h2",
        help_text=_("Use H2 for sections and H3 inside a section, so screen readers can navigate the lesson."),
    )

    class Meta:
        icon = "title"
        template = "courses/blocks/heading.html"
        description = _("A section heading")
        preview_value = {"text": "Why boundaries protect the relationship", "level": "h2"}


TIP = "tip"
CAUTION = "caution"
LIVED_EXPERIENCE = "lived_experience"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[(TIP, _("Tip")), (CAUTION, _("Caution")), (LIVED_EXPERIENCE, _("From lived experience"))],
        default=TIP,
    )
    title = blocks.CharBlock(max_length=120, required=False)
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        template = "courses/blocks/callout.html"
        description = _("A highlighted note: a tip, a caution or a voice from lived experience")
        preview_value = {
            "kind": LIVED_EXPERIENCE,
            "title": "From lived experience",
            "text": "<p>When my peer said she had been on methadone through her pregnancy too, I stopped feeling judged.</p>",
        }


# Widths offered to browsers: phones at 2x and 3x, and the lesson column (at most 42rem, 672 CSS px) at
# 1x and 2x. Wagtail never enlarges, so "width-1600" of an image 500 px wide is 500 px wide.
IMAGE_WIDTHS = (400, 800, 1200, 1600)
# WebP for every current browser, JPEG for the rest (the <img> itself).
IMAGE_FORMATS = ("webp", "jpeg")
IMAGE_SPECS = tuple(f"format-{fmt}|width-{width}" for fmt in IMAGE_FORMATS for width in IMAGE_WIDTHS)
# How wide the image is drawn: the lesson column (.lesson__body in cms/static/css/site.css is 42rem wide
# inside the page's 1rem padding), or the screen less that padding on narrower screens.
IMAGE_SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"


def image_specs(original_width: int) -> list[str]:
    """The renditions to offer of an image this wide, widest first (its width and height go on the <img>).

    Standard widths narrower than the original, then the widest spec, which Wagtail keeps at the original's
    width when that is smaller: a small image is offered once at its own size, never enlarged or repeated.
    """
    widths = [width for width in IMAGE_WIDTHS[:-1] if width < original_width] + [IMAGE_WIDTHS[-1]]
    return [f"format-{fmt}|width-{width}" for fmt in IMAGE_FORMATS for width in reversed(widths)]


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        help_text=_("Describe what the image shows for people who cannot see it. Required."),
    )
    caption = blocks.CharBlock(max_length=250, required=False)

    def bulk_to_python(self, values):
        # All the images of a lesson body come in one query (Wagtail's); their renditions follow in one
        # more, however many images the lesson shows. Renditions missing yet are made on first view.
        values = super().bulk_to_python(values)
        images = [value["image"] for value in values if value["image"] is not None]
        renditions = get_image_model().get_rendition_model().objects.filter(filter_spec__in=IMAGE_SPECS)
        prefetch_related_objects(images, Prefetch("renditions", queryset=renditions, to_attr="prefetched_renditions"))
        return values

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        image = value["image"]
        if image is not None:
            renditions = get_renditions_or_not_found(image, image_specs(image.width))
            context["picture"] = Picture(
                renditions,
                {"alt": value["alt_text"], "sizes": IMAGE_SIZES, "loading": "lazy", "decoding": "async"},
            )
        return context

    class Meta:
        icon = "image"
        template = "courses/blocks/image.html"
        description = _("An image with alternative text and an optional caption")


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    video = EmbedBlock(help_text=_("Link to the video, e.g. on YouTube or Vimeo."))
    transcript = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        help_text=_("A full transcript, for people who cannot play or hear the video. Required."),
    )

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"
        description = _("An embedded video with its transcript")


class CaseVignetteBlock(blocks.StructBlock):
    person = blocks.CharBlock(
        max_length=60,
        help_text=_("An invented first name. Never use real client details."),
    )
    setting = blocks.CharBlock(
        max_length=160, help_text=_("Where and when, e.g. Outpatient clinic, 32 weeks pregnant.")
    )
    content_note = blocks.CharBlock(
        max_length=200,
        required=False,
        help_text=_("Shown before the story when it describes overdose, child removal or violence."),
    )
    situation = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    debrief = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        required=False,
        help_text=_(
            "A model debrief: what a skilled peer would notice and do, and why. Learners open it after the "
            "story; it opens by itself once they have saved a reflection on the lesson."
        ),
    )

    class Meta:
        icon = "user"
        template = "courses/blocks/vignette.html"
        description = _("A short case story about an invented person")
        preview_value = {
            "person": "Keisha",
            "setting": "Outpatient clinic, 32 weeks pregnant",
            "content_note": "",
            "situation": "<p>Keisha asks whether you will still answer her texts after the baby is born.</p>",
            "debrief": "<p>Keisha is asking whether the relationship will last. Say what you can promise.</p>",
        }


class ReflectionPromptBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(max_length=300)
    guidance = blocks.CharBlock(max_length=300, required=False)

    class Meta:
        icon = "edit"
        template = "courses/blocks/reflection.html"
        description = _("A question the learner answers in writing; the answer is private to them")
        preview_value = {
            "prompt": "Think of a time someone kept a promise to you when it mattered. What did it change?",
            "guidance": "Write a few sentences. Only you can see your answer.",
        }


class KeyTakeawaysBlock(blocks.StructBlock):
    items = blocks.ListBlock(blocks.CharBlock(max_length=250), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "courses/blocks/takeaways.html"
        description = _("A short list of what to remember")
        preview_value = {
            "items": ["Boundaries keep the relationship safe.", "Refer medical questions to the care team."]
        }


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    title = blocks.CharBlock(max_length=120, required=False, help_text=_("Defaults to the document's title."))
    description = blocks.CharBlock(max_length=250, required=False)

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/download.html"
        description = _("A document learners can download, e.g. a handout or worksheet")


class LessonBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        template="courses/blocks/text.html",
        description=_("Paragraphs of teaching text"),
        preview_value="<p>A peer relationship rests on mutuality: you walk beside the person, not ahead of them.</p>",
    )
    heading = HeadingBlock()
    callout = CalloutBlock()
    image = ImageBlock()
    video = VideoBlock()
    vignette = CaseVignetteBlock()
    reflection = ReflectionPromptBlock()
    takeaways = KeyTakeawaysBlock()
    download = DownloadBlock()


class ReferenceBlock(blocks.StructBlock):
    """A source a lesson's clinical or legal statements rest on, listed at the foot of the lesson."""

    title = blocks.CharBlock(max_length=300)
    publisher = blocks.CharBlock(max_length=160, help_text=_("Who published it, e.g. SAMHSA or ACOG."))
    year = blocks.IntegerBlock(min_value=1900, max_value=2100)
    url = blocks.URLBlock(required=False, label=_("URL"), help_text=_("Optional. Shown as text and as a link."))

    class Meta:
        icon = "link"
        template = "courses/blocks/reference.html"
        description = _("A source: title, publisher, year and, if there is one, its address")
        preview_value = {
            "title": "Clinical Guidance for Treating Pregnant and Parenting Women With Opioid Use Disorder and Their Infants",
            "publisher": "SAMHSA",
            "year": 2018,
            "url": "https://www.samhsa.gov/",
        }


class LessonReferencesBlock(blocks.StreamBlock):
    reference = ReferenceBlock()
