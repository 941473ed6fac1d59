"""The overview: all Landkreise × their goals; and the Landkreise off the target
path, for the start page."""

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache

from agreements import attainment, explanations
from agreements.dashboards.basis import basis_text, demo_label, incomplete_notes
from agreements.dashboards.figures import (
    UNIT_LABELS,
    Cell,
    change_cell,
    jfw_cell,
    jfw_places,
    target_cell,
    with_forecasts,
)
from agreements.exports import Column, Table
from agreements.models import (
    Agreement,
)
from indicators import catalogue
from indicators.computations import Verdict
from indicators.models import (
    DataDelivery,
)
from zielsteuerung import formats

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
                key,
                GoalColumn(key, indicator.code, indicator.name, catalogue.jfw_unit(indicator.code)),
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
