"""`manage.py forecast_backtest [--year 2026] [--write docs/forecast.md]`: how good the
year-end forecast has been.

For every measured goal of the year's agreements, on the delivery the dashboards judge its
Landkreis on, and for every earlier year whose December that delivery holds: the forecast
made at each month January–November (`indicators.forecast`, from the values of that one
delivery, as the pages make it) against the actual Jahresendwert, and its verdict against the
goal's target applied to that year (a change target to that year's previous year) against the
actual December verdict. Printed as one table per indicator; `--write` puts the tables into a
Markdown file between the markers `<!-- backtest:start -->` and `<!-- backtest:end -->`.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agreements.attainment import _load_pairs, attainment_for_year, target_of
from agreements.models import Agreement
from indicators import computations
from indicators.computations import Verdict
from indicators.forecast import Outlook, forecast
from zielsteuerung import formats

START, END = "<!-- backtest:start -->", "<!-- backtest:end -->"
UNITS = {"K1": "Euro", "K2": "Prozentpunkte", "K2E4": "Prozentpunkte", "K3": "Personen"}
UNITS["K3E1"] = "Prozentpunkte"
PLACES = {"K1": 0, "K3": 0}
# Every year a delivery may hold: the SGB II began in January 2005.
HISTORY_START = date(2004, 12, 1)


@dataclass
class MonthFigures:
    """What the forecasts made at one month got right, summed over goals and years."""

    errors: list = field(default_factory=list)  # |forecast − actual|
    relative: list = field(default_factory=list)  # |forecast − actual| / actual × 100
    in_band: int = 0
    decided: int = 0  # verdict erreichbar or kaum erreichbar
    right: int = 0  # of those, the actual December verdict agreed
    at_risk: int = 0
    judged: int = 0  # forecasts with a verdict


def backtest(code, values, years, target):
    """{month: MonthFigures} of one goal's indicator over `years`, from one delivery's values."""
    result = {month: MonthFigures() for month in range(1, 12)}
    for year in years:
        actual = computations.year_to_date(code, values, year, 12).value
        if actual is None:
            continue
        verdict = computations.judge(computations.compare(code, values, year, 12), target)
        for month, figures in result.items():
            projected = forecast(code, values, year, month, target)
            if projected.value is None:
                continue
            error = abs(projected.value - actual)
            figures.errors.append(error)
            if actual:
                figures.relative.append(error / abs(actual) * 100)
            figures.in_band += projected.low <= actual <= projected.high
            if projected.outlook is None or verdict not in (Verdict.MET, Verdict.NOT_MET):
                continue
            figures.judged += 1
            if projected.outlook == Outlook.AT_RISK:
                figures.at_risk += 1
                continue
            figures.decided += 1
            figures.right += (projected.outlook == Outlook.REACHABLE) == (verdict == Verdict.MET)
    return result


def merge(total, part):
    for month, figures in part.items():
        into = total.setdefault(month, MonthFigures())
        into.errors += figures.errors
        into.relative += figures.relative
        for name in ("in_band", "decided", "right", "at_risk", "judged"):
            setattr(into, name, getattr(into, name) + getattr(figures, name))


def _mean(numbers):
    return sum(numbers, Decimal(0)) / len(numbers) if numbers else None


def _share(part, whole):
    return formats.percent(Decimal(part) * 100 / whole, 0) if whole else "–"


def table(code, months):
    """One indicator's backtest as a Markdown table."""
    unit = UNITS.get(code, "")
    lines = [
        f"| Monat | Prognosen | mittlerer abs. Fehler ({unit}) | in % des Jahresendwerts "
        "| Jahresendwert im Band | Urteil eindeutig | davon richtig | gefährdet |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for month, figures in sorted(months.items()):
        count = len(figures.errors)
        if not count:
            continue
        mae = formats.number(_mean(figures.errors), PLACES.get(code, 2))
        relative = formats.percent(_mean(figures.relative), 2) if figures.relative else "–"
        lines.append(
            f"| {formats.MONTH_NAMES[month - 1]} | {count} | {mae} | {relative} "
            f"| {_share(figures.in_band, count)} | {_share(figures.decided, figures.judged)} "
            f"| {_share(figures.right, figures.decided)} "
            f"| {_share(figures.at_risk, figures.judged)} |"
        )
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Prüft die Jahresendprognose an den Vorjahren: mittlerer absoluter Fehler je Monat und "
        "Anteil richtiger Urteile (erreichbar / kaum erreichbar)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, help="Vereinbarungsjahr (Standard: das neueste mit Vereinbarungen)"
        )
        parser.add_argument(
            "--write", metavar="DATEI", help="Tabellen in diese Markdown-Datei schreiben"
        )

    def handle(self, *args, year, write, **options):
        if year is None:
            year = Agreement.objects.order_by("-year").values_list("year", flat=True).first()
            if year is None:
                raise CommandError("Es gibt keine Zielvereinbarungen.")
        if write and END not in Path(write).read_text(encoding="utf-8", errors="replace"):
            raise CommandError(f"{write}: die Marken {START} und {END} fehlen.")
        goals = [
            a
            for a in attainment_for_year(year, month=12)
            if a.delivery is not None and computations.is_computable(a.indicator_code)
        ]
        if not goals:
            raise CommandError(f"Für {year} gibt es keine Ziele mit Daten.")
        codes = sorted({c for a in goals for c in computations.FORMULAS[a.indicator_code].codes})
        values = _load_pairs(
            {(a.goal.agreement.traeger_id, a.delivery.pk) for a in goals},
            codes,
            HISTORY_START,
            date(year, 12, 1),
        )
        per_code, years_seen, deliveries = {}, set(), set()
        for a in goals:
            unit_values = values[(a.goal.agreement.traeger_id, a.delivery.pk)]
            years = sorted({month.year for _, month in unit_values if month.month == 12})
            years_seen.update(years)
            deliveries.add(str(a.delivery))
            merge(
                per_code.setdefault(a.indicator_code, {}),
                backtest(a.indicator_code, unit_values, years, target_of(a.goal)),
            )
        summary = (
            f"Vereinbarungsjahr {year}: {len(goals)} Ziele mit Zielindikator oder Monitoring, "
            f"Dezember {min(years_seen)}–{max(years_seen)} in der Lieferung, Lieferung(en): "
            f"{', '.join(sorted(deliveries))}."
        )
        text = "\n\n".join(
            [summary]
            + [f"**{code}**\n\n{table(code, months)}" for code, months in sorted(per_code.items())]
        )
        self.stdout.write(text)
        if write:
            path = Path(write)
            content = path.read_text(encoding="utf-8")
            before, rest = content.split(START, 1)
            after = rest.split(END, 1)[1]
            path.write_text(f"{before}{START}\n{text}\n{END}{after}", encoding="utf-8")
