"""indicators 0010 (variant and flags of values) migrates both ways: base quantities survive
untouched; backwards, published Kennzahlen are removed (their key needs the variant)."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from indicators.models import Indicator, Values
from tests.test_attainment import WORKED_EXAMPLE, deliver
from tests.test_reconciliation import publish

BEFORE = ("indicators", "0009_delivery_deadline")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT unit_id, indicator_id, sex, year, m01, m02 FROM indicators_values")
        return sorted(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_base_quantities_both_ways_and_drops_published_ones_backwards(
    heidekreis,
):
    deliver({heidekreis: WORKED_EXAMPLE})
    base = _rows()
    publish([(heidekreis, "K2", "jfw", "5.6", "p"), (heidekreis, "K2", "zwoelf_monate", "22.2")])
    assert len(_rows()) == len(base) + 2
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("indicators")[0]
    try:
        _migrate(BEFORE)
        assert _rows() == base
        _migrate(latest)
        assert _rows() == base
        assert Values.objects.published().count() == 0
        assert Values.objects.base().count() == len(base)
        k2 = Indicator.objects.get(code="K2")
        assert k2.values.count() == 0
        assert Values.objects.base().holding(date(2020, 2, 1)).count() == 3
    finally:
        _migrate(latest)
