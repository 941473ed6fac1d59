"""The demo deliveries: plausible, deterministic, stored once, and useful for the dashboards."""

import hashlib
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from agreements.attainment import attainment_for_year, default_basis
from agreements.models import Agreement, Goal, GoalKind, TargetType
from indicators import demo
from indicators.computations import Verdict
from indicators.models import DataDelivery, Indicator, Values
from zielsteuerung.models import Organisation

pytestmark = pytest.mark.django_db

CODES = {"LLU", "LUH", "ELB", "INT", "LZB", "ELB_AE", "INT_AE", "INT_LZB"}


@pytest.fixture
def delivery():
    return demo.seed_demo_delivery()


@pytest.fixture
def earlier(delivery):
    return DataDelivery.objects.get(ladestand=date(2020, 7, 17))


def test_demo_delivery_is_marked_and_covers_12_2018_to_12_2020(delivery):
    assert delivery.is_demo and delivery.source == "demo"
    assert delivery.ladestand == date(2021, 1, 17) and delivery.waiting_months == 0
    assert delivery.sha256 == hashlib.sha256(b"zielsteuerung-demo-delivery-v1").hexdigest()
    values = Values.objects.of_delivery(delivery)
    span = values.span()
    assert (span["first"], span["last"]) == (date(2018, 12, 1), date(2020, 12, 1))
    assert set(values.values_list("indicator__code", flat=True)) == CODES
    assert set(values.values_list("unit__key", flat=True)) == set(
        Organisation.objects.traeger().values_list("key", flat=True)
    )
    assert values.figure_count() == 16 * 8 * 25 == delivery.row_count
    assert not values.exclude(sex="g").exists()


def test_seeding_twice_stores_nothing_new(delivery):
    before = Values.objects.figure_count(), DataDelivery.objects.count()
    assert demo.seed_demo_delivery() == delivery
    assert (Values.objects.figure_count(), DataDelivery.objects.count()) == before == (5632, 2)


def test_demo_figures_are_generated_from_a_fixed_seed():
    assert demo._series("03358") == demo._series("03358")
    assert demo._series("03358") != demo._series("03361")


def test_heidekreis_has_figures_of_realistic_size(delivery):
    def mean(code, year=2019):
        rows = Values.objects.of_delivery(delivery).filter(unit__key="03358").of_codes([code])
        figures = [c.value for c in rows.cells(date(year, 1, 1), date(year, 12, 1))]
        return sum(figures) / len(figures)

    assert 5800 <= mean("ELB") <= 6200
    assert 3_200_000 <= mean("LLU") <= 3_600_000
    assert 135 <= mean("INT") <= 165
    assert 3800 <= mean("LZB") <= 4200


def test_some_landkreise_meet_their_targets_and_some_do_not(delivery):
    k2, k3 = Indicator.objects.get(code="K2"), Indicator.objects.get(code="K3")
    for unit in Organisation.objects.traeger():
        agreement = Agreement.objects.create(year=2020, traeger=unit)
        for number, indicator, target in ((2, k2, "3.1"), (3, k3, "-1.5")):
            Goal.objects.create(
                agreement=agreement,
                number=number,
                kind=GoalKind.QUANTITATIVE,
                title=f"Ziel {number}",
                indicator=indicator,
                target_type=TargetType.CHANGE,
                target_value=Decimal(target),
            )

    december = attainment_for_year(2020)

    verdicts = Counter((a.indicator_code, a.verdict) for a in december)
    for code in ("K2", "K3"):
        assert verdicts[(code, Verdict.MET)] >= 4
        assert verdicts[(code, Verdict.NOT_MET)] >= 4
    assert {a.month for a in december} == {date(2020, 12, 1)}
    assert {a.delivery for a in december} == {delivery}


def test_the_newer_delivery_revises_the_latest_months_of_the_earlier_one(delivery, earlier):
    assert earlier.is_demo and earlier.waiting_months == 0
    assert Values.objects.of_delivery(earlier).span()["last"] == date(2020, 6, 1)

    def value(of, month):
        rows = Values.objects.of_delivery(of).filter(unit__key="03358").of_codes(["INT"])
        [cell] = rows.cells(month, month)
        return cell.value

    assert value(earlier, date(2020, 1, 1)) == value(delivery, date(2020, 1, 1))
    assert value(earlier, date(2020, 5, 1)) < value(delivery, date(2020, 5, 1))


def test_default_basis_is_december_2020_of_the_newer_delivery(delivery, earlier):
    assert default_basis(2020) == (date(2020, 12, 1), delivery)
    assert default_basis(2020, deliveries=[earlier]) == (date(2020, 6, 1), earlier)
