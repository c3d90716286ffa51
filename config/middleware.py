"""Cross-cutting request handling: private pages stay out of caches; one log line per request."""

import gzip
import logging
import re
import secrets
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.functional import LazyObject, empty


class NoStoreForSignedInMiddleware:
    """A response to a signed-in user (session or API token) may hold personal data: no cache keeps it.

    A view that chose its own Cache-Control keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


REQUEST_ID_HEADER = "X-Request-ID"
# A request id from the proxy is kept when it looks like one; anything else gets a fresh id.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
request_log = logging.getLogger("interview.requests")


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id, if the request already loaded its user (logging never queries for it)."""
    user = request.__dict__.get("user")
    if isinstance(user, LazyObject) and user._wrapped is empty:
        return None
    return user.pk if user is not None and user.is_authenticated else None


class RequestLogMiddleware:
    """One JSON line per request: request id, method, path (no query string), status, duration, user id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        request.META["REQUEST_ID"] = request_id  # for views and error reports that want to quote it
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        request_log.info(
            "request",
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": _user_id(request),
            },
        )
        return response


# nginx's default level rather than Django's 6: the 75 KB dashboard compresses in 0.16 ms instead of 0.9 ms,
# to 12 KB instead of 10 KB (docs/performance.md).
PAGE_GZIP_LEVEL = 1


def gzip_with_random_name(content: bytes, max_random_bytes: int) -> bytes:
    """``django.utils.text.compress_string`` at PAGE_GZIP_LEVEL: the header still carries a file name of
    random length (1 to max_random_bytes), so that a response's size never tells a secret ("Heal The Breach")."""
    compressed = gzip.compress(content, compresslevel=PAGE_GZIP_LEVEL, mtime=0)
    header = bytearray(compressed[:10])
    header[3] = gzip.FNAME
    name = secrets.token_hex(max_random_bytes)[: secrets.randbelow(max_random_bytes) + 1].encode()
    return bytes(header) + name + b"\x00" + compressed[10:]


class PageGZipMiddleware(GZipMiddleware):
    """Gzip for pages (the dashboard's SVG charts compress well), not for the API: JSON clients and
    schema checkers should not have to decode bodies. Safe from BREACH for the CSRF token, which Django
    masks anew on every response.

    GZipMiddleware's rules (Vary, only when shorter, weak ETags) at PAGE_GZIP_LEVEL; streamed responses
    keep Django's own."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if request.path.startswith("/api/"):
            return response
        if response.streaming:
            return super().process_response(request, response)
        if len(response.content) < 200 or response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        compressed = gzip_with_random_name(response.content, self.max_random_bytes)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response
