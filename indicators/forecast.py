"""The year-end forecast of an indicator, from one delivery's values: this year's JFW times
the seasonal profile (December against the same month) of the previous years in the same
delivery, with a band from the smallest to the largest ratio and its outlook against the
year-end target. Pure functions on plain data, as in indicators.computations."""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from indicators.computations import (
    QUOTA,
    ZERO,
    Target,
    at_result_precision,
    exact_precision,
    target_path,
    year_to_date,
)

# The previous years whose seasonal profile the forecast uses (the nearest first) and the fewest
# it needs to draw a band; with fewer the forecast is left out (reason given).
FORECAST_YEARS = 5
FORECAST_MIN_YEARS = 2


class Outlook(StrEnum):
    """How likely the forecast band says the year-end target is."""

    REACHABLE = "reachable"
    AT_RISK = "at_risk"
    UNLIKELY = "unlikely"

    @property
    def label(self):
        return {
            Outlook.REACHABLE: "erreichbar",
            Outlook.AT_RISK: "gefährdet",
            Outlook.UNLIKELY: "kaum erreichbar",
        }[self]

    @property
    def css_class(self):
        return "outlook-" + self.value.replace("_", "-")


@dataclass(frozen=True)
class Forecast:
    """The projected Jahresendwert of one indicator made at one month.

    `value` is this year's JFW × the mean seasonal ratio JFW(December) / JFW(month) of the
    previous `years`; `low` and `high` use the smallest and largest ratio. `target` is the
    year-end target line (None for monitoring), `outlook` the verdict of the band against it.
    Without a forecast every figure is None and `reason` says why, in German."""

    code: str
    year: int
    month: int
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    years: tuple[int, ...] = ()
    target: Decimal | None = None
    outlook: Outlook | None = None
    reason: str = ""


def _seasonal_ratio(code, values, year, month):
    """JFW(year, 12) / JFW(year, month) of one previous year, or None if not computable."""
    december = year_to_date(code, values, year, 12)
    at_month = year_to_date(code, values, year, month)
    if december.exact is None or at_month.exact is None or at_month.exact[0] == 0:
        return None
    (n_dec, d_dec), (n_mon, d_mon) = december.exact, at_month.exact
    with exact_precision():
        return (n_dec * d_mon) / (d_dec * n_mon)


def _years_held(years):
    if not years:
        return "kein vollständiges Vorjahr"
    if len(years) == 1:
        return f"nur ein vollständiges Vorjahr ({years[0]})"
    return f"nur {len(years)} vollständige Vorjahre"


def outlook(low, high, target: Target | None, target_line):
    """Erreichbar when the whole band lies on the target's side of the year-end target line
    (the line itself counts as met), kaum erreichbar when the whole band lies off it,
    gefährdet when the line falls inside the band. None for goals without a target."""
    if target is None or target_line is None:
        return None
    if target.wants_higher:
        if low >= target_line:
            return Outlook.REACHABLE
        if high < target_line:
            return Outlook.UNLIKELY
    else:
        if high <= target_line:
            return Outlook.REACHABLE
        if low > target_line:
            return Outlook.UNLIKELY
    return Outlook.AT_RISK


def forecast(code, values, year, month, target: Target | None = None, *, years=FORECAST_YEARS):
    """The Jahresendwert of `code` in `year` projected at `month`, from one delivery's values.

    The seasonal profile of a previous year is the ratio of its December JFW to its JFW at the
    same month, both from the same values (the same delivery). The previous years are taken
    from the nearest back, up to `years`, as long as the values hold them. In December the
    Jahresendwert is known, so there is no forecast."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month!r}")
    if month == 12:
        return Forecast(code, year, month, reason="Im Dezember steht der Jahresendwert fest.")
    current = year_to_date(code, values, year, month)
    if current.exact is None:
        return Forecast(code, year, month, reason="Der Jahresfortschrittswert dieses Monats fehlt.")
    ratios, used = [], []
    for previous in range(year - 1, year - 1 - years, -1):
        ratio = _seasonal_ratio(code, values, previous, month)
        if ratio is None:
            break
        ratios.append(ratio)
        used.append(previous)
    if len(ratios) < FORECAST_MIN_YEARS:
        return Forecast(
            code,
            year,
            month,
            years=tuple(used),
            reason=(
                f"Zu kurzer Verlauf für eine Prognose: die Lieferung enthält {_years_held(used)}; "
                f"nötig sind mindestens {FORECAST_MIN_YEARS}."
            ),
        )
    n, d = current.exact
    with exact_precision():
        jfw = n / d
        value = jfw * sum(ratios, ZERO) / len(ratios)
        low, high = jfw * min(ratios), jfw * max(ratios)
    line = None
    if target is not None:
        if target.type == QUOTA:
            line = Decimal(target.value)
        else:
            line = target_path(target, year_to_date(code, values, year - 1, 12))
    return Forecast(
        code,
        year,
        month,
        value=at_result_precision(value),
        low=at_result_precision(low),
        high=at_result_precision(high),
        years=tuple(used),
        target=line,
        outlook=outlook(low, high, target, line),
    )
