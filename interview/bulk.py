"""Fast inserts of many unsaved rows, for the demo data and the rebuilt rollups."""

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.db import connection, models
from django.db.models.base import ModelState


def unsaved(model: type[models.Model], **values: object) -> models.Model:
    """An unsaved row for bulk_insert, built without Model.__init__'s per-field work (a third of the time of
    seeding a million attempts): the other fields take their defaults, copied so no two rows share one."""
    defaults = _defaults.get(model)
    if defaults is None:
        defaults = _defaults[model] = {
            field.attname: field.get_default() for field in model._meta.concrete_fields
        }
    instance = model.__new__(model)
    instance.__dict__.update(defaults)
    for name, value in defaults.items():
        if isinstance(value, list | dict):  # a mutable default (JSON): each row its own
            instance.__dict__[name] = value.copy()
    instance.__dict__.update(values)
    instance._state = ModelState()
    return instance


_defaults: dict[type[models.Model], dict[str, object]] = {}


def bulk_insert(model: type[models.Model], objects: list[models.Model]) -> int:
    """Insert unsaved rows fast: COPY on PostgreSQL, batched INSERTs elsewhere."""
    if not objects:
        return 0
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=2000)
        return len(objects)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    table = connection.ops.quote_name(str(model._meta.db_table))
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as writer:
        for row in _rows(objects, fields):
            writer.write_row(row)
    return len(objects)


# Values COPY takes as they are; anything else (JSON, enums, ...) goes through the field's own conversion.
PLAIN_TYPES = frozenset({int, float, str, bool, type(None), datetime, date})


def _rows(objects: Iterable[models.Model], fields: list[models.Field]) -> Iterator[list]:
    for obj in objects:
        row = []
        for field in fields:
            value = getattr(obj, field.attname)
            if type(value) in PLAIN_TYPES:
                row.append(value)
            elif isinstance(field, models.JSONField) and type(value) in (list, dict) and not value:
                row.append("[]" if type(value) is list else "{}")  # COPY's text form of an empty JSON value
            else:
                row.append(field.get_db_prep_save(value, connection))
        yield row
