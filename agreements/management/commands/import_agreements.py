"""`manage.py import_agreements FILE [--benutzer NAME] [--grund TEXT]`: create or update agreements from JSON
(docs/agreements-json.md), matched by year and Kreisschlüssel.

The whole file is checked first; with any problem the command prints every problem on stderr,
writes nothing and exits with status 1. Otherwise all agreements are written in one
transaction and one line per agreement is printed. The history names the user given with
`--benutzer`, or no one ("System")."""

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from agreements.serialization import TOO_DEEP, ImportRefused, import_agreements
from zielsteuerung import formats


class Command(BaseCommand):
    help = "Legt Zielvereinbarungen aus einer JSON-Datei an oder aktualisiert sie."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="JSON-Datei (Format zielsteuerung.agreements/1), - für stdin"
        )
        parser.add_argument(
            "--benutzer",
            metavar="BENUTZERNAME",
            help=(
                "Benutzer, der im Verlauf als Bearbeiter des Imports erscheint; ohne diese "
                "Angabe steht dort „System“."
            ),
        )
        parser.add_argument(
            "--grund",
            metavar="TEXT",
            help=(
                "Grund der Änderung für den Verlauf; Pflicht, wenn eine unterzeichnete "
                "Vereinbarung geändert wird (wie auf der Seite)."
            ),
        )

    def handle(self, *args, **options):
        user = self.user(options["benutzer"])
        name = options["file"]
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            self.fail([f"Die Datei {name} gibt es nicht."])
        except (OSError, UnicodeDecodeError) as error:
            self.fail([f"Die Datei {name} kann nicht als UTF-8-Text gelesen werden: {error}."])
        try:
            data = json.loads(text)
        except RecursionError:  # nested deeper than Python's parser goes
            self.fail([TOO_DEEP])
        except json.JSONDecodeError as error:
            self.fail(
                [
                    f"Die Datei ist kein gültiges JSON (Zeile {error.lineno}, Spalte "
                    f"{error.colno}): {error.msg}."
                ]
            )
        try:
            results = import_agreements(data, reason=options["grund"], user=user)
        except ImportRefused as refusal:
            self.fail(refusal.errors)
        for agreement, created in results:
            action = "angelegt" if created else f"aktualisiert (Stand {agreement.version})"
            self.stdout.write(
                f"Vereinbarung {agreement.year}/{agreement.traeger.key} "
                f"({agreement.traeger}): {action}."
            )
        self.stdout.write(f"{formats.number(len(results))} Vereinbarungen importiert.")

    def user(self, username):
        """The user of `--benutzer`, or None; an unknown or deactivated one is refused."""
        if username is None:
            return None
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            self.fail([f"Den Benutzer „{username}“ gibt es nicht."])
        if not user.is_active:
            self.fail([f"Der Benutzer „{username}“ ist deaktiviert."])
        return user

    def fail(self, lines):
        for line in lines:
            self.stderr.write(line)
        self.stderr.write(f"{formats.number(len(lines))} Fehler – nichts gespeichert.")
        sys.exit(1)
