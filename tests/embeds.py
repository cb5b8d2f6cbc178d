"""An embed finder for tests: the test machine has no network, so embeds are made up locally."""

from wagtail.embeds.finders.base import EmbedFinder


class OfflineEmbedFinder(EmbedFinder):
    def __init__(self, **options):
        pass

    def accept(self, url):
        return url.startswith("https://video.example.org/")

    def find_embed(self, url, max_width=None, max_height=None):
        return {
            "title": "Example video",
            "author_name": "Trainer",
            "provider_name": "Example",
            "type": "video",
            "thumbnail_url": None,
            "width": 640,
            "height": 360,
            "html": f'<iframe title="Example video" src="{url}" width="640" height="360"></iframe>',
        }
