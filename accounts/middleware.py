import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class UserTimezoneMiddleware:
    """Show dates and times in the signed-in user's own time zone, for this request only.

    The active zone belongs to the thread, not to the request: the zone active before the request is restored
    once the response is made, so that nothing run after it in the thread (a signal, a test) inherits this
    user's zone, nor the one a token's authentication activates inside the request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        # (override(None): the default zone for this request.)
        with timezone.override(zoneinfo.ZoneInfo(user.timezone) if signed_in else None):
            return self.get_response(request)
