from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:
    # The database cache (rate limits) needs its table wherever the app is migrated: dev, tests, production.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_preferences")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
