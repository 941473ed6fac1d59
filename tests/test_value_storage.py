"""Values are stored as series and read back one figure per row, exactly as delivered; an
installation with values in the old table keeps every one of them through the migration."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from indicators import imports
from indicators.models import DataDelivery, Indicator, Value, ValueSeries
from indicators.storage import store_cells

pytestmark = pytest.mark.django_db

FILE = (
    b"traeger;kennzahl;monat;wert\n"
    b"03358;LLU;2020-01;3412345,67\n"
    b"03358;LLU;2020-02;3398000\n"
    b"03358;LLU;2020-04;0,5\n"  # March is missing: a new series starts
    b"03358;ELB;2020-02;5950\n"
    b"03361;ELB;2020-01;4100\n"
    b"03358;ELB;2020-01;5901\n"
)


def _stored(delivery):
    return sorted(
        (v.unit.key, v.indicator.code, v.month, v.sex, v.value)
        for v in Value.objects.filter(delivery=delivery).select_related("unit", "indicator")
    )


def test_an_import_reads_back_figure_by_figure(heidekreis_user, verden_user):
    check = imports.check_file(FILE, "werte.csv", ladestand=date(2020, 5, 17))
    assert check.ok, check.problems
    delivery = imports.store_delivery(check, waiting_months=0, source="land")
    assert _stored(delivery) == [
        ("03358", "ELB", date(2020, 1, 1), "g", Decimal("5901")),
        ("03358", "ELB", date(2020, 2, 1), "g", Decimal("5950")),
        ("03358", "LLU", date(2020, 1, 1), "g", Decimal("3412345.67")),
        ("03358", "LLU", date(2020, 2, 1), "g", Decimal("3398000")),
        ("03358", "LLU", date(2020, 4, 1), "g", Decimal("0.5")),
        ("03361", "ELB", date(2020, 1, 1), "g", Decimal("4100")),
    ]
    series = ValueSeries.objects.filter(delivery=delivery, unit__key="03358", indicator__code="LLU")
    assert sorted(series.values_list("first_month", "last_month")) == [
        (date(2020, 1, 1), date(2020, 2, 1)),
        (date(2020, 4, 1), date(2020, 4, 1)),
    ]
    assert ValueSeries.objects.filter(delivery=delivery).holding(date(2020, 3, 1)).count() == 0
    seen_by_verden = ValueSeries.objects.visible_to(verden_user).filter(delivery=delivery)
    assert set(seen_by_verden.values_list("unit__key", flat=True)) == {"03361"}
    assert ValueSeries.objects.visible_to(heidekreis_user).filter(delivery=delivery).count() == 3


def test_texts_that_are_not_json_numbers_are_stored_exactly(heidekreis):
    delivery = DataDelivery.objects.create(
        ladestand=date(2020, 5, 17), source="land", sha256="a" * 64
    )
    elb = Indicator.objects.get(code="ELB")
    store_cells(
        delivery,
        [
            (heidekreis, elb, date(2020, 1, 1), "g", "007"),
            (heidekreis, elb, date(2020, 2, 1), "g", "+12.50"),
            (heidekreis, elb, date(2020, 3, 1), "g", Decimal("1E+3")),
            (heidekreis, elb, date(2020, 4, 1), "g", "-0.0001"),
        ],
    )
    assert [v for *_, v in _stored(delivery)] == [
        Decimal(7),
        Decimal("12.5"),
        Decimal(1000),
        Decimal("-0.0001"),
    ]


def test_series_cannot_be_changed_or_deleted(heidekreis):
    check = imports.check_file(FILE, "werte.csv", ladestand=date(2020, 5, 17))
    delivery = imports.store_delivery(check, waiting_months=0, source="land")
    series = ValueSeries.objects.filter(delivery=delivery).first()
    series.figures = "[1]"
    with pytest.raises(ValidationError):
        series.save()
    with pytest.raises(ValidationError):
        series.delete()
    with pytest.raises(ValidationError):
        ValueSeries.objects.update(figures="[1]")
    with pytest.raises(ValidationError):
        Value(delivery=delivery, unit=heidekreis, month=date(2020, 3, 1), value=1).save()
    assert len(_stored(delivery)) == 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row storage")
def test_a_long_series_stays_whole_in_the_table_on_postgresql(heidekreis):
    """400 monthly amounts with cents (4,8 kB): not compressed, not moved to a side table."""
    delivery = DataDelivery.objects.create(
        ladestand=date(2024, 5, 17), source="land", sha256="c" * 64
    )
    llu = Indicator.objects.get(code="LLU")
    amounts = [f"{(month * 7919) % 9000000 + 1000000}.{month % 100:02d}" for month in range(400)]
    start = date(1990, 1, 1)
    months = [date(start.year + m // 12, m % 12 + 1, 1) for m in range(400)]
    store_cells(
        delivery, [(heidekreis, llu, m, "g", a) for m, a in zip(months, amounts, strict=True)]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(figures), octet_length(figures), "
            "(SELECT reltoastrelid::regclass::text FROM pg_class "
            "WHERE oid = 'indicators_valueseries'::regclass) "
            "FROM indicators_valueseries WHERE delivery_id = %s",
            [delivery.pk],
        )
        [(stored, length, side_table)] = cursor.fetchall()
        cursor.execute(f"SELECT count(*) FROM {side_table}")
        assert cursor.fetchone() == (0,)
    assert length > 4000 and stored == length + 4  # a plain 4-byte header, no compression
    assert [v for *_, v in _stored(delivery)] == [Decimal(a) for a in amounts]


@pytest.mark.django_db(transaction=True)
def test_migration_moves_every_old_value_into_series_and_back():
    executor = MigrationExecutor(connection)
    before = [("indicators", "0004_history_of_reference_data")]
    after = executor.loader.graph.leaf_nodes("indicators")
    executor.migrate(before)
    rows = [  # (unit key, code, month, sex, value)
        ("03358", "LLU", "2019-12-01", "g", "3412345.6700"),
        ("03358", "LLU", "2020-01-01", "g", "3398000.0000"),
        ("03358", "LLU", "2020-03-01", "g", "0.5000"),
        ("03358", "INT", "2020-01-01", "w", "12.0000"),
        ("03361", "ELB", "2020-01-01", "g", "4100.0000"),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO indicators_datadelivery (ladestand, waiting_months, source, file_name, "
            "sha256, row_count, is_demo, created_at) VALUES "
            "('2020-05-17', 0, 'land', 'alt.csv', %s, 5, %s, '2020-05-18 10:00:00+00')",
            ["b" * 64, False],
        )
        cursor.execute("SELECT id FROM indicators_datadelivery WHERE sha256 = %s", ["b" * 64])
        (delivery_id,) = cursor.fetchone()
        for key, code, month, sex, value in rows:
            cursor.execute(
                "INSERT INTO indicators_value (delivery_id, unit_id, indicator_id, month, sex, "
                "value) SELECT %s, o.id, i.id, %s, %s, %s FROM zielsteuerung_organisation o, "
                "indicators_indicator i WHERE o.key = %s AND i.code = %s",
                [delivery_id, month, sex, Decimal(value), key, code],
            )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    expected = sorted(
        (key, code, date.fromisoformat(month), sex, Decimal(value))
        for key, code, month, sex, value in rows
    )
    delivery = DataDelivery.objects.get(pk=delivery_id)
    assert _stored(delivery) == expected
    assert ValueSeries.objects.filter(delivery=delivery).count() == 4  # LLU has a gap

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.key, i.code, v.month, v.sex, v.value FROM indicators_value v "
            "JOIN zielsteuerung_organisation o ON o.id = v.unit_id "
            "JOIN indicators_indicator i ON i.id = v.indicator_id"
        )
        back = sorted(
            (
                key,
                code,
                month if isinstance(month, date) else date.fromisoformat(month),
                sex,
                Decimal(str(value)),
            )
            for key, code, month, sex, value in cursor.fetchall()
        )
    assert back == expected
    executor = MigrationExecutor(connection)
    executor.migrate(after)
