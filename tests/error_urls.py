"""A URLconf with a view that fails, to render the app's 500 page."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


urlpatterns = [path("broken/", broken), path("", include("config.urls"))]
