"""API-wide behaviour: errors are JSON, unknown fields are refused, and the schema says so.

- A service's ValidationError is the client's mistake, so it becomes a 400.
- A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 400 with ``{"detail"}``, as is any other bad request.
- Under ``/api/``, the site's 400, 404 and 500 pages are JSON too (``json_error_or``).
- Input serializers accept only their writable fields, each with its JSON type: else a 400 naming it.
- The OpenAPI schema documents those error responses on every operation (``document_errors``).
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

API_PREFIX = "/api/"

# A name or title that is only spaces is blank once trimmed: the schema's pattern says so too.
NOT_BLANK = RegexValidator(r"\S", "Write at least one letter or digit.")


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, RequestDataTooBig):
        exc = exceptions.ParseError("The request body is too large.")
    return drf_exception_handler(exc, context)


def json_error_or(
    html_handler: Callable[..., HttpResponse], status: int, detail: str
) -> Callable[..., HttpResponse]:
    """A handler for config.urls (handler400/404/500): JSON ``{"detail"}`` under /api/, else the site's page."""

    def handler(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"detail": detail}, status=status)
        return html_handler(request, *args, **kwargs)

    return handler


def _type_error(field: serializers.Field, value: Any) -> str | None:
    """Why a JSON value does not have the type the schema gives this field (DRF would coerce "5" or 5)."""
    if value is None:
        return None  # the field itself says whether null is allowed
    if isinstance(field, serializers.ListField):
        if not isinstance(value, list):
            return "Expected a list."
        errors = (_type_error(field.child, item) for item in value)
        return next((error for error in errors if error), None)
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "Expected true or false."
    if isinstance(field, serializers.ChoiceField):
        kinds = {type(choice) for choice in field.choices}
        if kinds == {int}:
            return None if isinstance(value, int) and not isinstance(value, bool) else "Expected a number."
        return None if isinstance(value, str) else "Expected a string."
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        return None if isinstance(value, int) and not isinstance(value, bool) else "Expected a whole number."
    if isinstance(field, serializers.FloatField):
        return (
            None if isinstance(value, int | float) and not isinstance(value, bool) else "Expected a number."
        )
    if isinstance(field, serializers.CharField | serializers.DateField | serializers.DateTimeField):
        return None if isinstance(value, str) else "Expected a string."
    return None


# Mixed into every input serializer. A field it does not accept (unknown or read-only) is a 400 naming it,
# so a typo or an attempt to set a read-only value never passes silently; and a value must have the JSON
# type the schema gives it (no "5" for 5, no 0 for "0"). (A comment, not a docstring: drf-spectacular
# would show a docstring as the description of every serializer that mixes this in.)
class StrictInput:
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            fields = self.fields  # type: ignore[attr-defined]
            writable = {name: field for name, field in fields.items() if not field.read_only}
            errors = {
                name: ["This field is not accepted here."] for name in sorted(set(data) - set(writable))
            }
            for name, field in writable.items():
                error = _type_error(field, data[name]) if name in data else None
                if error:
                    errors[name] = [error]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


# The error body: {"detail": "..."} or field errors {"field": ["message", ...]}.
ERROR_SCHEMA = {
    "type": "object",
    "description": 'Either {"detail": "..."} or the invalid fields, each with its messages.',
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {},
}
ERRORS = {
    "400": "Bad input: malformed JSON, a body too large, or invalid fields (each named).",
    "401": "Not signed in, or the token is unknown, expired or revoked.",
    "403": "Signed in, but not allowed (for example, not a mentor; or a session write without CSRF).",
    "404": "No such object, or one the user may not see.",
    "405": "The method is not allowed on this path.",
    "429": "Too many requests: throttled; retry after the Retry-After header's seconds.",
}


def document_errors(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """drf-spectacular postprocessing hook: every operation documents the errors it can answer with, and
    every object schema lists all its properties (responses never carry undocumented keys, and requests
    with unknown fields are refused)."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    for schema in components.values():
        if schema.get("type") == "object" and "properties" in schema and schema is not ERROR_SCHEMA:
            schema.setdefault("additionalProperties", False)
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERRORS.items():
                operation["responses"].setdefault(code, {"description": description, "content": reference})
    _link_created_objects(result.get("paths", {}))
    return result


def _link_created_objects(paths: dict) -> None:
    """OpenAPI links from each create (POST to a collection, 201) to the operations on what it created, so
    clients and stateful tests can follow an object from its creation (the id comes from the body)."""
    for path, operations in paths.items():
        created = operations.get("post", {}).get("responses", {}).get("201")
        if created is None:
            continue
        links = {
            operation["operationId"]: {
                "operationId": operation["operationId"],
                "parameters": {"id": "$response.body#/id"},
            }
            for target, target_operations in paths.items()
            if target.startswith(f"{path}{{id}}/")
            for operation in target_operations.values()
            if isinstance(operation, dict) and "operationId" in operation
        }
        if links:
            created["links"] = links
