"""Migration operations for tables written on every practice step (showings, attempts).

On PostgreSQL a plain CREATE INDEX or DROP INDEX locks the table's writes out until it ends, and building an
index over a busy table's rows takes a while: every learner's next question would wait for the deploy. These
operations build and drop indexes CONCURRENTLY there, which waits for running transactions instead (the
migration must say ``atomic = False``: PostgreSQL refuses CONCURRENTLY inside a transaction). Elsewhere
(SQLite, the embedded default) they are the plain operations they extend.
"""

from django.contrib.postgres.operations import AddIndexConcurrently, NotInTransactionMixin
from django.db import migrations
from django.db.models import Index


def _on_postgresql(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


class AddIndexWithoutLockingWrites(AddIndexConcurrently):
    """AddIndex, built with CREATE INDEX CONCURRENTLY on PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _on_postgresql(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _on_postgresql(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class DropForeignKeyIndexWithoutLockingWrites(NotInTransactionMixin, migrations.AlterField):
    """AlterField to ``db_index=False`` on a foreign key: its own index goes with DROP INDEX CONCURRENTLY on
    PostgreSQL, where that index is all the change alters. Run it after the index that replaces it is built,
    so that no read is left without one."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not _on_postgresql(schema_editor):
            return migrations.AlterField.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )
        self._ensure_not_in_transaction(schema_editor)
        model = from_state.apps.get_model(app_label, self.model_name)
        column = model._meta.get_field(self.name).column
        # The names the plain AlterField would drop: the column's own ordinary index.
        for name in schema_editor._constraint_names(
            model, [column], index=True, unique=False, type_=Index.suffix
        ):
            schema_editor.execute(schema_editor._delete_index_sql(model, name, concurrently=True))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if not _on_postgresql(schema_editor):
            # (AlterField's backwards is its forwards, with the states the other way round.)
            return migrations.AlterField.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )
        self._ensure_not_in_transaction(schema_editor)
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field], concurrently=True))
