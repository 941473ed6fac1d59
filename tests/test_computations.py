"""The JFW rules of domain.md § 5.3/5.4 on plain data: no database involved."""

from datetime import date
from decimal import Decimal

import pytest

from indicators.computations import (
    Target,
    Verdict,
    compare,
    evaluate,
    jfw_k1,
    jfw_k2,
    jfw_k2e4,
    jfw_k3,
    jfw_k3e1,
    judge,
    needed_values,
    relative_change_percent,
    target_path,
    year_to_date,
)


def figures(**series):
    """figures(ELB={(2018, 12): 6000}) → {("ELB", date(2018, 12, 1)): Decimal("6000")}"""
    return {
        (code, date(year, month, 1)): Decimal(str(value))
        for code, values in series.items()
        for (year, month), value in values.items()
    }


# The worked example of domain.md § 5.5 (Landkreis 03358, one Ladestand).
WORKED_EXAMPLE = figures(
    ELB={(2018, 12): 6000, (2019, 1): 6100, (2019, 12): 5900, (2020, 1): 5950},
    INT={(2019, 1): 150, (2019, 2): 160, (2020, 1): 160, (2020, 2): 170},
    LZB={(2019, 1): 4000, (2019, 2): 3990, (2020, 1): 3900, (2020, 2): 3920},
    LLU={(2019, 1): 3400000, (2019, 2): 3380000, (2020, 1): 3350000, (2020, 2): 3390000},
)

K2_PLUS = Target("veraenderung", Decimal("3.1"), "hoeher")
K3_MINUS = Target("veraenderung", Decimal("-1.5"), "niedriger")


def test_worked_example_k1_sums_llu_and_falls_by_0_59_percent():
    comparison = compare("K1", WORKED_EXAMPLE, 2020, 2)
    assert comparison.current.value == Decimal("6740000")
    assert comparison.previous.value == Decimal("6780000")
    assert round(comparison.change_percent, 4) == Decimal("-0.5900")
    assert comparison.current.numerator is None and comparison.current.denominator is None


def test_worked_example_k2_divides_integrations_by_lagged_mean_elb():
    comparison = compare("K2", WORKED_EXAMPLE, 2020, 2)
    # 330 / mean(5 900, 5 950) = 330 / 5 925; 310 / mean(6 000, 6 100) = 310 / 6 050
    assert comparison.current.numerator == 330
    assert comparison.current.denominator == 5925
    assert comparison.previous.numerator == 310
    assert comparison.previous.denominator == 6050
    assert round(comparison.current.value, 4) == Decimal("5.5696")
    assert round(comparison.previous.value, 4) == Decimal("5.1240")
    assert round(comparison.change_percent, 3) == Decimal("8.697")


def test_worked_example_k2_meets_its_target_of_plus_3_1_percent():
    assert evaluate("K2", WORKED_EXAMPLE, 2020, 2, K2_PLUS).verdict == Verdict.MET


def test_worked_example_k3_averages_lzb_and_meets_minus_1_5_percent():
    evaluation = evaluate("K3", WORKED_EXAMPLE, 2020, 2, K3_MINUS)
    assert evaluation.comparison.current.value == 3910
    assert evaluation.comparison.previous.value == 3995
    assert round(evaluation.change_percent, 3) == Decimal("-2.128")
    assert evaluation.verdict == Verdict.MET


def test_named_functions_compute_the_same_as_the_generic_one():
    assert jfw_k1(WORKED_EXAMPLE, 2020, 2).value == Decimal("6740000")
    assert jfw_k2(WORKED_EXAMPLE, 2020, 1) == year_to_date("K2", WORKED_EXAMPLE, 2020, 1)
    assert jfw_k3(WORKED_EXAMPLE, 2019, 1).value == 4000


def test_results_are_decimals():
    comparison = compare("K2", WORKED_EXAMPLE, 2020, 2)
    for number in (comparison.current.value, comparison.previous.value, comparison.change_percent):
        assert isinstance(number, Decimal)


# --- lag -------------------------------------------------------------------------------------


def test_k2_uses_the_elb_stock_of_the_month_before_not_of_the_month_itself():
    values = figures(ELB={(2019, 12): 1000, (2020, 1): 3000}, INT={(2020, 1): 50})
    # January: 50 integrations on the December stock (1 000), not on January's 3 000.
    assert year_to_date("K2", values, 2020, 1).value == 5


def test_k2_in_january_needs_december_of_the_year_before():
    values = figures(ELB={(2020, 1): 6000}, INT={(2020, 1): 150})
    result = year_to_date("K2", values, 2020, 1)
    assert result.value is None
    assert result.missing == (("ELB", date(2019, 12, 1)),)


def test_k2_does_not_need_the_stock_of_the_reporting_month_itself():
    values = figures(ELB={(2019, 12): 6000, (2020, 1): 6000}, INT={(2020, 1): 60, (2020, 2): 60})
    assert year_to_date("K2", values, 2020, 2).value == 2


def test_k2e4_and_k3e1_are_quotas_of_their_own_quantities_with_the_same_lag():
    values = figures(
        ELB_AE={(2019, 12): 400, (2020, 1): 600},
        INT_AE={(2020, 1): 4, (2020, 2): 6},
        LZB={(2019, 12): 4000, (2020, 1): 4000},
        INT_LZB={(2020, 1): 40, (2020, 2): 60},
        ELB={(2019, 12): 1, (2020, 1): 1},
        INT={(2020, 1): 999, (2020, 2): 999},
    )
    k2e4 = jfw_k2e4(values, 2020, 2)
    assert (k2e4.numerator, k2e4.denominator, k2e4.value) == (10, 500, 2)
    k3e1 = jfw_k3e1(values, 2020, 2)
    assert (k3e1.numerator, k3e1.denominator, k3e1.value) == (100, 4000, Decimal("2.5"))


def test_needed_values_name_both_years_and_the_lagged_decembers():
    needed = set(needed_values("K2", 2020, 1))
    assert needed == {
        ("INT", date(2020, 1, 1)),
        ("ELB", date(2019, 12, 1)),
        ("INT", date(2019, 1, 1)),
        ("ELB", date(2018, 12, 1)),
    }


# --- missing months ---------------------------------------------------------------------------


def test_a_missing_month_gives_no_number_but_names_the_months_of_both_years():
    values = dict(WORKED_EXAMPLE)
    del values[("ELB", date(2018, 12, 1))]
    del values[("INT", date(2020, 2, 1))]
    comparison = compare("K2", values, 2020, 2)
    assert comparison.current.value is None
    assert comparison.previous.value is None
    assert comparison.change_percent is None
    assert comparison.missing_months == (date(2018, 12, 1), date(2020, 2, 1))
    assert comparison.missing == (("ELB", date(2018, 12, 1)), ("INT", date(2020, 2, 1)))
    assert judge(comparison, K2_PLUS) == Verdict.NO_DATA


def test_a_missing_previous_year_month_leaves_this_year_but_no_change():
    values = dict(WORKED_EXAMPLE)
    del values[("LZB", date(2019, 2, 1))]
    comparison = compare("K3", values, 2020, 2)
    assert comparison.current.value == 3910
    assert comparison.previous.value is None
    assert comparison.change_percent is None
    assert comparison.missing_months == (date(2019, 2, 1),)
    assert judge(comparison, K3_MINUS) == Verdict.NO_DATA


def test_a_zero_stock_gives_no_quota_instead_of_a_division_error():
    values = figures(ELB={(2019, 12): 0}, INT={(2020, 1): 3})
    result = year_to_date("K2", values, 2020, 1)
    assert result.value is None and result.missing == ()


def test_relative_change_of_plain_values():
    assert relative_change_percent(Decimal("103.1"), Decimal("100")) == Decimal("3.1")
    assert relative_change_percent(Decimal("5"), Decimal("0")) is None
    assert relative_change_percent(None, Decimal("1")) is None


def test_month_outside_1_to_12_is_refused():
    with pytest.raises(ValueError):
        year_to_date("K1", WORKED_EXAMPLE, 2020, 13)


# --- direction --------------------------------------------------------------------------------


def k3_values(previous, current):
    return figures(LZB={(2019, 1): previous, (2020, 1): current})


def llu_values(previous, current):
    return figures(LLU={(2019, 1): previous, (2020, 1): current})


def verdict(code, values, target, month=1):
    return evaluate(code, values, 2020, month, target).verdict


def test_higher_is_better_is_met_on_or_above_the_target_change():
    rise = Target("veraenderung", Decimal("3.1"), "hoeher")
    assert verdict("K3", k3_values(1000, 1031), rise) == Verdict.MET  # +3,1 %, exactly
    assert verdict("K3", k3_values(1000, 1030), rise) == Verdict.NOT_MET  # +3,0 %
    assert verdict("K3", k3_values(1000, 1200), rise) == Verdict.MET


def test_lower_is_better_is_met_on_or_below_the_target_change():
    assert verdict("K3", k3_values(4000, 3940), K3_MINUS) == Verdict.MET  # −1,5 %, exactly
    assert verdict("K3", k3_values(4000, 3941), K3_MINUS) == Verdict.NOT_MET
    # A fall larger than the target is better, a rise is worse.
    assert verdict("K3", k3_values(4000, 3000), K3_MINUS) == Verdict.MET
    assert verdict("K3", k3_values(4000, 4100), K3_MINUS) == Verdict.NOT_MET


def test_direction_comes_from_the_indicator_not_from_the_code():
    # An administrator who declares K3 "higher is better" gets "at least −1,5 %".
    flipped = Target("veraenderung", Decimal("-1.5"), "hoeher")
    assert verdict("K3", k3_values(4000, 4100), flipped) == Verdict.MET
    assert verdict("K3", k3_values(4000, 3000), flipped) == Verdict.NOT_MET


def test_neutral_indicator_reads_the_direction_from_the_targets_sign():
    rise = Target("veraenderung", Decimal("2"), "neutral")
    fall = Target("veraenderung", Decimal("-2"), "neutral")
    assert verdict("K3", k3_values(100, 103), rise) == Verdict.MET
    assert verdict("K3", k3_values(100, 101), rise) == Verdict.NOT_MET
    assert verdict("K3", k3_values(100, 97), fall) == Verdict.MET
    assert verdict("K3", k3_values(100, 99), fall) == Verdict.NOT_MET


def test_the_boundary_is_decided_on_exact_figures_not_rounded_ones():
    # Means over seven months do not divide: 11 820 / 7 against 12 000 / 7 is exactly −1,5 %,
    # but dividing the rounded means gives −1,4999…96 % and would call the goal "not met".
    previous = [1714] * 6 + [1716]  # Σ 12 000
    current = [1688] * 6 + [1692]  # Σ 11 820
    values = figures(
        LZB={(2019, i): v for i, v in enumerate(previous, 1)}
        | {(2020, i): v for i, v in enumerate(current, 1)}
    )
    evaluation = evaluate("K3", values, 2020, 7, K3_MINUS)
    assert evaluation.verdict == Verdict.MET
    assert evaluation.change_percent == Decimal("-1.5")
    stricter = Target("veraenderung", Decimal("-1.51"), "niedriger")
    assert verdict("K3", values, stricter, month=7) == Verdict.NOT_MET


# --- target types -----------------------------------------------------------------------------


def test_quota_target_compares_the_jfw_itself_with_the_quota():
    quota = Target("quote", Decimal("5.5"), "hoeher")
    evaluation = evaluate("K2", WORKED_EXAMPLE, 2020, 2, quota)  # 5,5696 % ≥ 5,5 %
    assert evaluation.verdict == Verdict.MET
    assert evaluation.target_path == Decimal("5.5")
    assert evaluation.target_change_percent is None
    higher_quota = Target("quote", Decimal("5.6"), "hoeher")
    assert verdict("K2", WORKED_EXAMPLE, higher_quota, month=2) == Verdict.NOT_MET


def test_quota_for_a_lower_is_better_indicator_is_a_maximum():
    values = k3_values(4000, 3900)
    assert verdict("K3", values, Target("quote", Decimal("3950"), "niedriger")) == Verdict.MET
    assert verdict("K3", values, Target("quote", Decimal("3850"), "niedriger")) == Verdict.NOT_MET


def test_quota_needs_only_this_years_months():
    values = figures(ELB={(2019, 12): 6000}, INT={(2020, 1): 330})
    evaluation = evaluate("K2", values, 2020, 1, Target("quote", Decimal("5"), "hoeher"))
    assert evaluation.verdict == Verdict.MET
    assert evaluation.comparison.missing_months == (date(2018, 12, 1), date(2019, 1, 1))


def test_ceiling_is_met_at_or_below_the_allowed_change_whatever_the_direction():
    ceiling = Target("obergrenze", Decimal("0.2"), "hoeher")
    assert verdict("K1", llu_values(1000, 1002), ceiling) == Verdict.MET
    assert verdict("K1", llu_values(1000, 1003), ceiling) == Verdict.NOT_MET
    # The worked example's K1 (−0,59 %) stays below a ceiling of +0,2 %.
    k1_ceiling = Target("obergrenze", Decimal("0.2"), "niedriger")
    assert verdict("K1", WORKED_EXAMPLE, k1_ceiling, month=2) == Verdict.MET


def test_monitoring_has_no_verdict_but_its_figures():
    evaluation = evaluate("K1", WORKED_EXAMPLE, 2020, 2, None, monitoring=True)
    assert evaluation.verdict == Verdict.MONITORING
    assert evaluation.target_path is None
    assert evaluation.comparison.current.value == 6740000


# --- target path ------------------------------------------------------------------------------


def test_target_path_is_the_previous_years_jfw_times_one_plus_target():
    comparison = compare("K2", WORKED_EXAMPLE, 2020, 2)
    path = target_path(K2_PLUS, comparison.previous)
    assert path == comparison.previous.value * Decimal("1.031")
    assert round(path, 4) == Decimal("5.2828")
    assert target_path(K3_MINUS, compare("K3", WORKED_EXAMPLE, 2020, 2).previous) == Decimal(
        "3935.075"
    )


def test_target_path_is_missing_when_the_previous_year_is():
    assert target_path(K2_PLUS, year_to_date("K2", {}, 2019, 2)) is None


def test_month_verdict_follows_the_path_of_that_month():
    # January 2020 is below January 2019's path, February is above February's.
    values = figures(LZB={(2019, 1): 1000, (2019, 2): 1000, (2020, 1): 1000, (2020, 2): 940})
    january = evaluate("K3", values, 2020, 1, K3_MINUS)
    february = evaluate("K3", values, 2020, 2, K3_MINUS)
    assert january.target_path == Decimal("985") and january.verdict == Verdict.NOT_MET
    assert february.comparison.current.value == 970
    assert february.target_path == Decimal("985") and february.verdict == Verdict.MET


# --- verdict ----------------------------------------------------------------------------------


def test_verdict_labels_and_css_classes():
    assert Verdict.MET.label == "erreicht"
    assert Verdict.NOT_MET.label == "nicht erreicht"
    assert Verdict.NOT_MET.interim_label == "nicht auf Zielkurs"
    assert Verdict.NO_DATA.label == "keine Daten"
    assert Verdict.MONITORING.label == "Monitoring"
    assert Verdict.NOT_MET.label_for(date(2020, 6, 1)) == "nicht auf Zielkurs"
    assert Verdict.NOT_MET.label_for(date(2020, 12, 1)) == "nicht erreicht"
    assert [v.css_class for v in Verdict] == [
        "verdict-met",
        "verdict-not-met",
        "verdict-no-data",
        "verdict-monitoring",
    ]
    assert Verdict("met") is Verdict.MET and Verdict.MET == "met"
