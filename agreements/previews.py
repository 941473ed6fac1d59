"""What an upload would change on the dashboards, shown in the upload preview before the user
confirms (issue 15.1 and 15.13).

For each Landkreis of the file with an agreement in the year of its latest month: whether the
file holds every month its goals' comparisons need at that month — if not, which months are
missing and which Ladestand the dashboards keep using (attainment.md, „Data basis“) —, the
values that differ from the delivery the dashboards use now for the same months, and each
goal's JFW and verdict now and with the file. Nothing is stored; the file's values are read
from the check (indicators.imports.ImportCheck). A fixed number of queries, whatever the
number of Landkreise."""

from dataclasses import dataclass, field
from datetime import date

from agreements import attainment
from agreements.dashboards import basis, figures
from agreements.models import Agreement
from indicators import computations
from zielsteuerung import formats
from zielsteuerung.models import Organisation

# Larger files (a national delivery of many years) are previewed without this part: reading
# every cell into Python for it would cost more than the check itself.
MAX_CELLS = 200_000


@dataclass(frozen=True)
class ValueChange:
    code: str
    month: date
    before: object  # Decimal in the delivery the dashboards use now
    after: object  # Decimal in the file

    @property
    def places(self):
        whole = all(v == v.to_integral_value() for v in (self.before, self.after))
        return 0 if whole else 2

    @property
    def before_text(self):
        return formats.number(self.before, self.places)

    @property
    def after_text(self):
        return formats.number(self.after, self.places)

    @property
    def difference_text(self):
        return formats.number(self.after - self.before, self.places, sign=True)


@dataclass(frozen=True)
class GoalEffect:
    now: figures.Cell  # on the dashboards' current basis
    after: figures.Cell | None  # computed from the file alone; None if it cannot be


@dataclass
class UnitEffect:
    agreement: Agreement
    month: date  # the file's latest month of the year for this Landkreis
    missing_months: tuple  # months the file lacks for the goals' comparisons at `month`
    kept: object  # the delivery the dashboards keep using when the file is incomplete
    goals: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    compared_with: object = None  # the delivery the values are compared with

    @property
    def traeger(self):
        return self.agreement.traeger

    @property
    def complete(self):
        return not self.missing_months

    @property
    def missing_text(self):
        return basis.month_ranges(self.missing_months)


def _file_values(check):
    """{unit key: {(code, month): Decimal}} of the file's values for „gesamt“."""
    values = {}
    for key, code, month, sex, value in check.cells():
        if sex == "g":
            values.setdefault(key, {})[(code, month)] = value
    return values


def upload_effects(check):
    """[UnitEffect, …] by Landkreis name; empty when the file touches no agreement (or is too
    large for this preview)."""
    if not check.ok or check.value_count > MAX_CELLS:
        return []
    by_key = _file_values(check)
    units = Organisation.objects.filter(key__in=list(by_key))
    latest = {}
    for unit in units:
        months = [m for code, m in by_key[unit.key] if code in computations.BASE_CODES]
        if months:
            latest[unit.pk] = (unit, min(max(months), date(max(months).year, 12, 1)))
    years = {month.year for _, month in latest.values()}
    agreements = [
        a
        for a in attainment._with_goals(
            Agreement.objects.filter(traeger__in=list(latest), year__in=years).select_related(
                "traeger"
            )
        )
        if latest[a.traeger_id][1].year == a.year and attainment.measured_goals(a)
    ]
    now = {}
    for year in {a.year for a in agreements}:
        of_year = [a for a in agreements if a.year == year]
        for item in attainment.attainment_for_year(year, agreements=of_year):
            now.setdefault(item.goal.agreement_id, []).append(item)
    effects = []
    for agreement in agreements:
        unit, month = latest[agreement.traeger_id]
        values = by_key[unit.key]
        goals = attainment.measured_goals(agreement)
        needed = attainment._needed({g.indicator.code for g in goals}, month)
        missing = tuple(sorted({m for pair in needed if pair not in values for m in [pair[1]]}))
        current = now.get(agreement.pk, [])
        basis = next((a.delivery for a in current if a.delivery is not None), None)
        effect = UnitEffect(
            agreement=agreement,
            month=month,
            missing_months=missing,
            kept=basis if missing else None,
            compared_with=basis,
        )
        for item in current:
            after = None
            if not missing:
                after = figures.Cell(attainment._attainment(item.goal, month, None, values))
            effect.goals.append(GoalEffect(now=figures.Cell(item), after=after))
        effects.append(effect)
    _add_changes(effects, by_key)
    return sorted(effects, key=lambda effect: effect.traeger.name)


def _add_changes(effects, by_key):
    """The file's values that differ from those of the delivery the dashboards use now, for
    the months both hold (one query for all Landkreise)."""
    pairs = {(e.agreement.traeger_id, e.compared_with.pk) for e in effects if e.compared_with}
    if not pairs:
        return
    months = [m for e in effects for (_, m) in by_key[e.traeger.key]]
    stored = attainment._load_pairs(pairs, list(computations.BASE_CODES), min(months), max(months))
    for effect in effects:
        if effect.compared_with is None:
            continue
        before = stored[(effect.agreement.traeger_id, effect.compared_with.pk)]
        for (code, month), value in sorted(by_key[effect.traeger.key].items()):
            old = before.get((code, month))
            if old is not None and old != value:
                effect.changes.append(ValueChange(code, month, old, value))
