"""The end of an agreement's year: the final assessment of the approved spring review
(Frühjahrsbilanz) per goal, shown by the dashboards and the agreement in place of the computed
verdict, and the year-end report (Jahresabschlussbericht) across all Landkreise for the
Ausschuss für Zielvereinbarungen.

The assessments are written and frozen by the dialogs app, which sits above this one; it
passes them in (agreements/minutes.py), as it passes in the dialogs of the Landkreis page.
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from django.urls import reverse

from agreements import attainment, minutes
from agreements.dashboards import figures
from agreements.exports import Column, Table
from agreements.models import Agreement, Goal, GoalKind
from indicators import catalogue
from indicators.computations import Verdict
from zielsteuerung import formats


@dataclass(frozen=True)
class FinalVerdict:
    """One goal's final assessment as the approved spring review decided it."""

    label: str  # „erreicht“, „nicht erreicht“, „erreicht unter Berücksichtigung von § 4 …“
    met: bool
    computed: Verdict  # the computed verdict on the December values, stored at approval
    reason: str
    dialog_pk: int
    dialog_date: date
    jfw: Decimal | None  # the Jahresendwert the minutes were approved with
    indicator_code: str

    @property
    def css_class(self):
        return (Verdict.MET if self.met else Verdict.NOT_MET).css_class

    @property
    def computed_label(self):
        return self.computed.label

    @property
    def source_text(self):
        return f"Frühjahrsbilanz vom {formats.day(self.dialog_date)}"

    @property
    def dialog_url(self):
        return reverse("dialogs:detail", args=[self.dialog_pk])


def final_assessments(agreements):
    """{goal id: FinalVerdict} for the goals of `agreements` (already visible to the user)
    that an approved spring review assessed; of two approved reviews the later one counts."""
    ids = [agreement.pk for agreement in agreements]
    return minutes.given().final_assessments(ids) if ids else {}


def stamp():
    """When the newest spring review was approved: part of what cached pages depend on."""
    return minutes.given().approved_at()


def newest_assessed_year(agreements):
    """The newest year of `agreements` (a queryset) with an approved final assessment."""
    return minutes.given().newest_assessed_year(agreements)


def mark_final(overview):
    """Give each overview cell its goal's final assessment; True when any cell has one."""
    finals = final_assessments([row.agreement for row in overview.rows])
    for row in overview.rows:
        row.cells = {
            key: replace(cell, final=finals.get(cell.goal.pk)) for key, cell in row.cells.items()
        }
        row.ordered_cells = [
            None if cell is None else replace(cell, final=finals.get(cell.goal.pk))
            for cell in row.ordered_cells
        ]
    return bool(finals)


def mark_final_panels(agreement, panels):
    """Give each goal panel of the Landkreis page its goal's final assessment."""
    finals = final_assessments([agreement])
    for panel in panels:
        panel.cell = replace(panel.cell, final=finals.get(panel.goal.pk))
    return panels


# ---------------------------------------------------------------------------------------------
# The year-end report: goal × Landkreis


@dataclass(frozen=True)
class ReportRow:
    agreement: Agreement
    goal: Goal
    year_end_value: Decimal | None  # the JFW of December; None for qualitative goals
    unit: str
    computed: Verdict
    final: FinalVerdict | None

    @property
    def traeger(self):
        return self.agreement.traeger

    @property
    def target_text(self):
        if self.goal.is_qualitative:
            return "qualitatives Ziel"
        return figures.target_text(self.goal)

    @property
    def year_end_text(self):
        if self.goal.is_qualitative:
            return "–"
        return figures.format_jfw(self.year_end_value, self.unit)

    @property
    def computed_label(self):
        if self.goal.is_qualitative and self.computed != Verdict.NO_DATA:
            return f"{self.computed.label} (Umsetzungsschritte)"
        return self.computed.label

    @property
    def final_label(self):
        return self.final.label if self.final else "noch offen"


@dataclass
class YearEndReport:
    year: int
    rows: list

    @property
    def assessed_count(self):
        return sum(1 for row in self.rows if row.final)

    @property
    def met_count(self):
        return sum(1 for row in self.rows if row.final and row.final.met)

    @property
    def open_count(self):
        return len(self.rows) - self.assessed_count

    @property
    def landkreis_count(self):
        return len({row.agreement.pk for row in self.rows})


def _assessed_goals(agreement):
    """The goals a final assessment is given for: quantitative and qualitative ones."""
    return [goal for goal in agreement.goals.all() if goal.kind != GoalKind.MONITORING]


def build_report(agreements, year):
    """Every quantitative and qualitative goal of `agreements` (those of `year` visible to the
    user) with target, Jahresendwert, computed verdict and final assessment. Where the spring
    review is approved, its stored figures and verdicts; elsewhere the December figures the
    engine computes now, the final assessment still open."""
    goals = Goal.objects.select_related("indicator").prefetch_related("steps")
    agreements = list(
        agreements.select_related("traeger")
        .prefetch_related(Prefetch("goals", queryset=goals.order_by("number")))
        .order_by("traeger__name")
    )
    finals = final_assessments(agreements)
    pending = [
        agreement
        for agreement in agreements
        if any(goal.pk not in finals for goal in _assessed_goals(agreement))
    ]
    december = (
        {
            item.goal.pk: item
            for item in attainment.attainment_for_year(year, month=12, agreements=pending)
        }
        if pending
        else {}
    )
    rows = []
    for agreement in agreements:
        for goal in _assessed_goals(agreement):
            final = finals.get(goal.pk)
            code = goal.indicator.code if goal.indicator_id else ""
            if final is not None:
                value, computed = final.jfw, final.computed
            elif goal.is_qualitative:
                value, computed = None, goal.steps_verdict()
            else:
                live = december.get(goal.pk)
                value = live.jfw if live else None
                computed = Verdict(live.verdict) if live else Verdict.NO_DATA
            rows.append(
                ReportRow(
                    agreement=agreement,
                    goal=goal,
                    year_end_value=value,
                    unit=catalogue.jfw_unit(code) if code else "",
                    computed=computed,
                    final=final,
                )
            )
    return YearEndReport(year=year, rows=rows)


def final_rows(agreement):
    """The agreement's report rows when its spring review is approved, else []."""
    if not final_assessments([agreement]):
        return []
    return build_report(Agreement.objects.filter(pk=agreement.pk), agreement.year).rows


def report_table(report):
    table = Table(
        title=f"Jahresabschluss {report.year}",
        columns=[
            Column("Kreisschlüssel"),
            Column("Landkreis"),
            Column("Ziel Nr.", 0),
            Column("Ziel"),
            Column("Kennzahl"),
            Column("Zielart"),
            Column("Zielwert (%)"),
            Column("Jahresendwert (Dezember)"),
            Column("Einheit"),
            Column("errechnete Bewertung"),
            Column("abschließende Bewertung"),
            Column("Begründung"),
            Column("Grundlage"),
        ],
    )
    for row in report.rows:
        goal, final = row.goal, row.final
        table.rows.append(
            [
                row.traeger.key,
                row.traeger.name,
                goal.number,
                goal.title,
                goal.indicator.code if goal.indicator_id else "",
                "qualitatives Ziel" if goal.is_qualitative else figures.target_kind(goal),
                figures.target_cell(goal),
                figures.jfw_cell(row.year_end_value, row.unit),
                figures.UNIT_LABELS.get(row.unit, ""),
                row.computed_label,
                row.final_label,
                final.reason if final else "",
                final.source_text if final else "",
            ]
        )
    return table
