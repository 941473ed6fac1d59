"""Computed and published Kennzahlen side by side, and their differences (reconciliation).

For one month, each unit (Landkreis, comparison unit, aggregate), code and variant: the value
the product computes from the unit's base quantities (the official definition of the variant,
indicators.official.official), from the delivery the dashboards use for that unit (the
comparison's rule, `attainment.choose_basis` per code), and the value the BA published, from
the newest delivery holding it. Where both exist, their difference; above the threshold of the
settings (`RECONCILIATION_THRESHOLD_POINTS` for a quota, `…_PERCENT` for a change) it is
flagged. Jobcenter are ranked per code and variant on the computed value, or the published
one where nothing is computed; aggregates never (docs/attainment.md, „Abgleich“).

The two are compared, never merged: the Jobcenter's deliveries are ohne Wartezeit, the BA's
after a Wartezeit of three months (domain reference § 5.3).
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.conf import settings

from agreements import attainment, ranking
from agreements.exports import Column, Number, Table
from indicators import computations, official
from indicators.models import Better, DataDelivery, Flag, Indicator, Values, Variant, flag_text
from zielsteuerung import formats
from zielsteuerung.models import Organisation, OrganisationKind

# The kind of a unit in the reconciliation's rows and the command's output.
KINDS = {
    OrganisationKind.TRAEGER: "zkt",
    OrganisationKind.COMPARISON: "vergleich",
    OrganisationKind.AGGREGATE: "aggregat",
}
KIND_LABELS = {"zkt": "zkT", "vergleich": "Jobcenter", "aggregat": "Aggregat"}
VARIANT_LABELS = dict(Variant.choices)


def threshold(code):
    """The largest difference of `code` that is not flagged (in points or percent)."""
    if code in computations.FORMULAS and official.publishes_change(code):
        return settings.RECONCILIATION_THRESHOLD_PERCENT
    return settings.RECONCILIATION_THRESHOLD_POINTS


def threshold_text():
    """`0,1 Prozentpunkte (Quoten) bzw. 0,1 % (Veränderungen)`, as set."""
    points = formats.number(settings.RECONCILIATION_THRESHOLD_POINTS, 2).rstrip("0").rstrip(",")
    percent = formats.number(settings.RECONCILIATION_THRESHOLD_PERCENT, 2).rstrip("0").rstrip(",")
    return f"{points} Prozentpunkte (Quoten) bzw. {percent}\u00a0% (Veränderungen)"


@dataclass(frozen=True)
class Row:
    unit: Organisation
    code: str
    variant: str
    month: date
    computed: Decimal | None
    computed_delivery: DataDelivery | None
    published: Decimal | None
    published_delivery: DataDelivery | None
    flag: str = ""  # the published figure's statistical flag: "(", "p", "r", "s" or ""
    rank: int | None = None

    @property
    def kind(self):
        return KINDS.get(self.unit.kind, "vergleich")

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]

    @property
    def is_aggregate(self):
        return self.kind == "aggregat"

    @property
    def variant_label(self):
        return VARIANT_LABELS.get(self.variant, self.variant)

    @property
    def is_change(self):
        return self.code in computations.FORMULAS and official.publishes_change(self.code)

    @property
    def value(self):
        """What the unit is compared on: the computed value, else the published one."""
        return self.computed if self.computed is not None else self.published

    @property
    def deviation(self):
        return official.deviation(self.computed, self.published)

    @property
    def flagged(self):
        return official.exceeds(self.deviation, threshold(self.code))

    @property
    def flag_text(self):
        return flag_text(self.flag)

    @property
    def flag_title(self):
        """The flag's meaning, for a tooltip: `p vorläufig`."""
        return Flag(self.flag).label if self.flag else ""

    def text(self, value, sign=None):
        """`22,2 %`, a change `−1,8 %`; `–` without a value."""
        return formats.percent(value, 1, sign=self.is_change if sign is None else sign)

    @property
    def computed_text(self):
        return self.text(self.computed)

    @property
    def published_text(self):
        return self.text(self.published)

    @property
    def deviation_text(self):
        if self.deviation is None:
            return "–"
        suffix = "\u00a0%" if self.is_change else "\u00a0%-Punkte"
        return formats.number(self.deviation, 2, sign=True) + suffix


def _published(month, *, units, deliveries, codes):
    """{(unit_id, code, variant): (value, delivery, flag)} from the newest delivery holding
    each figure."""
    rows = Values.objects.published()
    if units is not None:
        rows = rows.for_units(units)
    if deliveries is not None:
        rows = rows.of_deliveries(deliveries)
    if codes is not None:
        rows = rows.of_codes(codes)
    cells = list(rows.published_at(month))
    by_pk = DataDelivery.objects.in_bulk({cell.delivery_id for cell in cells})
    newest = {}
    for cell in cells:
        key = (cell.unit_id, cell.code, cell.variant)
        delivery = by_pk[cell.delivery_id]
        if key not in newest or delivery.newness > newest[key][1].newness:
            newest[key] = (cell.value, delivery, cell.flag)
    return newest


def _computed(month, *, units, deliveries, codes, basis):
    """{(unit_id, code, variant): (value, delivery)} of the official definitions, each unit
    from the delivery the comparison of that code uses (or from `basis`: {unit_id:
    delivery}, the delivery a page already judges the unit on)."""
    codes = [c for c in computations.FORMULAS if codes is None or c in codes]
    chosen = {}
    for code in codes:
        if basis is not None:
            chosen.update({(unit_id, code): d for unit_id, d in basis.items() if d is not None})
            continue
        _, choices = attainment.choose_basis(
            month.year, (code,), units=units, month=month, deliveries=deliveries
        )
        for unit_id, choice in choices.items():
            chosen[(unit_id, code)] = choice.delivery
    pairs = {(unit_id, delivery.pk) for (unit_id, _), delivery in chosen.items()}
    values = attainment._load_pairs(
        pairs, list(computations.BASE_CODES), date(month.year - 2, 12, 1), month
    )
    result = {}
    for (unit_id, code), delivery in chosen.items():
        for variant in official.OFFICIAL_VARIANTS[code]:
            computed = official.official(
                code, variant, values[(unit_id, delivery.pk)], month.year, month.month
            )
            if computed.value is not None:
                result[(unit_id, code, variant)] = (computed.value, delivery)
    return result


def _ranked(rows, better):
    """The rows in their order, the Jobcenter's ranked on their value (aggregates are not)."""
    ranks = {
        id(row): rank
        for rank, row in ranking.ranked((row for row in rows if not row.is_aggregate), better)
    }
    return [replace(row, rank=ranks.get(id(row))) for row in rows]


def build(
    year,
    month,
    *,
    units=None,
    deliveries=None,
    published_deliveries=None,
    codes=None,
    basis=None,
):
    """The reconciliation rows of `month` (1–12) of `year`: one per unit, code and variant
    with a computed or a published value, aggregates first, then by code, variant and rank.
    `units`, `codes`, `deliveries` (those computed from) and `published_deliveries` (those
    the published values are taken from) restrict what is read (None: everything); `basis`
    ({unit_id: delivery}) names the delivery each unit is computed from, when a page has
    chosen it already."""
    at = date(year, month, 1)
    published = _published(at, units=units, deliveries=published_deliveries, codes=codes)
    computed = _computed(at, units=units, deliveries=deliveries, codes=codes, basis=basis)
    keys = set(published) | set(computed)
    organisations = Organisation.objects.in_bulk({unit_id for unit_id, _, _ in keys})
    better = dict(Indicator.objects.values_list("code", "better"))
    rows = []
    for unit_id, code, variant in keys:
        value, delivery = computed.get((unit_id, code, variant), (None, None))
        shown, source, flag = published.get((unit_id, code, variant), (None, None, ""))
        rows.append(
            Row(organisations[unit_id], code, variant, at, value, delivery, shown, source, flag)
        )
    groups = {}
    for row in rows:
        groups.setdefault((row.code, row.variant), []).append(row)
    ordered = []
    order = {code: index for index, code in enumerate(better)}
    for key in sorted(groups, key=lambda key: (order.get(key[0], len(order)), key)):
        group = _ranked(groups[key], better.get(key[0], Better.NEUTRAL))
        ordered += sorted(
            group,
            key=lambda row: (
                not row.is_aggregate,
                row.rank is None,
                row.rank or 0,
                row.unit.key,
            ),
        )
    return ordered


def flagged(rows):
    return [row for row in rows if row.flagged]


def table(rows, title):
    """The rows as a download: both values, the flag, the difference and whether flagged."""
    result = Table(
        title=title,
        columns=[
            Column("Rang", 0),
            Column("Schlüssel"),
            Column("Einheit"),
            Column("Art"),
            Column("Kennzahl"),
            Column("Variante"),
            Column("berechnet (%)"),
            Column("Ladestand berechnet"),
            Column("veröffentlicht (%)"),
            Column("Kennzeichen"),
            Column("Ladestand veröffentlicht"),
            Column("Abweichung (Prozentpunkte bzw. %)"),
            Column("auffällig"),
        ],
    )
    for row in rows:
        result.rows.append(
            [
                row.rank,
                row.unit.key,
                row.unit.name,
                row.kind_label,
                row.code,
                row.variant_label,
                None if row.computed is None else Number(row.computed, 2),
                row.computed_delivery.ladestand if row.computed_delivery else None,
                None if row.published is None else Number(row.published, 2),
                row.flag_text,
                row.published_delivery.ladestand if row.published_delivery else None,
                None if row.deviation is None else Number(row.deviation, 2),
                "ja" if row.flagged else "nein",
            ]
        )
    return result


def for_landkreis(unit, month, delivery, *, deliveries=None):
    """The rows of one Landkreis at `month` (a date), computed from `delivery` (the one its
    page judges it on), and the aggregates' published rows for the same codes and variants,
    as reference lines."""
    if month is None:
        return []
    rows = build(
        month.year,
        month.month,
        units=Organisation.objects.aggregates() | Organisation.objects.filter(pk=unit.pk),
        deliveries=deliveries,
        published_deliveries=deliveries,
        basis={unit.pk: delivery},
    )
    own = {(row.code, row.variant) for row in rows if row.unit.pk == unit.pk}
    # Ranks among these few units would mean nothing: the comparison ranks.
    return [replace(row, rank=None) for row in rows if (row.code, row.variant) in own]


def for_comparison(comparison, *, deliveries=None):
    """The rows of the comparison's indicator at its month across all units, computed from
    the deliveries its rows are judged on; [] without a month."""
    if comparison.month is None:
        return []
    rows = [*comparison.references, *comparison.rows, *comparison.without_value]
    return build(
        comparison.year,
        comparison.month.month,
        deliveries=deliveries,
        published_deliveries=deliveries,
        codes=[comparison.indicator.code],
        basis={row.unit.pk: row.delivery for row in rows},
    )
