"""Jahresfortschrittswerte (JFW) and target evaluation, as pure functions on plain data.

The input is always the values of *one* data delivery for *one* unit (Landkreis): a mapping
`(code, month) → Decimal`, month being the first day of the month (`date(2020, 2, 1)`).
Nothing here reads the database; `agreements.attainment` loads the values and calls these.

The rules (domain reference § 5.3/5.4, written down in docs/attainment.md):

    K1   JFW(y,m) = Σ_{i=1..m} LLU(y,i)
    K2   JFW(y,m) = Σ_{i=1..m} INT(y,i) / mean_{i=0..m-1} ELB(y,i) × 100,  ELB(y,0) = ELB(y-1,12)
    K3   JFW(y,m) = mean_{i=1..m} LZB(y,i)
    K2E4 as K2 with INT_AE / ELB_AE;  K3E1 as K2 with INT_LZB / LZB
    change = JFW(y,m) / JFW(y-1,m) − 1, in percent

A month that a formula needs and the delivery lacks makes the JFW "not computable"; the
missing months are named, no number is made up and no other delivery is consulted.

Each JFW is kept as an exact fraction of two Decimals (sums and products of the delivered
values are exact at the precision used here), so that a verdict on the boundary (a change of
exactly −1,5 % against a target of −1,5 %) is decided on the exact figures, not on rounded ones.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext
from enum import StrEnum

# Wide enough that sums and products of delivered values (Decimal(20, 4)) are exact.
EXACT_PRECISION = 80
# Precision of the figures handed out (the Decimal default).
RESULT_PRECISION = 28

HUNDRED = Decimal(100)
ZERO = Decimal(0)

# Target types and better-directions, as stored in agreements.models.TargetType and
# indicators.models.Better (plain strings here, so this module needs no models).
CHANGE = "veraenderung"
QUOTA = "quote"
CEILING = "obergrenze"
HIGHER = "hoeher"
LOWER = "niedriger"
NEUTRAL = "neutral"


class Verdict(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NO_DATA = "no_data"
    MONITORING = "monitoring"

    @property
    def label(self):
        return {
            Verdict.MET: "erreicht",
            Verdict.NOT_MET: "nicht erreicht",
            Verdict.NO_DATA: "keine Daten",
            Verdict.MONITORING: "Monitoring",
        }[self]

    @property
    def interim_label(self):
        """The label for a month before December, when the year is not over yet."""
        return {
            Verdict.MET: "auf Zielkurs",
            Verdict.NOT_MET: "nicht auf Zielkurs",
            Verdict.NO_DATA: "keine Daten",
            Verdict.MONITORING: "Monitoring",
        }[self]

    def label_for(self, month):
        """`label` for December (the Jahresendwert), `interim_label` before."""
        return self.label if month is None or month.month == 12 else self.interim_label

    @property
    def css_class(self):
        return "verdict-" + self.value.replace("_", "-")


# ---------------------------------------------------------------------------------------------
# Formulas


SUM = "summe"
MEAN = "mittelwert"
RATE = "quote"


@dataclass(frozen=True)
class Formula:
    """How an indicator's JFW is made from base quantities.

    `flow` is the summed (SUM), averaged (MEAN) or counted (RATE) quantity; `stock` is the
    stock a RATE divides by, lagged by one month (the stock at the end of the month before).
    """

    kind: str
    flow: str
    stock: str = ""

    @property
    def codes(self):
        return (self.flow, self.stock) if self.stock else (self.flow,)

    def needed(self, year, month):
        """The (code, month) pairs the JFW of `year` up to `month` is made of."""
        months = [date(year, i, 1) for i in range(1, month + 1)]
        pairs = [(self.flow, m) for m in months]
        if self.kind == RATE:
            stock_months = [date(year - 1, 12, 1)] + months[:-1]
            pairs += [(self.stock, m) for m in stock_months]
        return tuple(pairs)


FORMULAS = {
    "K1": Formula(SUM, "LLU"),
    "K2": Formula(RATE, "INT", "ELB"),
    "K3": Formula(MEAN, "LZB"),
    "K2E4": Formula(RATE, "INT_AE", "ELB_AE"),
    "K3E1": Formula(RATE, "INT_LZB", "LZB"),
}

BASE_CODES = tuple(sorted({code for f in FORMULAS.values() for code in f.codes}))


def is_computable(code):
    """Whether the product computes this indicator's JFW from base quantities."""
    return code in FORMULAS


def needed_values(code, year, month):
    """Every (code, month) the comparison of `year` with `year − 1` up to `month` needs."""
    formula = FORMULAS[code]
    return formula.needed(year, month) + formula.needed(year - 1, month)


def at_result_precision(value):
    """Hand a figure out at the usual Decimal precision (the exact one stays inside)."""
    with localcontext(prec=RESULT_PRECISION):
        return +value


def exact_precision():
    return localcontext(prec=EXACT_PRECISION)


# ---------------------------------------------------------------------------------------------
# Jahresfortschrittswerte


@dataclass(frozen=True)
class YearToDate:
    """One Jahresfortschrittswert (JFW) of one year up to one month.

    `value` is None when a needed month is missing (then `missing` names it) or when a stock
    the quota divides by is zero. For quotas, `numerator` is Σ integrations and `denominator`
    the mean stock (the absolute figures shown beside the quota); both are None for K1 and K3.
    """

    code: str
    year: int
    month: int
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    missing: tuple[tuple[str, date], ...] = ()
    # value = exact[0] / exact[1], kept exact for comparisons; None when value is None.
    exact: tuple[Decimal, Decimal] | None = field(default=None, repr=False, compare=False)

    @property
    def missing_months(self):
        return tuple(sorted({month for _, month in self.missing}))


def year_to_date(code, values: Mapping[tuple[str, date], Decimal], year, month):
    """The JFW of indicator `code` for `year`, January to `month`, from one delivery's values."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month!r}")
    formula = FORMULAS[code]
    needed = formula.needed(year, month)
    missing = tuple(pair for pair in needed if values.get(pair) is None)
    if missing:
        return YearToDate(code, year, month, None, missing=missing)
    months = [date(year, i, 1) for i in range(1, month + 1)]
    with exact_precision():
        flow = sum((Decimal(values[(formula.flow, m)]) for m in months), ZERO)
        if formula.kind == SUM:
            return YearToDate(
                code, year, month, at_result_precision(flow), exact=(flow, Decimal(1))
            )
        if formula.kind == MEAN:
            count = Decimal(month)
            return YearToDate(
                code, year, month, at_result_precision(flow / count), exact=(flow, count)
            )
        stock_months = [date(year - 1, 12, 1)] + months[:-1]
        stock = sum((Decimal(values[(formula.stock, m)]) for m in stock_months), ZERO)
        mean_stock = at_result_precision(stock / month)
        if stock == 0:
            return YearToDate(code, year, month, None, numerator=flow, denominator=mean_stock)
        # Σ flow / (Σ stock / m) × 100 = (100 · m · Σ flow) / Σ stock
        numerator = HUNDRED * month * flow
        return YearToDate(
            code,
            year,
            month,
            at_result_precision(numerator / stock),
            numerator=at_result_precision(flow),
            denominator=mean_stock,
            exact=(numerator, stock),
        )


def jfw_k1(values, year, month):
    """K1: Σ LLU January..month (EUR)."""
    return year_to_date("K1", values, year, month)


def jfw_k2(values, year, month):
    """K2 Integrationsquote in percent: Σ INT / mean ELB of the months before (lagged)."""
    return year_to_date("K2", values, year, month)


def jfw_k3(values, year, month):
    """K3: mean stock of Langzeitleistungsbeziehende January..month (persons)."""
    return year_to_date("K3", values, year, month)


def jfw_k2e4(values, year, month):
    """K2E4 Integrationsquote der Alleinerziehenden: as K2 with INT_AE / ELB_AE."""
    return year_to_date("K2E4", values, year, month)


def jfw_k3e1(values, year, month):
    """K3E1 Integrationsquote der Langzeitleistungsbeziehenden: as K2 with INT_LZB / LZB."""
    return year_to_date("K3E1", values, year, month)


def relative_change_percent(current, previous):
    """`current / previous − 1` in percent; None when either is missing or previous is 0."""
    if current is None or previous is None or previous == 0:
        return None
    with exact_precision():
        return at_result_precision((Decimal(current) / Decimal(previous) - 1) * HUNDRED)


@dataclass(frozen=True)
class Comparison:
    """The JFW of a year and of the year before, up to the same month, from one delivery."""

    current: YearToDate
    previous: YearToDate

    @property
    def code(self):
        return self.current.code

    @property
    def missing(self):
        return tuple(sorted(set(self.current.missing) | set(self.previous.missing)))

    @property
    def missing_months(self):
        return tuple(sorted({month for _, month in self.missing}))

    @property
    def complete(self):
        return self.current.exact is not None and self.previous.exact is not None

    @property
    def ratio(self):
        """JFW(y,m) / JFW(y−1,m) as an exact fraction (numerator, denominator), or None."""
        if not self.complete or self.previous.exact[0] == 0:
            return None
        (n_cur, d_cur), (n_prev, d_prev) = self.current.exact, self.previous.exact
        with exact_precision():
            return n_cur * d_prev, d_cur * n_prev

    @property
    def change_percent(self):
        ratio = self.ratio
        if ratio is None:
            return None
        with exact_precision():
            return at_result_precision((ratio[0] / ratio[1] - 1) * HUNDRED)


def compare(code, values, year, month):
    """JFW of `year` and `year − 1` up to `month`, both from the same delivery's values."""
    return Comparison(
        year_to_date(code, values, year, month), year_to_date(code, values, year - 1, month)
    )


# ---------------------------------------------------------------------------------------------
# Targets


@dataclass(frozen=True)
class Target:
    """A goal's target: its type (veraenderung/quote/obergrenze), the value in percent
    (signed for changes), and the indicator's better-direction (hoeher/niedriger/neutral)."""

    type: str
    value: Decimal
    better: str = NEUTRAL

    @property
    def is_change(self):
        return self.type != QUOTA

    @property
    def wants_higher(self):
        """Whether meeting the target means reaching at least (not at most) the target line.

        A ceiling is always "at most". Otherwise the indicator's direction decides; a neutral
        indicator has none, so the target's sign says which way is meant ("+3,1 %" rises,
        "−1,5 %" falls; a quota is reached from below)."""
        if self.type == CEILING:
            return False
        if self.better == HIGHER:
            return True
        if self.better == LOWER:
            return False
        return self.type == QUOTA or self.value >= 0


def target_path(target: Target, previous: YearToDate):
    """The JFW the target asks for at this month: the previous year's JFW × (1 + target/100)
    for change targets and ceilings, the quota itself for quota targets."""
    if target.type == QUOTA:
        return Decimal(target.value)
    if previous.exact is None:
        return None
    n_prev, d_prev = previous.exact
    with exact_precision():
        return at_result_precision(n_prev * (HUNDRED + Decimal(target.value)) / (d_prev * HUNDRED))


def _sign(value):
    return (value > 0) - (value < 0)


def _position(comparison: Comparison, target: Target):
    """Sign of (actual − target line), computed exactly; None if it cannot be decided."""
    t = Decimal(target.value)
    with exact_precision():
        if target.type == QUOTA:
            if comparison.current.exact is None:
                return None
            n, d = comparison.current.exact
            return _sign(n - t * d)
        ratio = comparison.ratio
        if ratio is None:
            return None
        # ratio ≥ 1 + t/100  ⇔  100 · n ≥ (100 + t) · d   (d > 0)
        n, d = ratio
        return _sign(HUNDRED * n - (HUNDRED + t) * d)


def judge(comparison: Comparison, target: Target | None, *, monitoring=False):
    """The verdict of one goal at one month: met / not met vs. the target line, no data when
    the figures needed for the decision are incomplete, monitoring for goals without a target.

    A change target needs both years (the change); a quota needs only this year's JFW."""
    if monitoring or target is None:
        return Verdict.MONITORING
    position = _position(comparison, target)
    if position is None:
        return Verdict.NO_DATA
    met = position >= 0 if target.wants_higher else position <= 0
    return Verdict.MET if met else Verdict.NOT_MET


@dataclass(frozen=True)
class Evaluation:
    comparison: Comparison
    target: Target | None
    verdict: Verdict
    target_path: Decimal | None

    @property
    def change_percent(self):
        return self.comparison.change_percent

    @property
    def target_change_percent(self):
        if self.target is None or not self.target.is_change:
            return None
        return Decimal(self.target.value)


def evaluate(code, values, year, month, target: Target | None, *, monitoring=False):
    """Comparison, target path and verdict of one indicator at one month."""
    comparison = compare(code, values, year, month)
    path = None if target is None else target_path(target, comparison.previous)
    verdict = judge(comparison, target, monitoring=monitoring)
    return Evaluation(comparison, target, verdict, path)
