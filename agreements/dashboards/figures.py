"""A goal's figures as the dashboards show them: the JFW in its unit, targets,
forecasts, and the download cells that hold the same figures as numbers."""

from dataclasses import dataclass
from decimal import Decimal

from agreements import attainment
from agreements.exports import Number
from agreements.models import (
    AgreementStatus,
    GoalKind,
    TargetType,
)
from indicators import catalogue
from indicators.models import (
    Unit,
)
from zielsteuerung import formats

UNIT_LABELS = {Unit.PERCENT: "%", Unit.EUR: "Euro", Unit.PERSONS: "Personen", Unit.COUNT: "Anzahl"}


# ---------------------------------------------------------------------------------------------
# Formats


def jfw_places(unit):
    return 2 if unit == Unit.PERCENT else 0


def format_jfw(value, unit, places=None):
    """A JFW in its unit (catalogue.jfw_unit): `5,57 %`, `6.740.000 Euro`, `3.910`; `places`
    other than the unit's own for the ticks of a chart axis."""
    places = jfw_places(unit) if places is None else places
    if unit == Unit.PERCENT:
        return formats.percent(value, places)
    if unit == Unit.EUR:
        return formats.euro(value, places)
    return formats.number(value, places)


def forecast_range_text(forecast, unit):
    """`31,20 % (Band 29,80 % bis 32,50 %)`: the forecast and its band, in the JFW's unit."""
    value = format_jfw(forecast.value, unit)
    low, high = format_jfw(forecast.low, unit), format_jfw(forecast.high, unit)
    return f"{value} (Band {low} bis {high})"


def with_forecasts(attainments):
    """[(attainment, forecast)] of the attainments (one query for the forecasts' values)."""
    attainments = list(attainments)
    return list(zip(attainments, attainment.forecasts(attainments), strict=True))


def target_places(value):
    """One decimal as in the agreements (`+3,1 %`), two when the target has them."""
    return 1 if value == value.quantize(Decimal("0.1")) else 2


def target_text(goal):
    """`+3,1 %`, `höchstens +0,2 %`, `Quote 31,1 %` or `Monitoring`."""
    if goal.kind != GoalKind.QUANTITATIVE or goal.target_value is None:
        return "Monitoring"
    places = target_places(goal.target_value)
    if goal.target_type == TargetType.QUOTA:
        return f"Quote {formats.percent(goal.target_value, places)}"
    text = formats.percent(goal.target_value, places, sign=True)
    return f"höchstens {text}" if goal.target_type == TargetType.CEILING else text


# ---------------------------------------------------------------------------------------------
# Download cells: the figures of the page as numbers, rounded as the page shows them


@dataclass(frozen=True)
class Percent(Number):
    """A figure already in percent (5.57 for `5,57 %`): a number in CSV and XLSX, shown in XLSX
    with a `%` sign but not scaled, as a signed change (`+3,1 %`) when `sign` is set; the
    exporter takes the format from `number_format`."""

    sign: bool = False

    @property
    def number_format(self):
        digits = "#,##0" + ("." + "0" * self.places if self.places else "")
        shown = f'{digits}" %"'
        if self.sign:
            return f'"+"{shown};"{formats.MINUS}"{shown};{shown}'
        return f'{shown};"{formats.MINUS}"{shown}'


def jfw_cell(value, unit):
    """A JFW (or target path) in its indicator's unit, rounded as on the pages."""
    if value is None:
        return None
    places = jfw_places(unit)
    return Percent(value, places) if unit == Unit.PERCENT else Number(value, places)


def change_cell(value):
    """A change against the previous year: `+8,7 %` on the page, 8.7 in the download."""
    return None if value is None else Percent(value, 1, sign=True)


def target_cell(goal):
    """A quantitative goal's agreed target as on the pages (`+3,1 %`, `Quote 31,1 %`)."""
    if goal.kind != GoalKind.QUANTITATIVE or goal.target_value is None:
        return None
    value = goal.target_value
    return Percent(value, target_places(value), sign=goal.target_type != TargetType.QUOTA)


def is_draft(goal):
    """Whether the goal's agreement is still a draft (its targets are not agreed yet)."""
    return goal is not None and goal.agreement.status == AgreementStatus.DRAFT


def target_kind(goal):
    if goal.kind != GoalKind.QUANTITATIVE or goal.target_value is None:
        return "Monitoring"
    return goal.get_target_type_display()


# ---------------------------------------------------------------------------------------------
# One goal's figures at one month


class FigureTexts:
    """The texts of `self.figures` (an attainment.Figures) in the unit of its JFW."""

    @property
    def unit(self):
        return catalogue.jfw_unit(self.figures.indicator_code)

    @property
    def jfw_text(self):
        return format_jfw(self.figures.jfw, self.unit)

    @property
    def previous_text(self):
        return format_jfw(self.figures.jfw_previous_year, self.unit)

    @property
    def change_text(self):
        return formats.percent(self.figures.change_percent, 1, sign=True)

    @property
    def target_path_text(self):
        return format_jfw(self.figures.target_path, self.unit)

    @property
    def verdict_label(self):
        return self.figures.verdict_label

    @property
    def basis_labels(self):
        return catalogue.basis_labels(self.figures.indicator_code)


@dataclass(frozen=True)
class Cell(FigureTexts):
    """A GoalAttainment with the texts a page shows for it."""

    attainment: attainment.GoalAttainment
    # The goal's final assessment once the spring review is approved (year_end.FinalVerdict):
    # it gives the colour; the computed verdict is shown beside it.
    final: object = None
    # The year-end forecast made at the reporting month (forecast.Forecast), if asked for.
    forecast: object = None

    @property
    def figures(self):
        return self.attainment

    @property
    def goal(self):
        return self.attainment.goal

    @property
    def has_forecast(self):
        return self.forecast is not None and self.forecast.value is not None

    @property
    def forecast_text(self):
        """`Prognose Dezember: 31,20 % (29,80–32,50 %)`, or empty without a forecast."""
        if not self.has_forecast:
            return ""
        return f"Prognose Dezember: {forecast_range_text(self.forecast, self.unit)}"

    @property
    def forecast_value_text(self):
        return format_jfw(self.forecast.value, self.unit) if self.has_forecast else ""

    @property
    def forecast_band_text(self):
        if not self.has_forecast:
            return ""
        low, high = self.forecast.low, self.forecast.high
        return f"{format_jfw(low, self.unit)} bis {format_jfw(high, self.unit)}"

    @property
    def forecast_years_text(self):
        """`Saisonverlauf 2015–2019`: the previous years the forecast stands on."""
        years = self.forecast.years if self.has_forecast else ()
        return f"Saisonverlauf {min(years)}–{max(years)}" if years else ""

    @property
    def forecast_target_text(self):
        target = self.forecast.target if self.has_forecast else None
        return format_jfw(target, self.unit) if target is not None else "–"

    @property
    def outlook_label(self):
        outlook = self.forecast.outlook if self.has_forecast else None
        return outlook.label if outlook else ""

    @property
    def outlook_class(self):
        outlook = self.forecast.outlook if self.has_forecast else None
        return outlook.css_class if outlook else ""

    @property
    def target_text(self):
        return target_text(self.goal)

    @property
    def is_draft(self):
        """The target is not yet agreed: the agreement is still a draft."""
        return is_draft(self.goal)

    @property
    def distance_percent(self):
        return self.attainment.distance_percent

    @property
    def distance_text(self):
        """`3,2 % hinter dem Zielpfad`, `1,0 % vor dem Zielpfad`, or empty."""
        distance = self.distance_percent
        if distance is None:
            return ""
        side = "vor dem" if distance >= 0 else "hinter dem"
        return f"{formats.percent(abs(distance), 1)} {side} Zielpfad"

    @property
    def verdict(self):
        return self.attainment.verdict

    @property
    def css_class(self):
        return self.final.css_class if self.final else self.verdict.css_class
