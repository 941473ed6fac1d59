"""The indicator comparison: one indicator across all units with data, ranked."""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from agreements import attainment, charts, ranking
from agreements.dashboards.basis import basis_text, demo_label
from agreements.dashboards.figures import (
    UNIT_LABELS,
    Percent,
    change_cell,
    is_draft,
    jfw_cell,
    jfw_places,
)
from agreements.exports import Column, Table
from agreements.models import (
    Goal,
    GoalKind,
)
from indicators import catalogue, computations
from indicators.computations import Verdict
from indicators.models import (
    Better,
    DataDelivery,
    Indicator,
    Unit,
)
from zielsteuerung import formats
from zielsteuerung.models import Organisation

# ---------------------------------------------------------------------------------------------
# Indicator comparison: one indicator across all units with data


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
        return catalogue.jfw_unit(self.indicator.code) == Unit.PERCENT

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
    better = Better.HIGHER if rank_by == RANK_TARGET else indicator.better
    result.rows = [replace(row, rank=rank) for rank, row in ranking.ranked(ranked, better)]
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
    jfw_kind = catalogue.jfw_unit(code)
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
