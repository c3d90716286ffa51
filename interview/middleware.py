from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class AppNotFoundPageMiddleware:
    """With DEBUG on, an unknown URL shows the app's own 404 page instead of Django's debug page.

    With DEBUG off, Django's handler already renders templates/404.html. A URL that resolves to a
    view which raises Http404 keeps Django's debug page in development, as it helps find the cause.
    The API keeps its own error bodies.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        unknown_url = getattr(request, "resolver_match", None) is None
        if (
            settings.DEBUG
            and response.status_code == 404
            and unknown_url
            and not request.path.startswith("/api/")
        ):
            return render(request, "404.html", status=404)
        return response
