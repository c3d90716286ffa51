"""Model rows read with written-out SQL: a model's columns, and its instance built from a row's values as the
ORM builds it (field names, JSON and SQLite dates converted). Used where building the ORM's statement cost
more than running it (services.practice_rows, selectors.practice.api_session_reopened, and the API token's
check in accounts.authentication)."""

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model

M = TypeVar("M", bound=Model)

# Per model and backend: its fields' names, and for each field the ORM converts on reading (JSON, and dates
# on SQLite), its position, its column expression and its converters.
_readers: dict[tuple[type[Model], str], tuple[list[str], list[tuple[int, Any, list[Callable]]]]] = {}


def _reader(model: type[Model]) -> tuple[list[str], list[tuple[int, Any, list[Callable]]]]:
    key = (model, connection.vendor)
    if key not in _readers:
        fields = model._meta.concrete_fields
        converted = []
        for index, field in enumerate(fields):
            column = field.cached_col
            converters = [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)]
            if converters:
                converted.append((index, column, converters))
        _readers[key] = ([field.attname for field in fields], converted)
    return _readers[key]


@functools.cache
def _columns(model: type[Model], alias: str, vendor: str) -> str:
    quote = connection.ops.quote_name
    # (Every concrete field has a column: the filter only tells the type checker so.)
    return ", ".join(
        f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields if field.column
    )


def columns(model: type[Model], alias: str) -> str:
    """The model's columns, in the order ``instance`` reads them, from the table named ``alias``."""
    return _columns(model, alias, connection.vendor)


def instance(model: type[M], values: Sequence[Any]) -> M:
    """The model instance of a row's values (in the order of ``columns``), converted as the ORM reads them."""
    names, converted = _reader(model)
    if len(values) != len(names):
        raise ValueError(f"{model.__name__} has {len(names)} columns, not {len(values)}.")
    row = list(values)
    for index, column, converters in converted:
        for convert in converters:
            row[index] = convert(row[index], column, connection)
    return model.from_db(DEFAULT_DB_ALIAS, names, row)
