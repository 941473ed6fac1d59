"""The revisions: one Landkreis and month across deliveries."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from agreements.dashboards.basis import comparable_indicators
from agreements.dashboards.figures import (
    UNIT_LABELS,
    format_jfw,
    jfw_cell,
    jfw_places,
)
from agreements.exports import Column, Number, Table
from indicators import catalogue, computations
from indicators.models import (
    DataDelivery,
    Indicator,
    IndicatorKind,
    Unit,
    Values,
)
from zielsteuerung import formats
from zielsteuerung.models import Organisation

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
        DataDelivery.objects.in_bulk(list(by_delivery)).values(),
        key=lambda d: d.newness,
        reverse=False,
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
    jfw_units = [catalogue.jfw_unit(i.code) for i in jfw_indicators]
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
        Column(f"{i.code} JFW ({UNIT_LABELS[catalogue.jfw_unit(i.code)]})")
        for i in revisions.jfw_indicators
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
