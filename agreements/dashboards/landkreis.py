"""The Landkreis page: one agreement's goals month by month."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from agreements import attainment, charts, explanations, year_end
from agreements.dashboards.basis import basis_text, demo_label, incomplete_notes
from agreements.dashboards.figures import (
    UNIT_LABELS,
    Cell,
    FigureTexts,
    change_cell,
    jfw_cell,
    target_cell,
    target_kind,
    with_forecasts,
)
from agreements.exports import Column, Number, Table
from agreements.models import (
    BudgetKind,
    Goal,
    GoalKind,
)
from indicators import catalogue
from indicators.models import (
    DataDelivery,
)
from zielsteuerung import formats

# ---------------------------------------------------------------------------------------------
# Landkreis page


@dataclass(frozen=True)
class MonthRow(FigureTexts):
    """One month of a goal panel: the goal's figures at that month, from the panel's delivery."""

    figures: attainment.Figures

    @property
    def css_class(self):
        return self.figures.verdict.css_class


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
        return any(row.figures.numerator is not None for row in self.months)

    @property
    def shown_months(self):
        """Months with any figure (the later months of a running year show the target path)."""
        return [row for row in self.months if not row.figures.is_empty]

    @property
    def change_chart_id(self):
        return f"chart-veraenderung-{self.goal.number}"

    @property
    def has_changes(self):
        return any(row.figures.change_percent is not None for row in self.months)

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
            + (
                " mit Zielpfad"
                if any(r.figures.target_path is not None for r in self.months)
                else ""
            )
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
        unit = catalogue.jfw_unit(item.indicator_code)
        series = attainment.monthly_series(agreement, goal, delivery=item.delivery)
        months = [MonthRow(row) for row in series]
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
        (d for d in deliveries if d.newness < shown.newness),
        key=lambda d: d.newness,
        reverse=True,
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


def page(agreement, *, month=None, delivery=None, deliveries=()):
    """What the Landkreis page shows of `agreement` at the chosen basis (`month`, `delivery`;
    `deliveries`: those the user may see with data of the year): the goal panels with final
    assessments and explanations, the data basis in words, an older complete delivery to
    point to, the qualitative goals, the budget and the year's final assessment."""
    panels = goal_panels(agreement, month=month, delivery=delivery)
    year_end.mark_final_panels(agreement, panels)
    explanations.attach_to_panels(panels)
    attainments = [panel.cell.attainment for panel in panels]
    reporting_month = next((a.month for a in attainments if a.month), None)
    shown = [a.delivery for a in attainments]
    complete = complete_delivery(panels, deliveries)
    lines, total = budget_lines(agreement)
    return {
        "agreement": agreement,
        "panels": panels,
        "reporting_month": reporting_month,
        "basis_text": basis_text(reporting_month, shown[:1], year=agreement.year),
        "demo_label": demo_label(shown),
        "complete_delivery": complete,
        "incomplete_notes": incomplete_notes(attainments),
        "complete_query": urlencode(
            {
                "year": agreement.year,
                "month": complete.month.month,
                "delivery": complete.delivery.pk,
            }
        )
        if complete
        else "",
        "revisions_query": urlencode({"year": reporting_month.year, "month": reporting_month.month})
        if reporting_month
        else "",
        "qualitative_goals": qualitative_goals(agreement),
        "final_rows": year_end.final_rows(agreement),
        "budget_lines": lines,
        "budget_total": total,
    }


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
        for row in (month.figures for month in panel.shown_months):
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
