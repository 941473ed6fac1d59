"""`manage.py attainment --year 2020 [--month 2] [--ladestand 2020-03-17] [--wartezeit 0]
[--format json|csv]`: where every measured goal of the year stands, for machines."""

import csv
import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.management.base import BaseCommand, CommandError

from agreements.attainment import attainment_for_year, forecasts
from agreements.models import Agreement
from indicators.computations import Verdict
from indicators.models import DataDelivery
from zielsteuerung import formats

FIELDS = [
    "traeger",
    "goal",
    "indicator",
    "month",
    "ladestand",
    "wartezeit",
    "jfw",
    "jfw_previous_year",
    "change_percent",
    "target_change_percent",
    "target_path",
    "verdict",
    "met",
    "missing_months",
    "forecast",
    "forecast_reason",
]
# The forecast object spread over CSV columns.
CSV_FORECAST = ["forecast_value", "forecast_low", "forecast_high", "forecast_verdict"]
FOUR_PLACES = Decimal("0.0001")


def plain_number(value):
    """A Decimal as a JSON number, rounded to at most four decimals (percent stay percent)."""
    if value is None:
        return None
    rounded = Decimal(value).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return int(rounded)
    return float(rounded)


def forecast_of(forecast):
    """The `forecast` object of a row, or None when there is none (`forecast_reason` says why)."""
    if forecast is None or forecast.value is None:
        return None
    return {
        "value": plain_number(forecast.value),
        "low": plain_number(forecast.low),
        "high": plain_number(forecast.high),
        "verdict": str(forecast.outlook) if forecast.outlook else None,
        "target": plain_number(forecast.target),
        "years": list(forecast.years),
    }


def row_of(attainment, forecast=None):
    delivery = attainment.delivery
    met = {Verdict.MET: True, Verdict.NOT_MET: False}.get(attainment.verdict)
    return {
        "traeger": attainment.goal.agreement.traeger.key,
        "goal": attainment.goal.number,
        "indicator": attainment.indicator_code,
        "month": f"{attainment.month:%Y-%m}" if attainment.month else None,
        "ladestand": delivery.ladestand.isoformat() if delivery else None,
        "wartezeit": delivery.waiting_months if delivery else None,
        "jfw": plain_number(attainment.jfw),
        "jfw_previous_year": plain_number(attainment.jfw_previous_year),
        "change_percent": plain_number(attainment.change_percent),
        "target_change_percent": plain_number(attainment.target_change_percent),
        "target_path": plain_number(attainment.target_path),
        "verdict": str(attainment.verdict),
        "met": met,
        "missing_months": [f"{month:%Y-%m}" for month in attainment.missing_months],
        "forecast": forecast_of(forecast),
        "forecast_reason": (forecast.reason or None) if forecast else None,
    }


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(value)
    return str(value)


class Command(BaseCommand):
    help = (
        "Gibt für jedes Ziel mit Zielindikator oder Monitoring den Jahresfortschrittswert, den "
        "Vorjahreswert, die Veränderung und die Zielerreichung aus (JSON oder CSV)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Vereinbarungsjahr")
        parser.add_argument(
            "--month", type=int, help="Berichtsmonat 1–12 (Standard: letzter Monat mit Daten)"
        )
        parser.add_argument(
            "--ladestand",
            help="Ladestand JJJJ-MM-TT (Standard: die neueste Lieferung mit dem Berichtsmonat)",
        )
        parser.add_argument("--wartezeit", type=int, help="Wartezeit in Monaten (0 = ohne)")
        parser.add_argument(
            "--format", dest="output_format", choices=["json", "csv"], default="json"
        )

    def handle(self, *args, year, month, ladestand, wartezeit, output_format, **options):
        if month is not None and not 1 <= month <= 12:
            raise CommandError(f"--month {month}: der Monat muss zwischen 1 und 12 liegen.")
        if not Agreement.objects.for_year(year).exists():
            raise CommandError(f"Für das Jahr {year} gibt es keine Zielvereinbarungen.")
        deliveries = self._deliveries(ladestand, wartezeit)
        attainments = attainment_for_year(year, month=month, deliveries=deliveries)
        rows = sorted(
            (
                row_of(attainment, forecast)
                for attainment, forecast in zip(attainments, forecasts(attainments), strict=True)
            ),
            key=lambda row: (row["traeger"], row["goal"]),
        )
        if output_format == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            columns = [name for name in FIELDS if name != "forecast"]
            writer.writerow(columns[:-1] + CSV_FORECAST + columns[-1:])
            for row in rows:
                forecast = row["forecast"] or {}
                cells = [csv_cell(row[name]) for name in columns]
                spread = [
                    csv_cell(forecast.get(name.removeprefix("forecast_"))) for name in CSV_FORECAST
                ]
                writer.writerow(cells[:-1] + spread + cells[-1:])
        else:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))

    def _deliveries(self, ladestand, wartezeit):
        """The deliveries to choose from, or None for all of them."""
        if ladestand is None and wartezeit is None:
            return None
        deliveries = DataDelivery.objects.all()
        described = []
        if ladestand is not None:
            try:
                day = date.fromisoformat(ladestand)
            except ValueError:
                raise CommandError(
                    f"--ladestand „{ladestand}“ ist kein Datum im Format JJJJ-MM-TT."
                ) from None
            deliveries = deliveries.filter(ladestand=day)
            described.append(f"Ladestand {formats.day(day)}")
        if wartezeit is not None:
            if wartezeit < 0:
                raise CommandError("--wartezeit: die Wartezeit kann nicht negativ sein.")
            deliveries = deliveries.filter(waiting_months=wartezeit)
            described.append(f"Wartezeit {wartezeit}")
        if not deliveries.exists():
            raise CommandError(f"Es gibt keine Datenlieferung mit {' und '.join(described)}.")
        return deliveries
