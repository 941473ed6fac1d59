"""The official Kennzahlen (Kennzahlen-Verordnung §§ 4–6) as the BA publishes them, computed
from the same base quantities as the agreements' JFW (indicators.computations), to reconcile
the product's figures with the published ones (docs/attainment.md)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from indicators.computations import (
    FORMULAS,
    HUNDRED,
    RATE,
    ZERO,
    at_result_precision,
    compare,
    exact_precision,
    needed_values,
    relative_change_percent,
    year_to_date,
)

# The BA's variants of a published value (indicators.models.Variant, plain strings here).
JFW = "jfw"
TWELVE_MONTHS = "zwoelf_monate"
PREVIOUS_YEAR_MONTH = "vorjahresmonat"

# Which variants the product computes for an indicator: a quota as the JFW level and the
# 12-month value (§ 5), a sum or a stock as the change of the JFW and the change of the month
# against the same month of the previous year (§§ 4, 6).
OFFICIAL_VARIANTS = {
    code: (JFW, TWELVE_MONTHS) if formula.kind == RATE else (JFW, PREVIOUS_YEAR_MONTH)
    for code, formula in FORMULAS.items()
}


def publishes_change(code):
    """Whether the published figures of `code` are changes in percent (K1, K3: a sum or a
    stock) rather than levels (a quota in percent)."""
    return FORMULAS[code].kind != RATE


def _shift(month, by):
    """The first day of the month `by` months after `month` (negative: before)."""
    number = month.year * 12 + month.month - 1 + by
    return date(number // 12, number % 12 + 1, 1)


@dataclass(frozen=True)
class Official:
    """One official Kennzahl of one month: `value` in percent (a level for a quota, a change
    for K1/K3), or None with the `missing` (code, month) pairs named."""

    code: str
    variant: str
    month: date
    value: Decimal | None
    missing: tuple[tuple[str, date], ...] = ()


def official_needed(code, variant, year, month):
    """The (code, month) pairs the official value of `code` in `variant` at `month` needs."""
    formula = FORMULAS[code]
    at = date(year, month, 1)
    if variant == JFW:
        return needed_values(code, year, month)
    if variant == TWELVE_MONTHS and formula.kind == RATE:
        flows = [(formula.flow, _shift(at, -i)) for i in range(12)]
        return tuple(flows + [(formula.stock, _shift(at, -i)) for i in range(1, 13)])
    if variant == PREVIOUS_YEAR_MONTH and formula.kind != RATE:
        return ((formula.flow, at), (formula.flow, _shift(at, -12)))
    raise ValueError(f"{code} has no variant {variant!r}")


def official(code, variant, values: Mapping[tuple[str, date], Decimal], year, month):
    """The official Kennzahl `code` in `variant` at `month` of `year`, from one delivery:

    - `jfw`: for a quota its JFW (§ 5.3), for K1/K3 the change of the JFW against the
      previous year's (the BA's „Jahresfortschrittswert“ of a change);
    - `zwoelf_monate` (quotas, § 5): Σ flow of the 12 months up to `month` / mean stock of the
      12 months before each (m−12 … m−1) × 100;
    - `vorjahresmonat` (K1 § 4, K3 § 6): flow(y,m) / flow(y−1,m) − 1, in percent."""
    needed = official_needed(code, variant, year, month)
    at = date(year, month, 1)
    missing = tuple(pair for pair in needed if values.get(pair) is None)
    if missing:
        return Official(code, variant, at, None, missing)
    formula = FORMULAS[code]
    if variant == JFW:
        if formula.kind == RATE:
            return Official(code, variant, at, year_to_date(code, values, year, month).value)
        return Official(code, variant, at, compare(code, values, year, month).change_percent)
    if variant == PREVIOUS_YEAR_MONTH:
        change = relative_change_percent(values[needed[0]], values[needed[1]])
        return Official(code, variant, at, change)
    with exact_precision():
        flow = sum((Decimal(values[pair]) for pair in needed[:12]), ZERO)
        stock = sum((Decimal(values[pair]) for pair in needed[12:]), ZERO)
        if stock == 0:
            return Official(code, variant, at, None)
        # Σ flow / (Σ stock / 12) × 100
        return Official(code, variant, at, at_result_precision(HUNDRED * 12 * flow / stock))


def deviation(computed, published):
    """computed − published (both in percent, the published one as rounded by the BA), or
    None when either is missing."""
    if computed is None or published is None:
        return None
    return at_result_precision(Decimal(computed) - Decimal(published))


def exceeds(difference, threshold):
    """Whether a deviation is above the threshold (its magnitude; the threshold itself is not)."""
    return difference is not None and abs(difference) > Decimal(threshold)
