"""Values as plain rows: one per delivery, unit, code, sex and year, twelve month columns.

Every figure of the series (`ValueSeries`, a JSON array per run of months) moves into its
year's row, and the `indicators_value` view over the series goes. Backwards, the rows become
series again (one per run of consecutive months) and the view comes back. Both ways carry
every figure exactly (tests/test_value_storage.py)."""

import importlib
import json
from datetime import date
from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

MONTHS = tuple(f"m{month:02d}" for month in range(1, 13))
KEY = ("delivery_id", "unit_id", "indicator_id", "sex")
BATCH = 2000

series_migration = importlib.import_module("indicators.migrations.0005_value_series")
rows_inline = importlib.import_module("indicators.migrations.0006_series_rows_inline")


def _month_number(day):
    return day.year * 12 + day.month - 1


def series_to_year_rows(apps, schema_editor):
    series = apps.get_model("indicators", "ValueSeries").objects.order_by("pk")
    rows = {}  # (delivery, unit, indicator, sex, year) → {month field: Decimal}
    for *key, first_month, figures in series.values_list(*KEY, "first_month", "figures"):
        start = _month_number(first_month)
        for number, figure in enumerate(json.loads(figures, parse_float=Decimal), start=start):
            year, month = divmod(number, 12)
            rows.setdefault((*key, year), {})[MONTHS[month]] = Decimal(figure)
    values = apps.get_model("indicators", "Values")
    values.objects.bulk_create(
        (
            values(**dict(zip((*KEY, "year"), key, strict=True)), **figures)
            for key, figures in rows.items()
        ),
        batch_size=BATCH,
    )


def year_rows_to_series(apps, schema_editor):
    rows = apps.get_model("indicators", "Values").objects.order_by(*KEY, "year")
    runs = []  # [key, first month number, last month number, [figures]]
    for row in rows.values_list(*KEY, "year", *MONTHS).iterator(BATCH):
        key, year, figures = list(row[:4]), row[4], row[5:]
        for month, figure in enumerate(figures):
            if figure is None:
                continue
            number = year * 12 + month
            if runs and runs[-1][0] == key and runs[-1][2] == number - 1:
                runs[-1][2] = number
                runs[-1][3].append(figure)
            else:
                runs.append([key, number, number, [figure]])
    series = apps.get_model("indicators", "ValueSeries")
    series.objects.bulk_create(
        (
            series(
                **dict(zip(KEY, key, strict=True)),
                first_month=date(first // 12, first % 12 + 1, 1),
                last_month=date(last // 12, last % 12 + 1, 1),
                figures="[" + ",".join(format(f.normalize(), "f") for f in figures) + "]",
            )
            for key, first, last, figures in runs
        ),
        batch_size=BATCH,
    )


def drop_view(apps, schema_editor):
    schema_editor.execute("DROP VIEW indicators_value")


def create_view(apps, schema_editor):
    schema_editor.execute(series_migration.VIEW[schema_editor.connection.vendor])


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0007_delivery_withdrawal"),
        ("zielsteuerung", "0003_history_of_reference_data"),
    ]

    operations = [
        migrations.CreateModel(
            name="Values",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("delivery", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="values", to="indicators.datadelivery")),
                ("unit", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="values", to="zielsteuerung.organisation", verbose_name="Träger")),
                ("indicator", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="values", to="indicators.indicator")),
                ("sex", models.CharField(choices=[("g", "gesamt"), ("m", "Männer"), ("w", "Frauen")], default="g", max_length=1, verbose_name="Geschlecht")),
                ("year", models.PositiveSmallIntegerField(verbose_name="Jahr")),
                ("m01", models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True, verbose_name="Januar")),
                ("m02", models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True, verbose_name="Februar")),
                ("m03", models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True, verbose_name="März")),
                ("m04", models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True, verbose_name="April")),
                ("m05", models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True, verbose_name="Mai")),
                ("m06", models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True, verbose_name="Juni")),
                ("m07", models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True, verbose_name="Juli")),
                ("m08", models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True, verbose_name="August")),
                ("m09", models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True, verbose_name="September")),
                ("m10", models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True, verbose_name="Oktober")),
                ("m11", models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True, verbose_name="November")),
                ("m12", models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True, verbose_name="Dezember")),
            ],
            options={
                "verbose_name": "Jahreswerte",
                "verbose_name_plural": "Jahreswerte",
                "indexes": [models.Index(fields=["unit", "indicator", "year"], name="indicators__unit_id_82314a_idx")],
                "constraints": [models.UniqueConstraint(fields=("delivery", "unit", "indicator", "sex", "year"), name="one_row_per_year_and_delivery")],
            },
        ),
        migrations.RunPython(series_to_year_rows, year_rows_to_series),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Value")],
            database_operations=[migrations.RunPython(drop_view, create_view)],
        ),
        # Backwards, the series table is created again (next operation) and kept whole.
        migrations.RunPython(migrations.RunPython.noop, rows_inline.keep_whole),
        migrations.DeleteModel(name="ValueSeries"),
    ]
