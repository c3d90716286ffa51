"""Fast inserts of many unsaved rows, for the demo data and the rebuilt rollups."""

from collections.abc import Iterable, Iterator

from django.db import connection, models


def bulk_insert(model: type[models.Model], objects: list[models.Model]) -> int:
    """Insert unsaved rows fast: COPY on PostgreSQL, batched INSERTs elsewhere."""
    if not objects:
        return 0
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=2000)
        return len(objects)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in _rows(objects, fields):
            copy.write_row(row)
    return len(objects)


def _rows(objects: Iterable[models.Model], fields: list[models.Field]) -> Iterator[list]:
    for obj in objects:
        yield [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
