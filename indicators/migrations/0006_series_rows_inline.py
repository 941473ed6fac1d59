"""Series rows kept whole on PostgreSQL.

PostgreSQL compresses a row over about 2 kB, or moves its long values to a side table. The
longest series of a national delivery (LLU and LUH: 192 amounts with cents, about 2,3 kB) are
such rows; digits hardly compress, and trying took about a tenth of storing the delivery. Up
to 8 160 bytes a series row now stays as it is, in the table's own pages (about 600 monthly
amounts; docs/benchmarks.md). SQLite keeps rows whole anyway."""

from django.db import migrations

TABLE = "indicators_valueseries"


def keep_whole(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (toast_tuple_target = 8160)")


def as_before(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    dependencies = [("indicators", "0005_value_series")]

    operations = [migrations.RunPython(keep_whole, as_before, elidable=False)]
