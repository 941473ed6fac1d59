"""The dashboards' figures, shaped for pages and downloads.

Every number comes from the attainment engine (agreements.attainment, indicators.computations);
this module groups, sorts, labels and formats it. The queries it makes do not depend on the
number of Landkreise, goals or months (tests/test_dashboards_queries.py holds that).
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Exists

from agreements import attainment, charts, explanations
from agreements.exports import Column, Number, Table
from agreements.models import (
    Agreement,
    AgreementStatus,
    BudgetKind,
    Goal,
    GoalKind,
    TargetType,
)
from indicators import computations
from indicators.computations import Verdict
from indicators.models import (
    Better,
    DataDelivery,
    Indicator,
    IndicatorKind,
    Unit,
    Values,
)
from zielsteuerung import formats
from zielsteuerung.models import Organisation

UNIT_LABELS = {Unit.PERCENT: "%", Unit.EUR: "Euro", Unit.PERSONS: "Personen", Unit.COUNT: "Anzahl"}

# What the absolute figures beside a quota count (numerator / denominator of the JFW).
BASIS_LABELS = {
    "K2": ("Integrationen (Summe)", "erwerbsfähige Leistungsberechtigte (Durchschnitt)"),
    "K2E4": (
        "Integrationen von Alleinerziehenden (Summe)",
        "erwerbsfähige Alleinerziehende (Durchschnitt)",
    ),
    "K3E1": (
        "Integrationen von Langzeitleistungsbeziehenden (Summe)",
        "Langzeitleistungsbeziehende (Durchschnitt)",
    ),
}


# ---------------------------------------------------------------------------------------------
# Formats


# The JFW of a sum of money is in Euro, of a mean stock in persons; a RATE is a quota (%).
MONEY_FLOWS = {"LLU", "LUH"}


def jfw_unit(code):
    """The unit of an indicator's JFW (the catalogue's unit is that of the change, `prozent`)."""
    formula = computations.FORMULAS.get(code)
    if formula is None or formula.kind == computations.RATE:
        return Unit.PERCENT
    return Unit.EUR if formula.flow in MONEY_FLOWS else Unit.PERSONS


def jfw_places(unit):
    return 2 if unit == Unit.PERCENT else 0


def format_jfw(value, unit):
    """A JFW in its indicator's unit: `5,57 %`, `6.740.000 Euro`, `3.910`."""
    if unit == Unit.PERCENT:
        return formats.percent(value, 2)
    if unit == Unit.EUR:
        return formats.euro(value)
    return formats.number(value, 0)


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


def demo_label(deliveries):
    """`Demodaten` when the figures shown come from demo deliveries, `teilweise Demodaten` when
    some do, else empty. `deliveries`: the delivery of each row (None where a row has none)."""
    flags = {d.is_demo for d in deliveries if d is not None}
    if flags == {True}:
        return "Demodaten"
    return "teilweise Demodaten" if True in flags else ""


def basis_labels(code):
    return BASIS_LABELS.get(code, ("Zähler", "Nenner"))


def delivery_text(delivery):
    """`Ladestand 17.01.2021, ohne Wartezeit`."""
    return f"Ladestand {formats.day(delivery.ladestand)}, {delivery.waiting_label}"


def _newest(delivery):
    return (delivery.ladestand, delivery.waiting_months, delivery.created_at, delivery.pk)


def month_ranges(months):
    """Months as short ranges per year: `Dezember 2018, Januar–Dezember 2019, Januar–Mai 2020`."""
    runs = []
    for month in sorted(months):
        last = runs[-1][-1] if runs else None
        if last and last.year == month.year and last.month + 1 == month.month:
            runs[-1].append(month)
        else:
            runs.append([month])
    texts = []
    for run in runs:
        first, last = run[0], run[-1]
        if first == last:
            texts.append(formats.month_name(first))
        else:
            names = formats.MONTH_NAMES
            texts.append(f"{names[first.month - 1]}–{names[last.month - 1]} {last.year}")
    return ", ".join(texts)


@dataclass(frozen=True)
class IncompleteNote:
    """A newer delivery of a Landkreis passed over because it lacks months the comparison
    needs (attainment.Incomplete), in the words of the page."""

    delivery: DataDelivery
    missing_months: tuple
    used: DataDelivery  # the delivery the figures come from instead

    @property
    def text(self):
        return (
            f"Ladestand {formats.day(self.delivery.ladestand)} "
            f"({self.delivery.waiting_label}) unvollständig: es fehlen "
            f"{month_ranges(self.missing_months)}. Die Zahlen stammen daher aus Ladestand "
            f"{formats.day(self.used.ladestand)} ({self.used.waiting_label})."
        )


def incomplete_notes(attainments):
    """The IncompleteNotes of one Landkreis' attainments (newest passed-over delivery first)."""
    for item in attainments:
        if item.newer_incomplete and item.delivery is not None:
            ordered = sorted(item.newer_incomplete, key=lambda i: _newest(i.delivery))
            return [
                IncompleteNote(i.delivery, i.missing_months, item.delivery)
                for i in reversed(ordered)
            ]
    return []


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
# Data basis: years, deliveries


def year_has_data(year, *, units=None):
    return attainment.base_series(year, units=units).exists()


def default_year(agreements, *, units=None):
    """The year a dashboard opens on: of the agreements' working years (no year of drafts
    only, models.working_years) the latest with data, else the latest — a new year's
    agreements may be signed before its first figures arrive."""
    years = agreements.working_years()
    for year in years:
        if year_has_data(year, units=units):
            return year
    return years[0] if years else None


def deliveries_for_year(deliveries, year, *, unit=None):
    """Those of `deliveries` that hold base values of `year` (of `unit`, if given)."""
    series = Values.objects.of_each_delivery().quantities().in_year(year)
    if unit is not None:
        series = series.for_unit(unit)
    return deliveries.filter(Exists(series)).newest_first()


def basis_text(month, deliveries, *, year, unit_word=("Landkreis", "Landkreise")):
    """The data basis in words: `Berichtsmonat Juni 2020, Ladestand 17.01.2021, ohne Wartezeit`.

    `deliveries`: the delivery of each row (None where a row has no data for the month)."""
    if month is None:
        return f"Für {year} liegen noch keine Daten vor."
    text = f"Berichtsmonat {formats.month_name(month)}"
    counts = Counter(d for d in deliveries if d is not None)
    lacking = sum(1 for d in deliveries if d is None)
    if len(counts) == 1 and not lacking:
        (delivery,) = counts
        return f"{text}, {delivery_text(delivery)}"
    parts = [
        f"{formats.day(d.ladestand)}, {d.waiting_label} "
        f"({n} {unit_word[0] if n == 1 else unit_word[1]})"
        for d, n in sorted(counts.items(), key=lambda item: _newest(item[0]), reverse=True)
    ]
    if parts:
        text += ", je " + unit_word[0] + " der neueste Ladestand mit diesem Monat: "
        text += "; ".join(parts)
    if lacking:
        word = unit_word[0] if lacking == 1 else unit_word[1]
        text += f"; ohne Daten für diesen Monat: {lacking} {word}"
    return text


# ---------------------------------------------------------------------------------------------
# One goal's figures at one month


@dataclass(frozen=True)
class Cell:
    """A GoalAttainment with the texts a page shows for it."""

    attainment: attainment.GoalAttainment
    # The goal's final assessment once the spring review is approved (year_end.FinalVerdict):
    # it gives the colour; the computed verdict is shown beside it.
    final: object = None
    # The year-end forecast made at the reporting month (computations.Forecast), if asked for.
    forecast: object = None

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
    def unit(self):
        return jfw_unit(self.attainment.indicator_code)

    @property
    def jfw_text(self):
        return format_jfw(self.attainment.jfw, self.unit)

    @property
    def previous_text(self):
        return format_jfw(self.attainment.jfw_previous_year, self.unit)

    @property
    def change_text(self):
        return formats.percent(self.attainment.change_percent, 1, sign=True)

    @property
    def target_text(self):
        return target_text(self.goal)

    @property
    def target_path_text(self):
        return format_jfw(self.attainment.target_path, self.unit)

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
    def verdict_label(self):
        return self.verdict.label_for(self.attainment.month)

    @property
    def css_class(self):
        return self.final.css_class if self.final else self.verdict.css_class

    @property
    def basis_labels(self):
        return basis_labels(self.attainment.indicator_code)


# ---------------------------------------------------------------------------------------------
# Overview: all Landkreise × their goals


@dataclass(frozen=True)
class GoalCount:
    """How many Landkreise are off and on the target path for one overview column."""

    column: "GoalColumn"
    off_track: int
    on_track: int

    @property
    def judged(self):
        return self.off_track + self.on_track


@dataclass(frozen=True)
class GoalColumn:
    key: str  # the indicator code; `K2-2` for a second goal on K2 in one agreement
    code: str
    name: str
    unit: str

    @property
    def label(self):
        return self.code if self.key == self.code else f"{self.code} ({self.key[-1]})"


@dataclass
class OverviewRow:
    agreement: Agreement
    cells: dict
    delivery: DataDelivery | None
    newest_month: date | None
    late: bool = False
    ordered_cells: list = field(default_factory=list)  # one per overview column, None if none
    incomplete: list = field(default_factory=list)  # IncompleteNotes: newer deliveries passed over

    @property
    def traeger(self):
        return self.agreement.traeger

    def cell_list(self, columns):
        return [self.cells.get(column.key) for column in columns]

    @property
    def off_track(self):
        """Whether some goal of the row is off the target path („nicht auf Zielkurs“)."""
        return any(cell.attainment.off_track for cell in self.cells.values())

    @property
    def distance_percent(self):
        """The distance of the row's goal furthest behind its target path (None if none)."""
        distances = [cell.distance_percent for cell in self.cells.values()]
        return min((d for d in distances if d is not None), default=None)


@dataclass
class Overview:
    year: int
    month: date | None
    rows: list
    columns: list
    basis_text: str
    newest_month: date | None = None
    sort: str = "landkreis"
    demo_label: str = ""
    off_track_only: bool = False
    counts: list = field(default_factory=list)  # GoalCount per column, over every row
    row_count: int = 0  # rows before the filter
    off_track_total: int = 0  # rows with a goal off the target path, before the filter

    @property
    def has_data(self):
        return self.month is not None

    @property
    def off_label(self):
        """`nicht auf Zielkurs` (in December: `nicht erreicht`)."""
        return Verdict.NOT_MET.label_for(self.month)

    @property
    def on_label(self):
        return Verdict.MET.label_for(self.month)

    @property
    def late_count(self):
        return sum(1 for row in self.rows if row.late)


def _columns_and_cells(agreement, attainments, forecasts=None):
    cells, seen = {}, Counter()
    for item in attainments:
        seen[item.indicator_code] += 1
        n = seen[item.indicator_code]
        key = item.indicator_code if n == 1 else f"{item.indicator_code}-{n}"
        cells[key] = Cell(item, forecast=(forecasts or {}).get(item.goal.pk))
    return cells


def newest_months(units, year, *, delivery=None):
    """{unit_id: the latest month of `year` (or before) any delivery holds base values for}.

    Deliveries never change, so the answer is cached under the chosen delivery, or under the
    newest delivery and the latest withdrawal when all are asked for."""
    units = sorted(units)
    if delivery is not None:
        basis = f"{delivery.pk}@{delivery.created_at.isoformat()}"
    else:
        newest, withdrawn = DataDelivery.objects.figures_version()
        if newest is None:
            return {}
        basis = f"{newest[0]}@{newest[1].isoformat()}@{withdrawn.isoformat() if withdrawn else ''}"
    digest = hashlib.sha256(",".join(map(str, units)).encode()).hexdigest()[:16]
    key = f"zs-newest-months-v1:{year}:{delivery is not None}:{basis}:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    series = attainment.base_series(units=units)
    if delivery is not None:
        series = series.of_delivery(delivery)
    newest = series.latest_month_by_unit(date(year, 12, 1))
    cache.set(key, newest, 7 * 24 * 60 * 60)
    return newest


def build_overview(
    agreements, year, *, month=None, delivery=None, sort="landkreis", off_track_only=False
):
    """The matrix of the year's agreements (a list, goals not yet loaded) × their goals;
    with `off_track_only` only the rows with a goal off the target path (the counts per goal
    are over every row)."""
    agreements = list(agreements)
    attainments = attainment.attainment_for_year(
        year, month=month, delivery=delivery, agreements=agreements
    )
    by_agreement = {}
    for item in attainments:
        by_agreement.setdefault(item.goal.agreement_id, []).append(item)
    reporting_month = attainments[0].month if attainments else None
    forecasts = {item.goal.pk: forecast for item, forecast in with_forecasts(attainments)}

    newest = newest_months([a.traeger_id for a in agreements], year, delivery=delivery)
    latest_overall = max(newest.values(), default=None)
    columns = {}
    rows = []
    for agreement in agreements:
        items = by_agreement.get(agreement.pk, [])
        cells = _columns_and_cells(agreement, items, forecasts)
        for key, cell in cells.items():
            indicator = cell.goal.indicator
            columns.setdefault(
                key, GoalColumn(key, indicator.code, indicator.name, jfw_unit(indicator.code))
            )
        newest_month = newest.get(agreement.traeger_id)
        rows.append(
            OverviewRow(
                agreement=agreement,
                cells=cells,
                delivery=items[0].delivery if items else None,
                newest_month=newest_month,
                late=latest_overall is not None
                and (newest_month is None or newest_month < latest_overall),
                incomplete=incomplete_notes(items),
            )
        )
    # The goals with a target (K2, K3) before the monitoring ones (K1): on a narrow screen
    # the first columns are the ones in view.
    ordered_columns = sorted(
        columns.values(),
        key=lambda c: (
            not _has_target(rows, c.key),
            min(_goal_numbers(rows, c.key), default=99),
            c.key,
        ),
    )
    for row in rows:
        row.ordered_cells = row.cell_list(ordered_columns)
    shown = [row.delivery for row in rows if row.cells]
    overview = Overview(
        year=year,
        month=reporting_month,
        rows=rows,
        columns=ordered_columns,
        basis_text=basis_text(reporting_month, shown, year=year),
        newest_month=latest_overall,
        demo_label=demo_label(shown),
        off_track_only=off_track_only,
        row_count=len(rows),
    )
    overview.counts = [
        GoalCount(
            column,
            off_track=sum(
                1 for c in (r.cells.get(column.key) for r in rows) if c and c.attainment.off_track
            ),
            on_track=sum(
                1 for c in (r.cells.get(column.key) for r in rows) if c and c.verdict == Verdict.MET
            ),
        )
        for column in ordered_columns
    ]
    overview.off_track_total = sum(1 for row in rows if row.off_track)
    if off_track_only:
        overview.rows = [row for row in rows if row.off_track]
    sort_overview(overview, sort)
    return overview


@dataclass(frozen=True)
class OffTrack:
    """Which Landkreise are off the target path at the newest month (the start page)."""

    year: int
    month: date | None
    landkreise: list  # (Organisation, [GoalAttainment off track, …]) by name
    judged: int  # Landkreise with a verdict on some goal
    unexplained: tuple = ()  # GoalAttainments off track without an explanation for the month

    @property
    def label(self):
        return Verdict.NOT_MET.label_for(self.month)

    @property
    def on_label(self):
        return Verdict.MET.label_for(self.month)


def off_track(agreements, year):
    """The Landkreise of `agreements` (of `year`) with a goal off the target path at the
    dashboards' default basis (attainment.md, „Data basis“)."""
    attainments = attainment.attainment_for_year(year, agreements=agreements)
    month = next((a.month for a in attainments if a.month), None)
    by_traeger, judged = {}, set()
    for item in attainments:
        traeger = item.goal.agreement.traeger
        if item.verdict in (Verdict.MET, Verdict.NOT_MET):
            judged.add(traeger.pk)
        if item.off_track:
            by_traeger.setdefault(traeger, []).append(item)
    landkreise = sorted(by_traeger.items(), key=lambda pair: pair[0].name)
    missing = sorted(
        explanations.unexplained(attainments),
        key=lambda item: (item.goal.agreement.traeger.name, item.goal.number),
    )
    return OffTrack(
        year=year,
        month=month,
        landkreise=landkreise,
        judged=len(judged),
        unexplained=tuple(missing),
    )


def _has_target(rows, key):
    return any(row.cells[key].goal.is_quantitative for row in rows if key in row.cells)


def _goal_numbers(rows, key):
    return [row.cells[key].goal.number for row in rows if key in row.cells]


def _nulls_last(rows, key, descending):
    present = [row for row in rows if key(row) is not None]
    absent = [row for row in rows if key(row) is None]
    return sorted(present, key=key, reverse=descending) + absent


def sort_overview(overview, sort):
    """Sort rows by `landkreis`, `schluessel`, `monat`, a goal column's key (by the change
    against the previous year), `abstand` (the goal furthest behind its target path first)
    or `abstand-<column>` (that goal's distance to its target path, furthest behind first);
    a leading `-` sorts descending. Rows without a figure last."""
    descending = sort.startswith("-")
    field_name = sort.lstrip("-")
    by_name = sorted(overview.rows, key=lambda row: row.traeger.name)
    keys = {
        "landkreis": lambda row: row.traeger.name,
        "schluessel": lambda row: row.traeger.key,
        "monat": lambda row: row.newest_month,
    }
    column_keys = {column.key for column in overview.columns}
    if field_name in column_keys:

        def key(row):
            cell = row.cells.get(field_name)
            return None if cell is None else cell.attainment.change_percent

    elif field_name == "abstand":

        def key(row):
            return row.distance_percent

    elif field_name.startswith("abstand-") and field_name[8:] in column_keys:

        def key(row):
            cell = row.cells.get(field_name[8:])
            return None if cell is None else cell.distance_percent

    elif field_name in keys:
        key = keys[field_name]
    else:
        field_name, descending, key = "landkreis", False, keys["landkreis"]
    overview.rows = _nulls_last(by_name, key, descending)
    overview.sort = ("-" if descending else "") + field_name
    return overview


def overview_table(overview):
    year = overview.year
    columns = [
        Column("Kreisschlüssel"),
        Column("Landkreis"),
        Column("Neuester gelieferter Monat"),
        Column("Verspätet"),
        Column("Berichtsmonat"),
        Column("Ladestand"),
        Column("Wartezeit (Monate)", 0),
    ]
    for column in overview.columns:
        unit = UNIT_LABELS.get(column.unit, "")
        places = jfw_places(column.unit)
        columns += [
            Column(f"{column.label} JFW {year} ({unit})", places),
            Column(f"{column.label} JFW {year - 1} ({unit})", places),
            Column(f"{column.label} Veränderung (%)", 1),
            Column(f"{column.label} Ziel (%)", 2),
            Column(f"{column.label} Zielpfad ({unit})", places),
            Column(f"{column.label} Bewertung"),
            Column(f"{column.label} abschließende Bewertung"),
        ]
    columns.append(Column("Status der Vereinbarung"))  # „Entwurf“: targets not yet agreed
    table = Table(title=f"Übersicht {year}", columns=columns)
    for row in overview.rows:
        values = [
            row.traeger.key,
            row.traeger.name,
            formats.month_name(row.newest_month) if row.newest_month else "",
            row.late,
            formats.month_name(overview.month) if overview.month else "",
            row.delivery.ladestand if row.delivery else None,
            row.delivery.waiting_months if row.delivery else None,
        ]
        for cell in row.cell_list(overview.columns):
            if cell is None:
                values += [None] * 5 + ["", ""]
                continue
            a = cell.attainment
            values += [
                jfw_cell(a.jfw, cell.unit),
                jfw_cell(a.jfw_previous_year, cell.unit),
                change_cell(a.change_percent),
                target_cell(cell.goal),
                jfw_cell(a.target_path, cell.unit),
                cell.verdict_label,
                cell.final.label if cell.final else "",
            ]
        values.append(row.agreement.get_status_display())
        table.rows.append(values)
    return table


# ---------------------------------------------------------------------------------------------
# Landkreis page


@dataclass(frozen=True)
class MonthRow:
    month: date
    jfw: Decimal | None
    jfw_previous_year: Decimal | None
    change_percent: Decimal | None
    target_path: Decimal | None
    verdict: Verdict
    numerator: Decimal | None
    denominator: Decimal | None
    unit: str

    @property
    def jfw_text(self):
        return format_jfw(self.jfw, self.unit)

    @property
    def previous_text(self):
        return format_jfw(self.jfw_previous_year, self.unit)

    @property
    def change_text(self):
        return formats.percent(self.change_percent, 1, sign=True)

    @property
    def target_path_text(self):
        return format_jfw(self.target_path, self.unit)

    @property
    def verdict_label(self):
        return self.verdict.label_for(self.month)

    @property
    def css_class(self):
        return self.verdict.css_class

    @property
    def is_empty(self):
        return self.jfw is None and self.jfw_previous_year is None and self.target_path is None


@dataclass
class GoalPanel:
    cell: Cell
    months: list
    figure: dict
    change_figure: dict | None = None  # the change against the previous year, month by month

    @property
    def goal(self):
        return self.cell.goal

    @property
    def chart_id(self):
        return f"chart-ziel-{self.goal.number}"

    @property
    def is_quota(self):
        return any(row.numerator is not None for row in self.months)

    @property
    def shown_months(self):
        """Months with any figure (the later months of a running year show the target path)."""
        return [row for row in self.months if not row.is_empty]

    @property
    def change_chart_id(self):
        return f"chart-veraenderung-{self.goal.number}"

    @property
    def has_changes(self):
        return any(row.change_percent is not None for row in self.months)

    @property
    def change_chart_label(self):
        code = self.cell.attainment.indicator_code
        target = self.cell.attainment.target_change_percent
        return (
            f"Diagramm: {code}, Veränderung zum Vorjahr nach Monaten"
            + (" mit der vereinbarten Veränderung" if target is not None else "")
            + "; dieselben Zahlen stehen in der Tabelle darunter."
        )

    @property
    def chart_label(self):
        code = self.cell.attainment.indicator_code
        year = self.goal.agreement.year
        return (
            f"Diagramm: {code}, Jahresfortschrittswerte {year} und {year - 1} nach Monaten"
            + (" mit Zielpfad" if any(r.target_path is not None for r in self.months) else "")
            + (" und dem Prognoseband bis Dezember" if self.cell.has_forecast else "")
            + "; dieselben Zahlen stehen in der Tabelle daneben."
        )


def goal_panels(agreement, *, month=None, delivery=None):
    """Per measured goal: the figures at the reporting month, the twelve months and a chart."""
    panels = []
    for item, forecast in with_forecasts(
        attainment.goal_attainments(agreement, month=month, delivery=delivery)
    ):
        goal = item.goal
        unit = jfw_unit(item.indicator_code)
        series = attainment.monthly_series(agreement, goal, delivery=item.delivery)
        months = [
            MonthRow(
                month=row["month"],
                jfw=row["jfw"],
                jfw_previous_year=row["jfw_previous_year"],
                change_percent=row["change_percent"],
                target_path=row["target_path"],
                verdict=row["verdict"],
                numerator=row["numerator"],
                denominator=row["denominator"],
                unit=unit,
            )
            for row in series
        ]
        figure = charts.month_chart(series, year=agreement.year, unit=unit, forecast=forecast)
        change_figure = charts.change_chart(
            series, year=agreement.year, target_change=item.target_change_percent
        )
        panels.append(
            GoalPanel(
                cell=Cell(item, forecast=forecast),
                months=months,
                figure=figure,
                change_figure=change_figure,
            )
        )
    return panels


@dataclass(frozen=True)
class CompleteDelivery:
    """An older delivery that holds the months the shown one lacks (see `complete_delivery`)."""

    shown: DataDelivery
    delivery: DataDelivery
    month: date


def complete_delivery(panels, deliveries):
    """When goals of the page lack months in the shown delivery: the newest of `deliveries`
    older than it on which all those goals are comparable at the same reporting month.

    The default basis stays the newest delivery (attainment.md, „One delivery, never mixed“);
    this only points the user to a complete one. `deliveries`: those the user may see. One
    query at most, whatever the number of deliveries and months."""
    lacking = [panel.cell.attainment for panel in panels if panel.cell.attainment.missing_months]
    if not lacking or lacking[0].delivery is None:
        return None
    shown, month = lacking[0].delivery, lacking[0].month
    older = sorted(
        (d for d in deliveries if _newest(d) < _newest(shown)), key=_newest, reverse=True
    )
    figures = attainment.attainments_per_delivery([a.goal for a in lacking], month, older)
    for delivery in older:
        if all(a.comparable for a in figures[delivery]):
            return CompleteDelivery(shown=shown, delivery=delivery, month=month)
    return None


def budget_lines(agreement):
    """The budget lines in the agreement's order (Verwaltungskosten, Eingliederung) and total."""
    lines = {line.kind: line for line in agreement.budget_lines.all()}
    ordered = [lines[kind] for kind in BudgetKind.values if kind in lines]
    return ordered, sum((line.amount for line in ordered), Decimal(0))


def qualitative_goals(agreement):
    return list(
        Goal.objects.filter(agreement=agreement, kind=GoalKind.QUALITATIVE)
        .prefetch_related("steps")
        .order_by("number")
    )


def landkreis_table(agreement, panels):
    year = agreement.year
    table = Table(
        title=f"{agreement.traeger.key} {year}",
        columns=[
            Column("Ziel Nr.", 0),
            Column("Kennzahl"),
            Column("Monat"),
            Column(f"JFW {year}"),
            Column(f"JFW {year - 1}"),
            Column("Veränderung (%)", 1),
            Column("Ziel (%)"),
            Column("Zielart"),
            Column("Zielpfad"),
            Column("Bewertung"),
            Column("Zähler (absolut)"),
            Column("Nenner (absolut)"),
            Column("Einheit"),
            Column("Ladestand"),
            Column("Wartezeit (Monate)", 0),
            Column("Status der Vereinbarung"),
        ],
    )
    for panel in panels:
        unit = panel.cell.unit
        delivery = panel.cell.attainment.delivery
        for row in panel.shown_months:
            table.rows.append(
                [
                    panel.goal.number,
                    panel.cell.attainment.indicator_code,
                    formats.month_name(row.month),
                    jfw_cell(row.jfw, unit),
                    jfw_cell(row.jfw_previous_year, unit),
                    change_cell(row.change_percent),
                    target_cell(panel.goal),
                    target_kind(panel.goal),
                    jfw_cell(row.target_path, unit),
                    row.verdict_label,
                    Number(row.numerator, 0) if row.numerator is not None else None,
                    Number(row.denominator, 1) if row.denominator is not None else None,
                    UNIT_LABELS.get(panel.cell.unit, ""),
                    delivery.ladestand if delivery else None,
                    delivery.waiting_months if delivery else None,
                    agreement.get_status_display(),
                ]
            )
    return table


# ---------------------------------------------------------------------------------------------
# Indicator comparison: one indicator across all units with data


def comparable_indicators(year=None):
    """The indicators the engine computes (K1, K2, K3, K2E4, K3E1); with `year`, every one of
    them whose base quantities have data in that year (one query)."""
    indicators = list(
        Indicator.objects.filter(code__in=computations.FORMULAS).order_by("sort_order")
    )
    if year is None:
        return indicators
    delivered = attainment.base_series(year).codes()
    return [i for i in indicators if set(computations.FORMULAS[i.code].codes) <= delivered]


@dataclass(frozen=True)
class ComparisonRow:
    unit: Organisation
    rank: int | None
    value: Decimal | None  # what is ranked: the JFW of a quota, else the change in percent
    jfw: Decimal | None
    jfw_previous_year: Decimal | None
    change_percent: Decimal | None
    target: Decimal | None  # the agreed target in the same terms as `value`
    goal: Goal | None
    verdict: Verdict | None
    delivery: DataDelivery | None
    note: str = ""
    distance_percent: Decimal | None = None  # to the target path, positive when ahead
    chart_target: Decimal | None = None  # the target in the terms of `value`, for the chart

    @property
    def is_draft(self):
        return is_draft(self.goal)


# How the comparison ranks (`?rang=`): by the level the indicator is judged on (the JFW of a
# quota, the change of the others), by the change against the previous year, or by the
# distance to the agreed target path.
RANK_LEVEL, RANK_CHANGE, RANK_TARGET = "stand", "veraenderung", "ziel"
RANK_CHOICES = [
    (RANK_LEVEL, "nach Stand"),
    (RANK_CHANGE, "nach Veränderung zum Vorjahr"),
    (RANK_TARGET, "nach Abstand zum Zielpfad"),
]


@dataclass
class Comparison:
    indicator: Indicator
    year: int
    month: date | None
    rows: list = field(default_factory=list)  # ranked, best first
    without_value: list = field(default_factory=list)
    # Aggregates (Land, Bund, Vergleichstyp) with base quantities: reference lines, unranked.
    references: list = field(default_factory=list)
    basis_text: str = ""
    demo_label: str = ""
    rank_by: str = RANK_LEVEL

    @property
    def ranks_quota(self):
        """A quota (K2) is compared by its JFW; the changes (K1, K3) by the change."""
        return jfw_unit(self.indicator.code) == Unit.PERCENT

    @property
    def ranks_jfw(self):
        """Whether the ranked value is the JFW itself (a quota ranked by its level)."""
        return self.ranks_quota and self.rank_by == RANK_LEVEL

    @property
    def value_label(self):
        code = self.indicator.code
        if self.rank_by == RANK_TARGET:
            return f"{code} Abstand zum Zielpfad (%)"
        if self.ranks_jfw:
            return f"{code} Jahresfortschrittswert (%)"
        return f"{code} Veränderung zum Vorjahr (%)"

    @property
    def value_unit(self):
        return Unit.PERCENT

    @property
    def value_places(self):
        return 2 if self.ranks_jfw else 1

    @property
    def figure(self):
        return charts.comparison_chart(
            [
                {"name": row.unit.name, "value": row.value, "target": row.chart_target}
                for row in self.rows
            ],
            unit=Unit.PERCENT,
            label=self.value_label,
        )

    @property
    def chart_label(self):
        return (
            f"Balkendiagramm: {self.value_label} je Träger, bester oben, vereinbarte Ziele "
            "markiert; dieselben Zahlen stehen in der Tabelle darunter."
        )


def _ranked(rows, better):
    descending = better != Better.LOWER
    rows = sorted(rows, key=lambda row: row.unit.name)
    rows = sorted(rows, key=lambda row: row.value, reverse=descending)
    ranked, previous, rank = [], None, 0
    for index, row in enumerate(rows, start=1):
        if row.value != previous:
            rank, previous = index, row.value
        ranked.append(replace(row, rank=rank))
    return ranked


def build_comparison(
    indicator, year, *, month=None, delivery=None, deliveries=None, rank_by=RANK_LEVEL
):
    """`indicator` for every unit (Landkreis or comparison unit) with data at `month`, each from
    its newest delivery holding that month (or from `delivery`), ranked best first; the
    agreed target where a Landkreis has a quantitative goal on it."""
    code = indicator.code
    reporting = attainment._month_date(year, month)
    if delivery is not None:
        if reporting is None:
            reporting = attainment.latest_base_month(year, deliveries=[delivery])
        units = []
        if reporting is not None:
            units = list(
                attainment.base_series(year, deliveries=[delivery]).holding(reporting).units()
            )
        chosen = dict.fromkeys(units, delivery)
    else:
        reporting, choices = attainment.choose_basis(
            year, (code,), month=reporting, deliveries=deliveries
        )
        chosen = {unit_id: choice.delivery for unit_id, choice in choices.items()}
    if rank_by not in dict(RANK_CHOICES):
        rank_by = RANK_LEVEL
    result = Comparison(indicator=indicator, year=year, month=reporting, rank_by=rank_by)
    if reporting is None:
        result.basis_text = basis_text(None, [], year=year)
        return result
    formula = computations.FORMULAS[code]
    values = attainment._load_values(chosen, formula.codes, date(year - 2, 12, 1), reporting)
    organisations = Organisation.objects.in_bulk(list(chosen))
    goals = {}
    for goal in (
        Goal.objects.filter(
            agreement__year=year,
            agreement__traeger__in=list(chosen),
            indicator=indicator,
            kind=GoalKind.QUANTITATIVE,
        )
        .select_related("indicator", "agreement")
        .order_by("-number")
    ):
        goals[goal.agreement.traeger_id] = goal  # the lowest number wins
    ranked, without = [], []
    for unit_id, unit_delivery in chosen.items():
        goal = goals.get(unit_id)
        target = attainment.target_of(goal) if goal else None
        evaluation = computations.evaluate(
            code, values[unit_id], year, reporting.month, target, monitoring=target is None
        )
        comparison = evaluation.comparison
        note = attainment._missing_text(comparison, unit_delivery) if comparison.missing else ""
        distance = attainment.distance_percent(
            comparison.current.value, evaluation.target_path, target
        )
        if target is None:
            marker = None
        elif result.ranks_quota:
            marker = evaluation.target_path
        else:
            marker = evaluation.target_change_percent
        if rank_by == RANK_TARGET:
            value, chart_marker = distance, None
            if target is None:
                note = note or "kein vereinbartes Ziel"
        elif result.ranks_jfw:
            value, chart_marker = comparison.current.value, marker
        else:
            value, chart_marker = comparison.change_percent, evaluation.target_change_percent
        row = ComparisonRow(
            unit=organisations[unit_id],
            rank=None,
            value=value,
            jfw=comparison.current.value,
            jfw_previous_year=comparison.previous.value,
            change_percent=comparison.change_percent,
            target=marker,
            goal=goal,
            verdict=evaluation.verdict if goal else None,
            delivery=unit_delivery,
            note=note,
            distance_percent=distance,
            chart_target=chart_marker,
        )
        if row.unit.is_aggregate:
            result.references.append(row)
            continue
        (ranked if value is not None else without).append(row)
    result.rows = _ranked(ranked, Better.HIGHER if rank_by == RANK_TARGET else indicator.better)
    result.without_value = sorted(without, key=lambda row: row.unit.name)
    result.basis_text = basis_text(
        reporting,
        list(chosen.values()),
        year=year,
        unit_word=("Träger", "Träger"),
    )
    result.demo_label = demo_label(chosen.values())
    return result


def comparison_table(comparison):
    code = comparison.indicator.code
    year = comparison.year
    jfw_kind = jfw_unit(code)
    unit = UNIT_LABELS.get(jfw_kind, "")
    places = jfw_places(jfw_kind)
    if comparison.ranks_quota:
        target_header = f"Vereinbartes Ziel: Zielpfad {formats.month_name(comparison.month)} (%)"
    else:
        target_header = "Vereinbartes Ziel: Veränderung (%)"
    table = Table(
        title=f"Vergleich {code} {year}",
        columns=[
            Column("Rang", 0),
            Column("Schlüssel"),
            Column("Träger"),
            Column(f"{code} JFW {year} ({unit})", places),
            Column(f"{code} JFW {year - 1} ({unit})", places),
            Column("Veränderung (%)", 1),
            Column(target_header),
            Column("Abstand zum Zielpfad (%)", 1),
            Column("Bewertung"),
            Column("Ladestand"),
            Column("Status der Vereinbarung"),
        ],
    )
    for row in [*comparison.references, *comparison.rows, *comparison.without_value]:
        table.rows.append(
            [
                row.rank,
                row.unit.key,
                row.unit.name,
                jfw_cell(row.jfw, jfw_kind),
                jfw_cell(row.jfw_previous_year, jfw_kind),
                change_cell(row.change_percent),
                _comparison_target(comparison, row),
                change_cell(row.distance_percent),
                row.verdict.label_for(comparison.month) if row.verdict else "",
                row.delivery.ladestand if row.delivery else None,
                row.goal.agreement.get_status_display() if row.goal else "",
            ]
        )
    return table


def _comparison_target(comparison, row):
    """The marker of the page: the target path of a quota (`15,02 % (Zielpfad)`), else the
    agreed change (`−1,5 %`)."""
    if row.goal is None or row.target is None:
        return None
    if comparison.ranks_quota:
        return Percent(row.target, 2)
    return Percent(row.target, 1, sign=True)


# ---------------------------------------------------------------------------------------------
# Revisions: one Landkreis and month across deliveries


# The difference of a revised JFW, after the sign and number: a quota moves by points.
DIFFERENCE_SUFFIX = {Unit.PERCENT: "\u00a0%-Punkte", Unit.EUR: "\u00a0Euro"}


@dataclass(frozen=True)
class RevisionCell:
    value: Decimal | None
    previous: Decimal | None  # the same figure in the delivery before; None if none had it
    places: int
    first: bool  # the first delivery that holds the figure
    unit: str | None = None  # a JFW's unit: formatted as on the Landkreis page

    @property
    def text(self):
        if self.unit is not None:
            return format_jfw(self.value, self.unit)
        return formats.number(self.value, self.places)

    @property
    def changed(self):
        return (
            not self.first
            and self.value is not None
            and self.previous is not None
            and self.value != self.previous
        )

    @property
    def difference_text(self):
        if not self.changed:
            return ""
        suffix = DIFFERENCE_SUFFIX.get(self.unit, "")
        difference = self.value - self.previous
        step = Decimal(1).scaleb(-self.places)
        if abs(difference) < step / 2:
            # A revision below the shown precision is still one: say so instead of `+0,00`.
            return f"um weniger als {formats.number(step, self.places)}{suffix}"
        return formats.number(difference, self.places, sign=True) + suffix


@dataclass
class RevisionRow:
    delivery: DataDelivery
    cells: list


@dataclass
class Revisions:
    unit: Organisation
    month: date
    base_indicators: list
    jfw_indicators: list
    base_rows: list
    jfw_rows: list

    @property
    def change_count(self):
        return sum(
            1 for row in self.base_rows + self.jfw_rows for cell in row.cells if cell.changed
        )


def _revision_rows(deliveries, figures, places, units=None):
    rows, last = [], [None] * len(places)
    seen = [False] * len(places)
    units = units or [None] * len(places)
    for delivery in deliveries:
        cells = []
        for index, value in enumerate(figures[delivery.pk]):
            cells.append(
                RevisionCell(
                    value, last[index], places[index], first=not seen[index], unit=units[index]
                )
            )
            if value is not None:
                last[index], seen[index] = value, True
        rows.append(RevisionRow(delivery, cells))
    return rows


def build_revisions(unit, month, deliveries):
    """How the base quantities of `unit` for `month`, and the JFW up to that month, changed
    from one delivery to the next (oldest delivery first). `deliveries`: a queryset of the
    deliveries the user may see."""
    base = list(Indicator.objects.filter(kind=IndicatorKind.BASE).order_by("sort_order", "code"))
    jfw_indicators = comparable_indicators()
    rows = (
        Values.objects.for_unit(unit)
        .quantities()
        .total()
        .of_deliveries(deliveries)
        .cells(date(month.year - 2, 12, 1), month)
    )
    by_delivery = {}
    for _, delivery_id, code, _, value_month, value in rows:
        by_delivery.setdefault(delivery_id, {})[(code, value_month)] = value
    ordered = sorted(
        DataDelivery.objects.in_bulk(list(by_delivery)).values(), key=_newest, reverse=False
    )
    ordered = [d for d in ordered if any(m == month for _, m in by_delivery[d.pk])]
    base_figures = {d.pk: [by_delivery[d.pk].get((i.code, month)) for i in base] for d in ordered}
    jfw_figures = {
        d.pk: [
            computations.year_to_date(i.code, by_delivery[d.pk], month.year, month.month).value
            for i in jfw_indicators
        ]
        for d in ordered
    }
    base_places = [2 if i.unit == Unit.EUR else 0 for i in base]
    jfw_units = [jfw_unit(i.code) for i in jfw_indicators]
    return Revisions(
        unit=unit,
        month=month,
        base_indicators=base,
        jfw_indicators=jfw_indicators,
        base_rows=_revision_rows(ordered, base_figures, base_places),
        jfw_rows=_revision_rows(
            ordered, jfw_figures, [jfw_places(u) for u in jfw_units], jfw_units
        ),
    )


def _number(cell):
    return None if cell.value is None else Number(cell.value, cell.places)


def revisions_table(revisions):
    columns = [Column("Ladestand"), Column("Wartezeit (Monate)", 0), Column("Quelle")]
    columns += [Column(f"{i.code} {i.name}") for i in revisions.base_indicators]
    columns += [
        Column(f"{i.code} JFW ({UNIT_LABELS[jfw_unit(i.code)]})") for i in revisions.jfw_indicators
    ]
    table = Table(title=f"Revisionen {revisions.unit.key} {revisions.month:%m-%Y}", columns=columns)
    for base_row, jfw_row in zip(revisions.base_rows, revisions.jfw_rows, strict=True):
        delivery = base_row.delivery
        table.rows.append(
            [delivery.ladestand, delivery.waiting_months, delivery.get_source_display()]
            + [_number(cell) for cell in base_row.cells]
            + [jfw_cell(cell.value, cell.unit) for cell in jfw_row.cells]
        )
    return table
