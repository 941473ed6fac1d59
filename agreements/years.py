"""One Landkreis' goals year by year: for every year with an agreement, each goal's target,
Jahresendwert, change to the previous year, computed verdict and final assessment of the
spring review, side by side (docs/dashboards.md, „Jahre im Vergleich“).

The figures of a year are those of the year-end report (`year_end.build_report`: the
approved spring review's figures and verdicts where there is one, else December as the
engine computes it now); the change and the target path for December come from the engine.
Goals are matched across years by their indicator (K2 of 2019 beside K2 of 2020), qualitative
goals by their title, since numbers shift when a year adds a goal.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from agreements import attainment, charts, year_end
from agreements.dashboards import figures as dashboards
from agreements.exports import Column, Table
from agreements.models import Agreement
from indicators.computations import Verdict
from zielsteuerung import formats


@dataclass(frozen=True)
class YearCell:
    """One goal in one year."""

    row: year_end.ReportRow
    change_percent: Decimal | None  # the December JFW against the previous year's
    target_path: Decimal | None  # the Jahresendwert the target asks for

    @property
    def year(self):
        return self.row.agreement.year

    @property
    def agreement(self):
        return self.row.agreement

    @property
    def goal(self):
        return self.row.goal

    @property
    def change_text(self):
        if self.change_percent is None:
            return "–"
        return formats.percent(self.change_percent, 1, sign=True)

    @property
    def target_path_text(self):
        if self.target_path is None:
            return "–"
        return dashboards.format_jfw(self.target_path, self.row.unit)

    @property
    def verdict(self):
        """The verdict that counts: the final assessment, else the computed one."""
        final = self.row.final
        if final is not None:
            return Verdict.MET if final.met else Verdict.NOT_MET
        return self.row.computed


@dataclass
class GoalYears:
    """A goal (by indicator or title) with its cells, oldest year first."""

    key: str
    cells: list = field(default_factory=list)

    @property
    def newest(self):
        return self.cells[-1]

    @property
    def title(self):
        return self.newest.goal.title

    @property
    def indicator_code(self):
        goal = self.newest.goal
        return goal.indicator.code if goal.indicator_id else ""

    @property
    def is_qualitative(self):
        return self.newest.goal.is_qualitative

    @property
    def anchor(self):
        return "ziel-" + "".join(c if c.isalnum() else "-" for c in self.key.lower())

    @property
    def chart_id(self):
        return f"jahre-{self.anchor}"

    @property
    def chart_label(self):
        years = ", ".join(
            f"{cell.year}: {cell.row.year_end_text} ({cell.verdict.label})" for cell in self.cells
        )
        return f"Jahresendwerte {self.indicator_code} nach Jahren – {years}"

    @property
    def figure(self):
        if self.is_qualitative or all(c.row.year_end_value is None for c in self.cells):
            return None  # no Jahresendwert yet: the table says so, an empty chart would not
        return charts.years_chart(
            [
                {
                    "year": cell.year,
                    "value": cell.row.year_end_value,
                    "target": cell.target_path,
                    "verdict": cell.verdict,
                }
                for cell in self.cells
            ],
            unit=self.newest.row.unit,
        )


@dataclass
class YearsOfLandkreis:
    unit: object
    years: list  # the years with an agreement, oldest first
    goals: list  # GoalYears, in the order of the newest agreement's goal numbers


def goal_key(goal):
    return goal.indicator.code if goal.indicator_id else f"qualitativ: {goal.title.strip()}"


def build(unit, agreements):
    """The years side by side for `unit`; `agreements`: its agreements visible to the user."""
    agreements = list(agreements.filter(traeger=unit).order_by("year"))
    goals = {}
    for agreement in agreements:
        report = year_end.build_report(Agreement.objects.filter(pk=agreement.pk), agreement.year)
        december = {
            item.goal.pk: item
            for item in attainment.attainment_for_year(
                agreement.year, month=12, agreements=[agreement]
            )
        }
        for row in report.rows:
            live = december.get(row.goal.pk)
            cell = YearCell(
                row=row,
                change_percent=live.change_percent if live else None,
                target_path=live.target_path if live else None,
            )
            key = goal_key(row.goal)
            goals.setdefault(key, GoalYears(key=key)).cells.append(cell)
    ordered = sorted(goals.values(), key=lambda g: (-g.newest.year, g.newest.goal.number))
    return YearsOfLandkreis(unit=unit, years=[a.year for a in agreements], goals=ordered)


def years_table(years):
    table = Table(
        title=f"Jahre {years.unit.key}",
        columns=[
            Column("Kreisschlüssel"),
            Column("Landkreis"),
            Column("Ziel"),
            Column("Kennzahl"),
            Column("Jahr", 0),
            Column("Ziel Nr.", 0),
            Column("Zielart"),
            Column("Zielwert (%)"),
            Column("Jahresendwert (Dezember)"),
            Column("Einheit"),
            Column("Veränderung zum Vorjahr (%)"),
            Column("Zielpfad Dezember"),
            Column("errechnete Bewertung"),
            Column("abschließende Bewertung"),
            Column("Begründung"),
        ],
    )
    for goal in years.goals:
        for cell in goal.cells:
            row = cell.row
            table.rows.append(
                [
                    years.unit.key,
                    years.unit.name,
                    goal.title,
                    goal.indicator_code,
                    cell.year,
                    row.goal.number,
                    "qualitatives Ziel"
                    if goal.is_qualitative
                    else dashboards.target_kind(row.goal),
                    dashboards.target_cell(row.goal),
                    dashboards.jfw_cell(row.year_end_value, row.unit),
                    dashboards.UNIT_LABELS.get(row.unit, ""),
                    dashboards.change_cell(cell.change_percent),
                    dashboards.jfw_cell(cell.target_path, row.unit),
                    row.computed_label,
                    row.final_label,
                    row.final.reason if row.final else "",
                ]
            )
    return table


def neighbours(agreement, user):
    """(previous, next): the agreements of the same Landkreis in the nearest years before and
    after `agreement` that `user` may see, or None."""
    same = Agreement.objects.visible_to(user).filter(traeger_id=agreement.traeger_id)
    previous = same.filter(year__lt=agreement.year).order_by("-year").only("pk", "year").first()
    following = same.filter(year__gt=agreement.year).order_by("year").only("pk", "year").first()
    return previous, following
