"""The site's URLs plus one minimal Django view, for the verification load benchmark only."""

from django.http import HttpResponse
from django.urls import include, path


def minimal(request):
    return HttpResponse("ok")


urlpatterns = [
    path("bench/minimal/", minimal),
    path("", include("cms.urls")),
]
