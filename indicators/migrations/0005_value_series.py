"""Values are stored as series (one row per unit, code, sex and run of months in a delivery);
`indicators_value` becomes a read-only view over them with one row per monthly figure.

Existing values are moved into series before the table is replaced by the view; the reverse
migration moves them back."""

from datetime import date
from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

VIEW = {
    "postgresql": """
        CREATE VIEW indicators_value AS
        SELECT s.id * 10000 + f.position - 1 AS id,
               s.delivery_id, s.unit_id, s.indicator_id,
               (s.first_month + make_interval(months => (f.position - 1)::integer))::date
                   AS month,
               s.sex,
               f.figure::numeric(20, 4) AS value
        FROM indicators_valueseries s
        CROSS JOIN LATERAL json_array_elements_text(s.figures::json)
            WITH ORDINALITY AS f(figure, position)
    """,
    "sqlite": """
        CREATE VIEW indicators_value AS
        SELECT s.id * 10000 + f.key AS id,
               s.delivery_id, s.unit_id, s.indicator_id,
               date(s.first_month, '+' || f.key || ' months') AS month,
               s.sex,
               f.value AS value
        FROM indicators_valueseries s, json_each(s.figures) f
    """,
}

OLD_TABLE = """
    CREATE TABLE indicators_value (
        id {auto},
        delivery_id bigint NOT NULL REFERENCES indicators_datadelivery (id),
        unit_id bigint NOT NULL REFERENCES zielsteuerung_organisation (id),
        indicator_id bigint NOT NULL REFERENCES indicators_indicator (id),
        month date NOT NULL,
        sex varchar(1) NOT NULL,
        value numeric(20, 4) NOT NULL,
        CONSTRAINT one_value_per_cell_and_delivery
            UNIQUE (delivery_id, unit_id, indicator_id, month, sex)
    )
"""


def _month_number(day):
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return day.year * 12 + day.month - 1


def _month(number):
    return date(number // 12, number % 12 + 1, 1).isoformat()


def _text(value):
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return format(number.normalize(), "f")


def values_to_series(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT delivery_id, unit_id, indicator_id, sex, month, value FROM indicators_value "
            "ORDER BY delivery_id, unit_id, indicator_id, sex, month"
        )
        series, current, key, last = [], [], None, None
        for delivery, unit, indicator, sex, month, value in cursor.fetchall():
            number = _month_number(month)
            if (delivery, unit, indicator, sex) != key or number != last + 1:
                if current:
                    series.append((*key, first, last, current))
                key, first, current = (delivery, unit, indicator, sex), number, []
            current.append(_text(value))
            last = number
        if current:
            series.append((*key, first, last, current))
        cursor.executemany(
            "INSERT INTO indicators_valueseries (delivery_id, unit_id, indicator_id, sex, "
            "first_month, last_month, figures) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [
                (d, u, i, s, _month(first), _month(last), "[" + ",".join(figures) + "]")
                for d, u, i, s, first, last, figures in series
            ],
        )


def series_to_values(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO indicators_value (delivery_id, unit_id, indicator_id, month, sex, value) "
            "SELECT delivery_id, unit_id, indicator_id, month, sex, value FROM indicators_value_view"
        )


def table_to_view(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute("DROP TABLE indicators_value")
    schema_editor.execute(VIEW[vendor])


def view_to_table(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    auto = "bigserial PRIMARY KEY" if vendor == "postgresql" else "integer PRIMARY KEY AUTOINCREMENT"
    schema_editor.execute("DROP VIEW indicators_value")
    schema_editor.execute(VIEW[vendor].replace("indicators_value AS", "indicators_value_view AS"))
    schema_editor.execute(OLD_TABLE.format(auto=auto))
    series_to_values(apps, schema_editor)
    schema_editor.execute("DROP VIEW indicators_value_view")
    schema_editor.execute(
        "CREATE INDEX indicators__unit_id_d7d301_idx ON indicators_value (unit_id, indicator_id, month)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0004_history_of_reference_data"),
        ("zielsteuerung", "0003_history_of_reference_data"),
    ]

    operations = [
        migrations.CreateModel(
            name="ValueSeries",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sex", models.CharField(choices=[("g", "gesamt"), ("m", "Männer"), ("w", "Frauen")], default="g", max_length=1, verbose_name="Geschlecht")),
                ("first_month", models.DateField(verbose_name="erster Monat")),
                ("last_month", models.DateField(verbose_name="letzter Monat")),
                ("figures", models.TextField(help_text="JSON-Liste, ein Wert je Monat", verbose_name="Werte")),
                ("delivery", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="series", to="indicators.datadelivery")),
                ("indicator", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="series", to="indicators.indicator")),
                ("unit", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="value_series", to="zielsteuerung.organisation", verbose_name="Träger")),
            ],
            options={
                "verbose_name": "Wertereihe",
                "verbose_name_plural": "Wertereihen",
                "indexes": [models.Index(fields=["unit", "indicator", "first_month"], name="indicators__unit_id_f4f9aa_idx")],
                "constraints": [models.UniqueConstraint(fields=("delivery", "unit", "indicator", "sex", "first_month"), name="one_series_per_start_and_delivery")],
            },
        ),
        migrations.RunPython(values_to_series, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterModelOptions(
                    name="value",
                    options={"managed": False, "verbose_name": "Wert", "verbose_name_plural": "Werte"},
                ),
            ],
            database_operations=[migrations.RunPython(table_to_view, view_to_table)],
        ),
    ]
