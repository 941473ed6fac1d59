"""The official Kennzahlen of the Kennzahlen-Verordnung (K1 § 4, K2 § 5, K3 § 6) as the BA
publishes them, beside the JFW: worked figures of Landkreis 03358 (domain reference § 5.5)."""

from datetime import date
from decimal import Decimal

import pytest

from indicators import official as c


def worked_values():
    """The worked example of § 5.5, with a full year of INT and ELB before February 2020."""
    values = {
        ("ELB", date(2018, 12, 1)): Decimal(6000),
        ("ELB", date(2019, 1, 1)): Decimal(6100),
        ("ELB", date(2019, 12, 1)): Decimal(5900),
        ("ELB", date(2020, 1, 1)): Decimal(5950),
        ("INT", date(2019, 1, 1)): Decimal(150),
        ("INT", date(2019, 2, 1)): Decimal(160),
        ("INT", date(2020, 1, 1)): Decimal(160),
        ("INT", date(2020, 2, 1)): Decimal(170),
        ("LZB", date(2019, 1, 1)): Decimal(4000),
        ("LZB", date(2019, 2, 1)): Decimal(3990),
        ("LZB", date(2020, 1, 1)): Decimal(3900),
        ("LZB", date(2020, 2, 1)): Decimal(3920),
        ("LLU", date(2019, 1, 1)): Decimal(3_400_000),
        ("LLU", date(2019, 2, 1)): Decimal(3_380_000),
        ("LLU", date(2020, 1, 1)): Decimal(3_350_000),
        ("LLU", date(2020, 2, 1)): Decimal(3_390_000),
    }
    for number in range(2, 12):  # ELB 02 … 11/2019: 6 000; INT 03 … 12/2019: 100
        values[("ELB", date(2019, number, 1))] = Decimal(6000)
        values[("INT", date(2019, number + 1, 1))] = Decimal(100)
    return values


def test_k2_twelve_month_value_divides_twelve_months_of_integrations_by_the_lagged_stock():
    result = c.official("K2", c.TWELVE_MONTHS, worked_values(), 2020, 2)
    # INT 03/2019 … 02/2020: 10 × 100 + 160 + 170 = 1 330; ELB 02/2019 … 01/2020:
    # 10 × 6 000 + 5 900 + 5 950 = 71 850, mean 5 987,5; 1 330 / 5 987,5 × 100 = 22,21 %.
    assert round(result.value, 4) == Decimal("22.2129")
    assert result.missing == ()


def test_k2_jfw_variant_is_the_jfw_level_not_the_twelve_month_value():
    result = c.official("K2", c.JFW, worked_values(), 2020, 2)
    assert round(result.value, 2) == Decimal("5.57")


def test_k1_and_k3_month_against_the_same_month_of_the_previous_year():
    k1 = c.official("K1", c.PREVIOUS_YEAR_MONTH, worked_values(), 2020, 2)
    k3 = c.official("K3", c.PREVIOUS_YEAR_MONTH, worked_values(), 2020, 2)
    assert round(k1.value, 2) == Decimal("0.30")  # 3 390 000 / 3 380 000 − 1
    assert round(k3.value, 2) == Decimal("-1.75")  # 3 920 / 3 990 − 1


def test_k1_and_k3_jfw_variant_is_the_change_of_the_jfw():
    assert round(c.official("K1", c.JFW, worked_values(), 2020, 2).value, 1) == Decimal("-0.6")
    assert round(c.official("K3", c.JFW, worked_values(), 2020, 2).value, 1) == Decimal("-2.1")


def test_a_missing_month_names_it_and_makes_no_number():
    values = worked_values()
    del values[("ELB", date(2019, 5, 1))]
    result = c.official("K2", c.TWELVE_MONTHS, values, 2020, 2)
    assert result.value is None
    assert result.missing == (("ELB", date(2019, 5, 1)),)


def test_a_variant_the_indicator_has_not_is_refused():
    with pytest.raises(ValueError):
        c.official("K3", c.TWELVE_MONTHS, worked_values(), 2020, 2)
    assert c.OFFICIAL_VARIANTS["K2"] == (c.JFW, c.TWELVE_MONTHS)
    assert c.OFFICIAL_VARIANTS["K1"] == (c.JFW, c.PREVIOUS_YEAR_MONTH)


def test_a_deviation_is_flagged_only_above_the_threshold():
    assert c.deviation(Decimal("22.2129"), Decimal("22.2")) == Decimal("0.0129")
    assert not c.exceeds(Decimal("0.1"), Decimal("0.1"))
    assert c.exceeds(Decimal("-0.11"), Decimal("0.1"))
    assert c.deviation(None, Decimal(1)) is None and not c.exceeds(None, Decimal("0.1"))
