"""Values are stored as plain rows, one per delivery, unit, code, sex and year with twelve month
columns, and read back exactly as delivered through `Values.objects`; an installation with
values in an older shape keeps every one of them through the migrations, both ways."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ProtectedError

from indicators import demo, imports
from indicators.models import DataDelivery, Indicator, Values
from indicators.storage import store_cells
from zielsteuerung.models import Organisation

pytestmark = pytest.mark.django_db

FILE = (
    b"traeger;kennzahl;monat;wert\n"
    b"03358;LLU;2020-01;3412345,67\n"
    b"03358;LLU;2020-02;3398000\n"
    b"03358;LLU;2020-04;0,5\n"  # March is missing: its column stays empty
    b"03358;ELB;2020-02;5950\n"
    b"03361;ELB;2020-01;4100\n"
    b"03358;ELB;2020-01;5901\n"
    b"03358;ELB;2019-12;5800\n"  # the previous December: a row of 2019
)
SERIES_MIGRATION = ("indicators", "0007_delivery_withdrawal")
TABLE_MIGRATION = ("indicators", "0004_history_of_reference_data")


def _stored(delivery):
    keys = dict(Organisation.objects.values_list("pk", "key"))
    return sorted(
        (keys[c.unit_id], c.code, c.month, c.sex, c.value)
        for c in Values.objects.of_delivery(delivery).cells()
    )


@pytest.fixture
def delivery():
    check = imports.check_file(FILE, "werte.csv", ladestand=date(2020, 5, 17))
    assert check.ok, check.problems
    return imports.store_delivery(check, waiting_months=0, source="land")


def test_an_import_reads_back_figure_by_figure(delivery, heidekreis_user, verden_user):
    assert _stored(delivery) == [
        ("03358", "ELB", date(2019, 12, 1), "g", Decimal("5800")),
        ("03358", "ELB", date(2020, 1, 1), "g", Decimal("5901")),
        ("03358", "ELB", date(2020, 2, 1), "g", Decimal("5950")),
        ("03358", "LLU", date(2020, 1, 1), "g", Decimal("3412345.67")),
        ("03358", "LLU", date(2020, 2, 1), "g", Decimal("3398000")),
        ("03358", "LLU", date(2020, 4, 1), "g", Decimal("0.5")),
        ("03361", "ELB", date(2020, 1, 1), "g", Decimal("4100")),
    ]
    [llu] = Values.objects.filter(delivery=delivery, unit__key="03358", indicator__code="LLU")
    assert (llu.year, llu.m01, llu.m02, llu.m03, llu.m04, llu.m05) == (
        2020,
        Decimal("3412345.67"),
        Decimal("3398000"),
        None,
        Decimal("0.5"),
        None,
    )
    assert Values.objects.of_delivery(delivery).count() == 4  # 03358 ELB has two years
    assert Values.objects.of_delivery(delivery).figure_count() == delivery.row_count == 7
    seen_by_verden = Values.objects.visible_to(verden_user).of_delivery(delivery)
    assert {c.code for c in seen_by_verden.cells()} == {"ELB"}
    assert seen_by_verden.figure_count() == 1
    assert Values.objects.visible_to(heidekreis_user).of_delivery(delivery).figure_count() == 6


def test_months_are_asked_for_in_the_words_of_the_field(delivery, heidekreis, verden):
    values = Values.objects.of_delivery(delivery)
    assert not values.holding(date(2020, 3, 1)).exists()
    assert set(values.holding(date(2020, 4, 1)).units()) == {heidekreis.pk}
    assert set(values.holding(date(2020, 1, 1)).units()) == {heidekreis.pk, verden.pk}
    assert values.latest_month(date(2020, 12, 1)) == date(2020, 4, 1)
    assert values.latest_month(date(2020, 3, 1)) == date(2020, 2, 1)  # nothing in March
    assert values.latest_month(date(2019, 12, 1)) == date(2019, 12, 1)
    assert values.latest_month(date(2019, 11, 1)) is None
    assert values.latest_month_by_unit(date(2020, 3, 1)) == {
        heidekreis.pk: date(2020, 2, 1),
        verden.pk: date(2020, 1, 1),
    }
    assert values.for_unit(verden).span() == {"first": date(2020, 1, 1), "last": date(2020, 1, 1)}
    assert values.span() == {"first": date(2019, 12, 1), "last": date(2020, 4, 1)}
    january_to_february = values.for_unit(heidekreis).cells(date(2020, 1, 1), date(2020, 2, 1))
    assert sorted((c.code, c.month) for c in january_to_february) == [
        ("ELB", date(2020, 1, 1)),
        ("ELB", date(2020, 2, 1)),
        ("LLU", date(2020, 1, 1)),
        ("LLU", date(2020, 2, 1)),
    ]
    assert values.in_year(2019).units_and_deliveries() == {(heidekreis.pk, delivery.pk)}


def test_the_summary_of_a_delivery_counts_and_sums_per_unit_code_and_sex(delivery):
    rows = Values.objects.of_delivery(delivery).summary()
    assert [
        (r["unit__key"], r["indicator__code"], r["count"], r["first"], r["last"], r["total"])
        for r in rows
    ] == [
        ("03358", "LLU", 3, date(2020, 1, 1), date(2020, 4, 1), Decimal("6810346.17")),
        ("03358", "ELB", 3, date(2019, 12, 1), date(2020, 2, 1), Decimal("17651")),
        ("03361", "ELB", 1, date(2020, 1, 1), date(2020, 1, 1), Decimal("4100")),
    ]


def test_unusual_texts_are_stored_exactly(heidekreis):
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
            (heidekreis, elb, date(2020, 5, 1), "g", "1234567890123456.7891"),
        ],
    )
    assert [v for *_, v in _stored(delivery)] == [
        Decimal(7),
        Decimal("12.5"),
        Decimal(1000),
        Decimal("-0.0001"),
        Decimal("1234567890123456.7891")
        if connection.vendor == "postgresql"
        else Decimal("1234567890123460"),  # SQLite keeps a figure as a double: 15 digits
    ]


def test_rows_cannot_be_changed_or_deleted(delivery, heidekreis):
    row = Values.objects.of_delivery(delivery).first()
    row.m01 = 1
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        row.delete()
    with pytest.raises(ValidationError):
        Values.objects.update(m01=1)
    with pytest.raises(ValidationError):
        Values.objects.all().delete()
    assert len(_stored(delivery)) == 7


def test_what_values_refer_to_cannot_be_deleted(delivery, heidekreis):
    with pytest.raises(ProtectedError):
        heidekreis.delete()
    with pytest.raises(ProtectedError):
        Indicator.objects.filter(code="LLU").delete()
    with pytest.raises(ValidationError):
        delivery.delete()
    assert len(_stored(delivery)) == 7


def _cells_now():
    """Every stored figure: (delivery, unit, code, month, sex, value)."""
    return sorted(
        (c.delivery_id, c.unit_id, c.code, c.month, c.sex, c.value.normalize())
        for c in Values.objects.cells()
    )


def _cells_in_view():
    """Every figure as the series view of migration 0005 gives it back, read with plain SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT v.delivery_id, v.unit_id, i.code, v.month, v.sex, v.value "
            "FROM indicators_value v JOIN indicators_indicator i ON i.id = v.indicator_id"
        )
        return sorted(
            (
                delivery,
                unit,
                code,
                month if isinstance(month, date) else date.fromisoformat(month),
                sex,
                Decimal(str(value)).normalize(),
            )
            for delivery, unit, code, month, sex, value in cursor.fetchall()
        )


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.mark.django_db(transaction=True)
def test_every_value_of_the_demo_and_a_national_file_survives_the_migration_both_ways():
    demo.seed_demo_delivery()
    call_command("generate_national_data", ab=2024, stdout=StringIO())
    expected = _cells_now()
    assert len(expected) == 2 * 16 * 8 * 25 - 16 * 8 * 6 + 405 * 8 * 36  # the earlier lacks 6
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("indicators")[0]
    try:
        _migrate(SERIES_MIGRATION)
        assert _cells_in_view() == expected
        _migrate(latest)
        assert _cells_now() == expected
    finally:
        _migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_values_of_the_first_plain_table_survive_every_migration_both_ways():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("indicators")[0]
    _migrate(TABLE_MIGRATION)
    rows = [  # (unit key, code, month, sex, value)
        ("03358", "LLU", "2019-12-01", "g", "3412345.6700"),
        ("03358", "LLU", "2020-01-01", "g", "3398000.0000"),
        ("03358", "LLU", "2020-03-01", "g", "0.5000"),
        ("03358", "INT", "2020-01-01", "w", "12.0000"),
        ("03361", "ELB", "2020-01-01", "g", "4100.0000"),
    ]
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO indicators_datadelivery (ladestand, waiting_months, source, "
                "file_name, sha256, row_count, is_demo, created_at) VALUES "
                "('2020-05-17', 0, 'land', 'alt.csv', %s, 5, %s, '2020-05-18 10:00:00+00')",
                ["b" * 64, False],
            )
            cursor.execute("SELECT id FROM indicators_datadelivery WHERE sha256 = %s", ["b" * 64])
            (delivery_id,) = cursor.fetchone()
            for key, code, month, sex, value in rows:
                cursor.execute(
                    "INSERT INTO indicators_value (delivery_id, unit_id, indicator_id, month, "
                    "sex, value) SELECT %s, o.id, i.id, %s, %s, %s FROM "
                    "zielsteuerung_organisation o, indicators_indicator i "
                    "WHERE o.key = %s AND i.code = %s",
                    [delivery_id, month, sex, Decimal(value), key, code],
                )
        _migrate(latest)
        expected = sorted(
            (key, code, date.fromisoformat(month), sex, Decimal(value))
            for key, code, month, sex, value in rows
        )
        delivery = DataDelivery.objects.get(pk=delivery_id)
        assert _stored(delivery) == expected
        assert Values.objects.of_delivery(delivery).count() == 4  # LLU in 2019 and 2020

        _migrate(TABLE_MIGRATION)
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
    finally:
        _migrate(latest)
