"""Attainment of the agreements' goals from the stored deliveries, and `manage.py attainment`."""

import csv
import hashlib
import io
import json
from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from agreements.attainment import (
    attainment_for_year,
    default_basis,
    goal_attainments,
    monthly_series,
)
from agreements.models import Agreement, AgreementStatus, Goal, GoalKind, TargetType
from indicators.computations import Verdict
from indicators.models import DataDelivery, DeliverySource, Indicator
from indicators.storage import store_cells
from zielsteuerung.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

_serial = count(1)

WORKED_EXAMPLE = {
    "ELB": {(2018, 12): 6000, (2019, 1): 6100, (2019, 12): 5900, (2020, 1): 5950},
    "INT": {(2019, 1): 150, (2019, 2): 160, (2020, 1): 160, (2020, 2): 170},
    "LZB": {(2019, 1): 4000, (2019, 2): 3990, (2020, 1): 3900, (2020, 2): 3920},
    "LLU": {(2019, 1): 3400000, (2019, 2): 3380000, (2020, 1): 3350000, (2020, 2): 3390000},
}


def without(figures, code, year, month):
    copy = {c: dict(series) for c, series in figures.items()}
    del copy[code][(year, month)]
    return copy


def deliver(
    units_figures, *, ladestand=date(2020, 3, 17), waiting_months=0, sex="g", is_demo=False
):
    """A delivery holding {unit: {code: {(year, month): value}}} (demo figures with `is_demo`,
    as the demo seeding stores them)."""
    serial = next(_serial)
    delivery = DataDelivery.objects.create(
        ladestand=ladestand,
        waiting_months=waiting_months,
        source=DeliverySource.DEMO if is_demo else DeliverySource.LAND,
        is_demo=is_demo,
        file_name=f"lieferung-{serial}.csv",
        sha256=hashlib.sha256(f"attainment-test-{serial}".encode()).hexdigest(),
    )
    indicators = {i.code: i for i in Indicator.objects.all()}
    store_cells(
        delivery,
        (
            (unit, indicators[code], date(year, month, 1), sex, Decimal(value))
            for unit, figures in units_figures.items()
            for code, series in figures.items()
            for (year, month), value in series.items()
        ),
    )
    return delivery


def agree(
    traeger,
    year=2020,
    *,
    k2=Decimal("3.1"),
    k3=Decimal("-1.5"),
    extra=(),
    status=AgreementStatus.SIGNED,
):
    """The goals of the Heidekreis 2020 agreement (signed unless `status` says otherwise):
    monitoring K1, K2 +3,1 %, K3 −1,5 %."""
    agreement = Agreement.objects.create(year=year, traeger=traeger, status=status)
    indicators = {i.code: i for i in Indicator.objects.all()}
    Goal.objects.create(
        agreement=agreement,
        number=1,
        kind=GoalKind.MONITORING,
        title="Verringerung der Hilfebedürftigkeit",
        indicator=indicators["K1"],
    )
    Goal.objects.create(
        agreement=agreement,
        number=2,
        kind=GoalKind.QUANTITATIVE,
        title="Verbesserung der Integration in Erwerbstätigkeit",
        indicator=indicators["K2"],
        target_type=TargetType.CHANGE,
        target_value=k2,
    )
    Goal.objects.create(
        agreement=agreement,
        number=3,
        kind=GoalKind.QUANTITATIVE,
        title="Vermeidung von langfristigem Leistungsbezug",
        indicator=indicators["K3"],
        target_type=TargetType.CHANGE,
        target_value=k3,
    )
    Goal.objects.create(
        agreement=agreement, number=4, kind=GoalKind.QUALITATIVE, title="Gleichstellung"
    )
    for number, (code, target_type, value) in enumerate(extra, start=5):
        Goal.objects.create(
            agreement=agreement,
            number=number,
            kind=GoalKind.QUANTITATIVE if value is not None else GoalKind.MONITORING,
            title=f"Ziel zu {code}",
            indicator=indicators[code],
            target_type=target_type,
            target_value=value,
        )
    return agreement


def by_code(attainments):
    return {a.indicator_code: a for a in attainments}


# --- the worked example -------------------------------------------------------------------------


def test_worked_example_gives_the_figures_of_the_domain_reference(heidekreis):
    agreement = agree(heidekreis)
    delivery = deliver({heidekreis: WORKED_EXAMPLE})
    result = by_code(goal_attainments(agreement, month=date(2020, 2, 1), delivery=delivery))

    assert sorted(result) == ["K1", "K2", "K3"]  # the qualitative goal has no figures
    k1, k2, k3 = result["K1"], result["K2"], result["K3"]
    assert (k1.jfw, k1.jfw_previous_year) == (6740000, 6780000)
    assert round(k1.change_percent, 2) == Decimal("-0.59")
    assert k1.verdict == Verdict.MONITORING and k1.target_change_percent is None

    assert (k2.numerator, k2.denominator) == (330, 5925)
    assert round(k2.jfw, 4) == Decimal("5.5696")
    assert round(k2.jfw_previous_year, 4) == Decimal("5.1240")
    assert round(k2.change_percent, 3) == Decimal("8.697")
    assert k2.target_change_percent == Decimal("3.1")
    assert round(k2.target_path, 4) == Decimal("5.2828")
    assert k2.verdict == Verdict.MET

    assert (k3.jfw, k3.jfw_previous_year) == (3910, 3995)
    assert round(k3.change_percent, 3) == Decimal("-2.128")
    assert k3.verdict == Verdict.MET
    assert k3.numerator is None

    for attainment in result.values():
        assert attainment.month == date(2020, 2, 1)
        assert attainment.delivery == delivery
        assert attainment.missing_months == ()
        assert attainment.note == ""


def test_a_target_missed_is_not_met(heidekreis):
    agreement = agree(heidekreis, k2=Decimal("9"), k3=Decimal("-3"))
    deliver({heidekreis: WORKED_EXAMPLE})
    result = by_code(goal_attainments(agreement))
    assert result["K2"].verdict == Verdict.NOT_MET  # +8,7 % < +9 %
    assert result["K3"].verdict == Verdict.NOT_MET  # −2,1 % > −3 %


# --- one delivery, never mixed ------------------------------------------------------------------


def test_a_month_missing_in_the_chosen_delivery_is_not_taken_from_another(heidekreis):
    agreement = agree(heidekreis)
    gap = deliver({heidekreis: without(WORKED_EXAMPLE, "ELB", 2018, 12)})
    deliver({heidekreis: WORKED_EXAMPLE}, ladestand=date(2020, 3, 10))  # holds 12/2018

    k2 = by_code(goal_attainments(agreement, month=date(2020, 2, 1), delivery=gap))["K2"]

    assert k2.verdict == Verdict.NO_DATA
    assert k2.jfw_previous_year is None and k2.change_percent is None
    assert k2.jfw is not None  # 2020 itself is complete
    assert k2.missing_months == (date(2018, 12, 1),)
    assert "ELB Dezember 2018" in k2.note and "17.03.2020" in k2.note


def test_default_basis_passes_over_a_newer_delivery_that_lacks_a_month(heidekreis):
    agreement = agree(heidekreis)
    complete = deliver({heidekreis: WORKED_EXAMPLE}, ladestand=date(2020, 3, 10))
    newest = deliver({heidekreis: without(WORKED_EXAMPLE, "INT", 2019, 2)})

    result = by_code(goal_attainments(agreement))

    assert {item.delivery for item in result.values()} == {complete}  # never mixed
    assert result["K2"].verdict == Verdict.MET
    assert result["K2"].missing_months == ()
    (incomplete,) = result["K2"].newer_incomplete
    assert incomplete.delivery == newest
    assert incomplete.missing_months == (date(2019, 2, 1),)


def test_default_basis_keeps_the_newest_delivery_when_none_is_complete(heidekreis):
    agreement = agree(heidekreis)
    deliver({heidekreis: without(WORKED_EXAMPLE, "ELB", 2018, 12)}, ladestand=date(2020, 3, 10))
    newest = deliver({heidekreis: without(WORKED_EXAMPLE, "ELB", 2018, 12)})

    result = by_code(goal_attainments(agreement))

    assert result["K2"].month == date(2020, 2, 1)  # no month is complete: the latest
    assert result["K2"].delivery == newest
    assert result["K2"].verdict == Verdict.NO_DATA
    assert result["K2"].missing_months == (date(2018, 12, 1),)
    assert result["K3"].delivery == newest  # one delivery for the whole Landkreis
    assert result["K3"].verdict == Verdict.MET  # K3 needs no INT
    assert result["K2"].newer_incomplete == ()


def test_a_delivery_of_the_newest_month_only_does_not_blank_the_figures(heidekreis):
    """A Jobcenter uploads March 2020 alone: the reporting month stays February, judged on
    the complete delivery, and the new one is named with the months it lacks."""
    agreement = agree(heidekreis)
    complete = deliver({heidekreis: WORKED_EXAMPLE}, ladestand=date(2020, 3, 17))
    march = {"ELB": {(2020, 3): 5960}, "INT": {(2020, 3): 175}, "LZB": {(2020, 3): 3930}}
    march["LLU"] = {(2020, 3): 3400000}
    partial = deliver({heidekreis: march}, ladestand=date(2020, 4, 15))

    result = by_code(goal_attainments(agreement))

    assert result["K2"].month == date(2020, 2, 1)
    assert result["K2"].delivery == complete
    assert result["K2"].verdict == Verdict.MET
    (incomplete,) = result["K3"].newer_incomplete
    assert incomplete.delivery == partial
    assert date(2020, 1, 1) in incomplete.missing_months
    assert date(2020, 2, 1) in incomplete.missing_months


def test_only_gesamt_values_count(heidekreis):
    agreement = agree(heidekreis)
    delivery = deliver({heidekreis: WORKED_EXAMPLE})
    women = {
        code: {key: value // 2 for key, value in series.items()}
        for code, series in WORKED_EXAMPLE.items()
    }
    store_cells(
        delivery,
        (
            (heidekreis, Indicator.objects.get(code=code), date(year, month, 1), "w", value)
            for code, series in women.items()
            for (year, month), value in series.items()
        ),
    )
    deliver({heidekreis: {"INT": {(2020, 3): 80}}}, ladestand=date(2020, 4, 17), sex="w")

    result = by_code(goal_attainments(agreement))

    assert result["K1"].jfw == 6740000
    assert result["K2"].month == date(2020, 2, 1)  # March exists only for women
    assert result["K2"].delivery == delivery


# --- choosing the basis -------------------------------------------------------------------------


def test_default_basis_is_the_latest_month_and_the_newest_delivery_holding_it(heidekreis):
    assert default_basis(2020) == (None, None)
    older = deliver({heidekreis: WORKED_EXAMPLE}, ladestand=date(2020, 3, 10))
    newer = deliver({heidekreis: WORKED_EXAMPLE})
    deliver({heidekreis: {"LZB": {(2020, 1): 3900}}}, ladestand=date(2020, 5, 17))

    assert default_basis(2020) == (date(2020, 2, 1), newer)
    assert default_basis(2020, deliveries=[older]) == (date(2020, 2, 1), older)
    assert default_basis(2019) == (date(2019, 12, 1), newer)


def test_a_delivery_for_one_landkreis_does_not_become_the_basis_of_another(heidekreis, verden):
    land = deliver({heidekreis: WORKED_EXAMPLE, verden: WORKED_EXAMPLE})
    own_upload = deliver({verden: WORKED_EXAMPLE}, ladestand=date(2020, 3, 20))

    assert default_basis(2020, traeger=heidekreis) == (date(2020, 2, 1), land)
    assert default_basis(2020, traeger=verden) == (date(2020, 2, 1), own_upload)

    agree(heidekreis)
    agree(verden)
    deliveries = {(a.goal.agreement.traeger, a.delivery) for a in attainment_for_year(2020)}
    assert deliveries == {(heidekreis, land), (verden, own_upload)}


def test_a_given_delivery_without_the_landkreis_names_every_missing_month(heidekreis, verden):
    agreement = agree(heidekreis)
    verden_only = deliver({verden: WORKED_EXAMPLE})
    k3 = by_code(goal_attainments(agreement, month=date(2020, 2, 1), delivery=verden_only))["K3"]
    assert k3.verdict == Verdict.NO_DATA
    assert k3.missing_months == tuple(date(y, m, 1) for y in (2019, 2020) for m in (1, 2))


def test_given_delivery_without_month_uses_its_latest_month_of_the_year(heidekreis):
    agreement = agree(heidekreis)
    up_to_january = {
        code: {key: value for key, value in series.items() if key != (2020, 2)}
        for code, series in WORKED_EXAMPLE.items()
    }
    january = deliver({heidekreis: up_to_january})
    deliver({heidekreis: WORKED_EXAMPLE}, ladestand=date(2020, 4, 1))
    result = by_code(goal_attainments(agreement, delivery=january))
    assert result["K3"].month == date(2020, 1, 1)
    assert (result["K3"].jfw, result["K3"].jfw_previous_year) == (3900, 4000)


def test_no_data_for_the_year_gives_no_data_with_a_reason(heidekreis):
    agreement = agree(heidekreis)
    result = by_code(goal_attainments(agreement))
    assert result["K2"].verdict == Verdict.NO_DATA and result["K2"].month is None
    assert result["K1"].verdict == Verdict.MONITORING
    assert "keine Daten" in result["K2"].note


def test_month_outside_the_agreement_year_is_refused(heidekreis):
    agreement = agree(heidekreis)
    with pytest.raises(ValueError, match="nicht im Jahr 2020"):
        goal_attainments(agreement, month=date(2021, 1, 1))


# --- indicators and target types ----------------------------------------------------------------


def test_indicator_not_computable_from_base_quantities_gives_no_data_not_a_crash(heidekreis):
    agreement = agree(
        heidekreis, extra=[("K1E1", TargetType.CHANGE, Decimal("-1")), ("K2E1", "", None)]
    )
    deliver({heidekreis: WORKED_EXAMPLE})
    result = by_code(goal_attainments(agreement))
    assert result["K1E1"].verdict == Verdict.NO_DATA
    assert "K1E1 wird nicht aus gelieferten Basisgrößen berechnet" in result["K1E1"].note
    assert result["K2E1"].verdict == Verdict.NO_DATA
    assert result["K2"].verdict == Verdict.MET


def test_quota_and_ceiling_goals(heidekreis):
    agreement = agree(
        heidekreis,
        extra=[
            ("K2", TargetType.QUOTA, Decimal("5.5")),  # 5,57 % ≥ 5,5 %
            ("K1", TargetType.CEILING, Decimal("-1")),  # −0,59 % is not at most −1 %
        ],
    )
    deliver({heidekreis: WORKED_EXAMPLE})
    goals = {a.goal.number: a for a in goal_attainments(agreement)}
    assert goals[5].verdict == Verdict.MET
    assert goals[5].target_path == Decimal("5.5") and goals[5].target_change_percent is None
    assert goals[6].verdict == Verdict.NOT_MET
    assert goals[6].target_change_percent == Decimal("-1")
    assert goals[6].target_path == Decimal("6780000") * Decimal("0.99")


def test_supplementary_quotas_k2e4_and_k3e1_from_their_base_quantities(heidekreis):
    agreement = agree(
        heidekreis,
        extra=[
            ("K2E4", TargetType.CHANGE, Decimal("1")),
            ("K3E1", TargetType.CHANGE, Decimal("1")),
        ],
    )
    deliver(
        {
            heidekreis: {
                "ELB_AE": {(2018, 12): 500, (2019, 12): 500},
                "INT_AE": {(2019, 1): 10, (2020, 1): 12},
                "LZB": {(2018, 12): 4000, (2019, 1): 4000, (2019, 12): 4000, (2020, 1): 4000},
                "INT_LZB": {(2019, 1): 40, (2020, 1): 38},
            }
        }
    )
    result = by_code(goal_attainments(agreement, month=date(2020, 1, 1)))
    assert (result["K2E4"].jfw, result["K2E4"].jfw_previous_year) == (Decimal("2.4"), 2)
    assert result["K2E4"].verdict == Verdict.MET
    assert (result["K3E1"].jfw, result["K3E1"].numerator, result["K3E1"].denominator) == (
        Decimal("0.95"),
        38,
        4000,
    )
    assert result["K3E1"].verdict == Verdict.NOT_MET


def test_direction_is_read_from_the_indicator_data(heidekreis):
    agreement = agree(heidekreis)
    deliver({heidekreis: WORKED_EXAMPLE})
    Indicator.objects.filter(code="K3").update(better="hoeher")  # at least −1,5 % now
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert by_code(goal_attainments(agreement))["K3"].verdict == Verdict.NOT_MET


# --- query count --------------------------------------------------------------------------------


def twenty_traeger():
    existing = list(Organisation.objects.traeger().order_by("key"))
    extra = [
        Organisation.objects.create(
            key=f"0399{i}", kind=OrganisationKind.TRAEGER, name=f"Kreis {i}"
        )
        for i in range(20 - len(existing))
    ]
    return existing + extra


@pytest.mark.parametrize("number", [2, 20])
def test_attainment_for_year_needs_a_fixed_number_of_queries(number, django_assert_max_num_queries):
    traeger = twenty_traeger()[:number]
    for unit in traeger:
        agree(unit)
    deliver({unit: WORKED_EXAMPLE for unit in traeger})
    deliver({unit: WORKED_EXAMPLE for unit in traeger[:1]}, ladestand=date(2020, 3, 1))

    with django_assert_max_num_queries(6):
        attainments = attainment_for_year(2020)
        verdicts = [(a.goal.agreement.traeger.key, a.verdict) for a in attainments]

    assert len(attainments) == 3 * number
    assert verdicts.count((traeger[0].key, Verdict.MET)) == 2


def test_goal_attainments_needs_a_fixed_number_of_queries(
    heidekreis, django_assert_max_num_queries
):
    agreement = agree(heidekreis)
    delivery = deliver({heidekreis: WORKED_EXAMPLE})
    with django_assert_max_num_queries(3):
        goal_attainments(agreement, month=date(2020, 2, 1), delivery=delivery)


# --- month by month ----------------------------------------------------------------------------


def test_monthly_series_has_twelve_months_with_path_and_gaps(heidekreis):
    agreement = agree(heidekreis)
    delivery = deliver({heidekreis: WORKED_EXAMPLE})
    k2 = agreement.goals.get(number=2)

    rows = monthly_series(agreement, k2, delivery=delivery, year=2020)

    assert [row.month for row in rows] == [date(2020, m, 1) for m in range(1, 13)]
    january, february, march = rows[:3]
    assert january.jfw == Decimal(160) * 100 / 5900
    assert january.jfw_previous_year == Decimal(150) * 100 / 6000
    assert january.target_path == january.jfw_previous_year * Decimal("1.031")
    assert january.verdict == Verdict.MET
    assert round(february.jfw, 4) == Decimal("5.5696")
    assert march.jfw is None and march.verdict == Verdict.NO_DATA
    assert date(2020, 3, 1) in march.missing_months


def test_monthly_series_without_delivery_is_empty_but_complete(heidekreis):
    agreement = agree(heidekreis)
    rows = monthly_series(agreement, agreement.goals.get(number=1), delivery=None, year=2020)
    assert len(rows) == 12
    assert all(row.jfw is None for row in rows)


# --- manage.py attainment -----------------------------------------------------------------------


def run(*args):
    out = io.StringIO()
    call_command("attainment", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def worked_example(heidekreis, verden):
    agree(heidekreis)
    agree(verden)
    return deliver({heidekreis: WORKED_EXAMPLE})


def test_command_json_gives_the_worked_example(worked_example):
    rows = json.loads(
        run("--year", "2020", "--month", "2", "--ladestand", "2020-03-17", "--format", "json")
    )
    heidekreis = {row["indicator"]: row for row in rows if row["traeger"] == "03358"}
    assert heidekreis["K2"] == {
        "traeger": "03358",
        "goal": 2,
        "indicator": "K2",
        "month": "2020-02",
        "ladestand": "2020-03-17",
        "wartezeit": 0,
        "jfw": 5.5696,
        "jfw_previous_year": 5.124,
        "change_percent": 8.6974,
        "target_change_percent": 3.1,
        "target_path": 5.2828,
        "verdict": "met",
        "met": True,
        "missing_months": [],
        "forecast": None,
        "forecast_reason": "Zu kurzer Verlauf für eine Prognose: die Lieferung enthält kein "
        "vollständiges Vorjahr; nötig sind mindestens 2.",
    }
    assert heidekreis["K1"]["jfw"] == 6740000 and heidekreis["K1"]["met"] is None
    assert heidekreis["K1"]["change_percent"] == -0.59
    assert heidekreis["K3"]["change_percent"] == -2.1277 and heidekreis["K3"]["met"] is True


def test_command_names_missing_months_when_no_comparison_is_possible(worked_example):
    rows = json.loads(run("--year", "2020", "--month", "2"))
    verden = [row for row in rows if row["traeger"] == "03361"]
    assert [row["goal"] for row in verden] == [1, 2, 3]
    k2 = verden[1]
    assert k2["met"] is None and k2["jfw"] is None and k2["ladestand"] is None
    assert k2["missing_months"] == [
        "2018-12",
        "2019-01",
        "2019-02",
        "2019-12",
        "2020-01",
        "2020-02",
    ]


def test_command_defaults_to_the_latest_month_and_newest_delivery(worked_example, heidekreis):
    deliver({heidekreis: WORKED_EXAMPLE}, ladestand=date(2020, 3, 20))
    rows = json.loads(run("--year", "2020"))
    k3 = next(row for row in rows if row["traeger"] == "03358" and row["indicator"] == "K3")
    assert (k3["month"], k3["ladestand"]) == ("2020-02", "2020-03-20")


def test_command_csv_is_comma_separated_with_a_header_and_dot_decimals(worked_example):
    output = run("--year", "2020", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert output.splitlines()[0].startswith("traeger,goal,indicator,month,ladestand,")
    k2 = next(row for row in rows if row["traeger"] == "03358" and row["indicator"] == "K2")
    assert (k2["jfw"], k2["change_percent"], k2["met"]) == ("5.5696", "8.6974", "true")
    k1 = next(row for row in rows if row["traeger"] == "03358" and row["indicator"] == "K1")
    assert (k1["jfw"], k1["met"], k1["missing_months"]) == ("6740000", "", "")
    verden = next(row for row in rows if row["traeger"] == "03361" and row["indicator"] == "K3")
    assert verden["missing_months"] == "2019-01 2019-02 2020-01 2020-02"


def test_command_filters_by_waiting_time(worked_example, heidekreis):
    deliver({heidekreis: WORKED_EXAMPLE}, ladestand=date(2020, 5, 20), waiting_months=3)
    rows = json.loads(run("--year", "2020", "--wartezeit", "0"))
    assert {row["ladestand"] for row in rows if row["traeger"] == "03358"} == {"2020-03-17"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["--ladestand", "2021-03-17"], "Es gibt keine Datenlieferung mit Ladestand 17.03.2021."),
        (["--ladestand", "17.03.2020"], "„17.03.2020“ ist kein Datum im Format JJJJ-MM-TT"),
        (["--month", "13"], "der Monat muss zwischen 1 und 12 liegen"),
        (["--wartezeit", "3"], "Es gibt keine Datenlieferung mit Wartezeit 3."),
    ],
)
def test_command_refuses_bad_input_in_german(worked_example, args, message):
    with pytest.raises(CommandError, match=message) as error:
        run("--year", "2020", *args)
    assert error.value.returncode == 1


def test_command_refuses_a_year_without_agreements(worked_example):
    with pytest.raises(CommandError, match="Für das Jahr 2031 gibt es keine Zielvereinbarungen."):
        run("--year", "2031")


def test_command_without_ladestand_passes_over_an_incomplete_newer_delivery(heidekreis):
    agree(heidekreis)
    deliver({heidekreis: WORKED_EXAMPLE}, ladestand=date(2020, 3, 17))
    deliver({heidekreis: {"INT": {(2020, 2): 171}}}, ladestand=date(2020, 4, 17))

    rows = json.loads(run("--year", "2020", "--format", "json"))

    k2 = next(row for row in rows if row["indicator"] == "K2")
    assert k2["ladestand"] == "2020-03-17"
    assert k2["month"] == "2020-02"
    assert k2["verdict"] == "met"
    assert k2["missing_months"] == []
