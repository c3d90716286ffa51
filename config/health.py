"""Health endpoints and the answer when the database cannot be reached.

``/healthz`` says the process is up (it touches nothing); ``/readyz`` says it can serve: the database
answers, and so does the cache when it is not the database itself. Both are answered before any other
middleware, so they need no allowed host, HTTPS redirect or session (a container probe calls them
on 127.0.0.1 over plain HTTP).
"""

import sys
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string

# Seconds a client should wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 30
DATABASE_DOWN = (OperationalError, InterfaceError)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON under /api/, the app's own page elsewhere (rendered without the database)."""
    message = "The service is briefly unavailable. Please try again in a moment."
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def unavailable_or(handler: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A 500 handler: a database that cannot be reached is a 503 the client may retry, not a bug;
    anything else goes to ``handler``."""

    def server_error_handler(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if isinstance(sys.exc_info()[1], DATABASE_DOWN):
            return database_unavailable(request)
        try:
            return handler(request, *args, **kwargs)
        except Exception:  # the 500 page itself must never fail
            return HttpResponseServerError("Server error", content_type="text/plain")

    return server_error_handler


def _database_ready() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except DatabaseError as error:
        return f"unavailable: {type(error).__name__}"


def _cache_ready() -> str | None:
    """None when the cache lives in the database (already checked) or in the process."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("db.DatabaseCache", "locmem.LocMemCache", "dummy.DummyCache")):
        return None
    try:
        cache = caches["default"]
        cache.set("readyz", "ok", timeout=5)
        return "ok" if cache.get("readyz") == "ok" else "unavailable: the value did not come back"
    except Exception as error:  # any client library's connection error
        return f"unavailable: {type(error).__name__}"


def readiness() -> tuple[bool, dict[str, str]]:
    checks = {"database": _database_ready()}
    cache = _cache_ready()
    if cache is not None:
        checks["cache"] = cache
    return all(value == "ok" for value in checks.values()), checks


class HealthMiddleware:
    """Answers /healthz and /readyz first; the rest of the stack never runs for them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})
        if request.path == "/readyz":
            ready, checks = readiness()
            response = JsonResponse(
                {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
            )
            response["Cache-Control"] = "no-store"
            if not ready:
                response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return self.get_response(request)
