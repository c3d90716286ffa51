"""Input no database can store, refused at the door with a 400 naming the field, before anything is written.

PostgreSQL text cannot hold a NUL character, and Python's JSON decoder recurses once per nesting level:
both used to surface as server errors deep inside a view.
"""

import json
import re
from collections.abc import Callable, Mapping
from itertools import accumulate
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

NUL = "\x00"
# Deep enough for any body this API documents (at most three levels), far below Python's recursion limit.
JSON_MAX_DEPTH = 32
NUL_MESSAGE = "Null characters are not allowed."

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]")


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in a JSON text (brackets inside strings do not count)."""
    brackets = _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(1 if bracket in "[{" else -1 for bracket in brackets), default=0)


def field_with_nul(data: Any, name: str = "") -> str | None:
    """The name of the first top-level field whose value (at any depth) holds a NUL character, if any."""
    if isinstance(data, str):
        return (name or "non_field_errors") if NUL in data else None
    if isinstance(data, dict):
        for key, value in data.items():
            if NUL in str(key):
                return name or str(key).replace(NUL, "")
            found = field_with_nul(value, name or str(key))
            if found:
                return found
    if isinstance(data, list):
        for value in data:
            found = field_with_nul(value, name)
            if found:
                return found
    return None


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with a nesting limit and no NUL characters in strings."""

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as error:
            raise ParseError(f"JSON parse error - {error}") from None
        if json_depth(text) > JSON_MAX_DEPTH:
            raise ParseError(f"JSON nested deeper than {JSON_MAX_DEPTH} levels.")
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None
        field = field_with_nul(data)
        if field:
            raise ValidationError({field: [NUL_MESSAGE]})
        return data


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _bad_request(request: HttpRequest, field: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({field: [NUL_MESSAGE]}, status=400)
    page = render_to_string("400.html", {"field": field, "message": NUL_MESSAGE})
    return HttpResponse(page, status=400)


class RejectNulMiddleware:
    """A NUL in the path, the query string or a form field is a 400 naming where it was."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path:
            return _bad_request(request, "path")
        # API bodies are JSON, checked by BoundedJSONParser; reading request.POST here would use up the
        # stream DRF parses (and let a form body past the API's JSON-only parsers).
        reads_form = request.method == "POST" and not request.path.startswith("/api/")
        for params in (request.GET, request.POST) if reads_form else (request.GET,):
            for key, values in params.lists():
                if NUL in key or any(NUL in value for value in values):
                    return _bad_request(request, key.replace(NUL, "") or "query")
        return self.get_response(request)
