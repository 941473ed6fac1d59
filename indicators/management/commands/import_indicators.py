"""`manage.py import_indicators FILE --ladestand YYYY-MM-DD`: store a delivery of monthly values.

The command checks the whole file first; with any problem it prints every problem on stderr,
writes nothing and exits with status 1. On success it prints one line and exits with 0."""

import sys
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from indicators import imports
from indicators.imports.mapping import mapping_note, needs_mapping, parse_json
from indicators.models import DeliverySource
from zielsteuerung import formats

SOURCES = {
    "jobcenter": DeliverySource.JOBCENTER,
    "ba": DeliverySource.BA,
    "land": DeliverySource.LAND,
}


def ladestand_argument(text):
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--ladestand „{text}“ ist kein Datum der Form JJJJ-MM-TT.") from None
    if day > timezone.localdate():
        raise CommandError(f"Der Ladestand {day:%d.%m.%Y} liegt in der Zukunft.")
    return day


def waiting_argument(text):
    if not text.isdigit() or int(text) > 12:
        raise CommandError(f"--wartezeit „{text}“: erwartet wird eine Zahl von 0 bis 12 (Monate).")
    return int(text)


class Command(BaseCommand):
    help = "Liest Kennzahlen-Daten (CSV oder Excel) als neue Datenlieferung (Ladestand) ein."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV- oder Excel-Datei (.xlsx)")
        parser.add_argument("--ladestand", required=True, help="Datum des Ladestands, JJJJ-MM-TT")
        parser.add_argument("--wartezeit", default="0", help="Wartezeit in Monaten (0 bis 12)")
        parser.add_argument("--quelle", choices=sorted(SOURCES), default="land")
        parser.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts speichern")
        parser.add_argument(
            "--zuordnung",
            metavar="DATEI",
            help="Spaltenzuordnung als JSON: Kopfzeile und Rolle jeder Spalte (docs/import.md)",
        )
        parser.add_argument(
            "--vergleichseinheiten",
            action="store_true",
            help="unbekannte Schlüssel als Vergleichseinheiten anlegen",
        )

    def handle(self, *args, **options):
        ladestand = ladestand_argument(options["ladestand"])
        waiting = waiting_argument(options["wartezeit"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Die Datei {path} gibt es nicht.")
        if path.stat().st_size > settings.UPLOAD_MAX_BYTES:
            self.fail(
                [
                    f"Die Datei ist {imports.file_size(path.stat().st_size)} groß; erlaubt sind "
                    f"höchstens {imports.file_size(settings.UPLOAD_MAX_BYTES)}."
                ]
            )
        mapping = self.mapping(options["zuordnung"]) if options["zuordnung"] else None
        progress = Progress(self.stderr) if self.stderr.isatty() else None
        check = imports.check_file(
            path.read_bytes(),
            path.name,
            ladestand=ladestand,
            create_units=options["vergleichseinheiten"],
            unknown_hint=(
                "Unbekannte Schlüssel werden als Vergleichseinheiten angelegt, wenn der Befehl "
                "mit --vergleichseinheiten aufgerufen wird."
            ),
            progress=progress,
            mapping=mapping,
        )
        if not check.ok:
            if progress:
                progress.done()
            lines = [str(problem) for problem in check.problems] or ["Keine Werte."]
            if needs_mapping(check) and mapping is None:
                lines.append(
                    "Eine Kopfzeile, die nicht erkannt wird, ordnen Sie mit --zuordnung DATEI zu "
                    "(docs/import.md, „Spalten zuordnen“)."
                )
            self.fail(lines, count=check.error_count or 1)
        if mapping is not None:
            self.stdout.write(mapping_note(mapping))
        offer = imports.titles_offer(check.file_titles) if check.file_titles else ""
        if offer:  # told, never applied: --ladestand and --wartezeit decide
            self.stdout.write(f"{offer} Gespeichert wird mit --ladestand und --wartezeit.")
        if check.skipped_marks:
            self.stdout.write(imports.marks_note(check.skipped_marks))
        waiting_label = "ohne Wartezeit" if waiting == 0 else f"Wartezeit {waiting}"
        new_units = check.new_units
        created = f"; {len(new_units)} neue Vergleichseinheiten" if new_units else ""
        if options["dry_run"]:
            if progress:
                progress.done()
            self.stdout.write(
                f"Probelauf: {check.describe()}{created} – fehlerfrei, nichts gespeichert."
            )
            return
        try:
            delivery = imports.store_delivery(
                check, waiting_months=waiting, source=SOURCES[options["quelle"]], progress=progress
            )
        except imports.Refused as refusal:
            self.fail([str(problem) for problem in refusal.problems])
        if progress:
            progress.done()
        self.stdout.write(
            f"Gespeichert: Ladestand {ladestand:%d.%m.%Y} ({waiting_label}), "
            f"{check.describe()}{created} (Lieferung {delivery.pk})."
        )

    def mapping(self, name):
        """The Mapping of a `--zuordnung` file; its problems end the command."""
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"Die Zuordnung {path} gibt es nicht.")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            self.fail([f"Die Zuordnung {path} ist keine UTF-8-Textdatei."])
        try:
            return parse_json(text, imports._indicator_codes())
        except imports.Refused as refusal:
            self.fail([f"Zuordnung {path.name}: {problem}" for problem in refusal.problems])

    def fail(self, lines, count=None):
        for line in lines:
            self.stderr.write(line)
        count = len(lines) if count is None else count
        if count > len(lines):
            self.stderr.write(f"… und {formats.number(count - len(lines))} weitere Fehler.")
        self.stderr.write(f"{formats.number(count)} Fehler – nichts gespeichert.")
        sys.exit(1)


def _plain(text):
    return text


class Progress:
    """A one-line progress bar on a terminal (stderr): phase, bar, percent, in the terminal's
    plain colour (Django styles stderr as errors)."""

    width = 30

    def __init__(self, stream):
        self.stream = stream
        self.last = None

    def __call__(self, phase, done, total):
        share = done / total if total else 0
        filled = int(share * self.width)
        line = f"\r{phase:<10} [{'#' * filled}{'.' * (self.width - filled)}] {share:4.0%}"
        if line != self.last:
            self.stream.write(line, style_func=_plain, ending="")
            self.stream.flush()
            self.last = line

    def done(self):
        if self.last is not None:
            self.stream.write("\r" + " " * len(self.last) + "\r", style_func=_plain, ending="")
            self.last = None
