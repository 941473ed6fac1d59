"""Computed JFW and attainment are cached per delivery: a page does not recompute what it
computed before, and an edited target or a new delivery is computed afresh."""

from dataclasses import asdict
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.attainment import attainment_for_year, goal_attainments, monthly_series
from indicators.computations import Verdict
from tests.dialogs_world import WORKED_EXAMPLE, make_agreement, make_delivery

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def figures(results):
    return [{k: v for k, v in asdict(r).items() if k not in {"goal", "delivery"}} for r in results]


def value_queries(queries):
    return [q["sql"] for q in queries if '"indicators_value"."value"' in q["sql"]]


def test_second_computation_reads_no_values_and_gives_the_same_figures(heidekreis):
    make_agreement(heidekreis)
    delivery = make_delivery(heidekreis, WORKED_EXAMPLE)
    first = attainment_for_year(2020, month=2)
    with CaptureQueriesContext(connection) as queries:
        second = attainment_for_year(2020, month=2)
    assert value_queries(queries) == []
    assert figures(second) == figures(first)
    assert [r.goal for r in second] == [r.goal for r in first]
    assert all(r.delivery == delivery for r in second)
    k2 = next(r for r in second if r.indicator_code == "K2")
    assert k2.verdict == Verdict.MET
    assert round(k2.change_percent, 3) == Decimal("8.697")


def test_an_edited_target_is_computed_afresh(heidekreis):
    agreement = make_agreement(heidekreis)
    make_delivery(heidekreis, WORKED_EXAMPLE)
    before = {r.indicator_code: r for r in goal_attainments(agreement, month=2)}
    assert before["K2"].verdict == Verdict.MET
    goal = agreement.goals.get(indicator__code="K2")
    goal.target_value = Decimal("10.0")
    goal.save()
    fresh = type(agreement).objects.get(pk=agreement.pk)  # as the next page would load it
    after = {r.indicator_code: r for r in goal_attainments(fresh, month=2)}
    assert after["K2"].verdict == Verdict.NOT_MET
    assert after["K2"].target_change_percent == Decimal("10.0")
    assert after["K2"].jfw == before["K2"].jfw  # the figures of the delivery stay


def test_a_newer_delivery_brings_its_own_figures(heidekreis):
    make_agreement(heidekreis)
    make_delivery(heidekreis, WORKED_EXAMPLE)
    old = {r.indicator_code: r for r in attainment_for_year(2020, month=2)}
    revised = {**WORKED_EXAMPLE, "INT": {**WORKED_EXAMPLE["INT"], (2020, 2): 100}}
    newer = make_delivery(heidekreis, revised, ladestand=date(2020, 4, 30))
    new = {r.indicator_code: r for r in attainment_for_year(2020, month=2)}
    assert new["K2"].delivery == newer
    assert new["K2"].jfw < old["K2"].jfw


def test_monthly_series_is_cached_and_follows_the_target(heidekreis):
    agreement = make_agreement(heidekreis)
    delivery = make_delivery(heidekreis, WORKED_EXAMPLE)
    goal = agreement.goals.get(indicator__code="K2")
    first = monthly_series(agreement, goal, delivery=delivery)
    with CaptureQueriesContext(connection) as queries:
        second = monthly_series(agreement, goal, delivery=delivery)
    assert len(queries) == 0
    assert second == first
    second.clear()  # callers get their own list
    assert monthly_series(agreement, goal, delivery=delivery) == first

    goal.target_value = Decimal("10.0")
    goal.save()
    changed = monthly_series(agreement, goal, delivery=delivery)
    assert changed[1].target_path != first[1].target_path
    assert changed[1].jfw == first[1].jfw
