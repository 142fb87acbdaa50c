"""PostgreSQL's unaccent extension, used by every search (twinning.search). Nothing on SQLite,
where a Python function does the same on each connection."""

from django.db import migrations


def create_extension(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("cities", "0004_former_participants")]

    operations = [migrations.RunPython(create_extension, migrations.RunPython.noop, elidable=False)]
