"""`manage.py kennzahlen --year 2020 --month 6 [--traeger 03358] [--ladestand 2020-07-15]
[--format json|csv]`: computed and published Kennzahlen side by side (docs/attainment.md,
„Abgleich“), one row per unit, code and variant, for machines."""

import csv
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from agreements import reconciliation
from agreements.management.commands.attainment import csv_cell, plain_number
from indicators.models import DataDelivery
from zielsteuerung import formats
from zielsteuerung.models import Organisation

FIELDS = [
    "traeger",
    "name",
    "kind",
    "indicator",
    "variant",
    "month",
    "computed",
    "computed_ladestand",
    "published",
    "published_ladestand",
    "published_flag",
    "deviation",
    "flagged",
    "rank",
]


def row_of(row):
    return {
        "traeger": row.unit.key,
        "name": row.unit.name,
        "kind": row.kind,
        "indicator": row.code,
        "variant": row.variant,
        "month": f"{row.month:%Y-%m}",
        "computed": plain_number(row.computed),
        "computed_ladestand": (
            row.computed_delivery.ladestand.isoformat() if row.computed_delivery else None
        ),
        "published": plain_number(row.published),
        "published_ladestand": (
            row.published_delivery.ladestand.isoformat() if row.published_delivery else None
        ),
        "published_flag": row.flag or None,
        "deviation": plain_number(row.deviation),
        "flagged": row.flagged,
        "rank": row.rank,
    }


class Command(BaseCommand):
    help = (
        "Gibt je Einheit (Landkreis, Vergleichseinheit, Aggregat), Kennzahl und Variante den "
        "berechneten und den veröffentlichten Wert, ihre Abweichung und den Rang aus."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Jahr")
        parser.add_argument("--month", type=int, required=True, help="Berichtsmonat 1–12")
        parser.add_argument("--traeger", help="nur diese Einheit (Schlüssel, z. B. 03358)")
        parser.add_argument(
            "--ladestand",
            help="berechnete Werte nur aus Lieferungen dieses Ladestands (JJJJ-MM-TT)",
        )
        parser.add_argument(
            "--format", dest="output_format", choices=["json", "csv"], default="json"
        )

    def handle(self, *args, year, month, traeger, ladestand, output_format, **options):
        if not 1 <= month <= 12:
            raise CommandError(f"--month {month}: der Monat muss zwischen 1 und 12 liegen.")
        # With --ladestand, the computed values come from that Ladestand's deliveries; the
        # published values stay those of the newest delivery holding them.
        rows = reconciliation.build(year, month, deliveries=self._deliveries(ladestand))
        if traeger is not None:
            if not Organisation.objects.data_units().filter(key=traeger).exists():
                raise CommandError(f"--traeger „{traeger}“: keine Einheit mit diesem Schlüssel.")
            rows = [row for row in rows if row.unit.key == traeger]
        result = [row_of(row) for row in rows]
        if output_format == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(FIELDS)
            for row in result:
                writer.writerow([csv_cell(row[name]) for name in FIELDS])
        else:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    def _deliveries(self, ladestand):
        if ladestand is None:
            return None
        try:
            day = date.fromisoformat(ladestand)
        except ValueError:
            raise CommandError(
                f"--ladestand „{ladestand}“ ist kein Datum im Format JJJJ-MM-TT."
            ) from None
        deliveries = DataDelivery.objects.filter(ladestand=day)
        if not deliveries.exists():
            raise CommandError(f"Es gibt keine Datenlieferung mit Ladestand {formats.day(day)}.")
        return deliveries
