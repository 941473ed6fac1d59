"""`manage.py export_agreements [--year 2020] [--traeger 03358]`: the agreements as JSON on
stdout, in the format of docs/agreements-json.md (ordered by year and Kreisschlüssel)."""

import json

from django.core.management.base import BaseCommand, CommandError

from agreements.models import Agreement
from agreements.serialization import export_agreements
from zielsteuerung.models import Organisation


class Command(BaseCommand):
    help = "Schreibt Zielvereinbarungen als JSON auf die Standardausgabe."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="nur Vereinbarungen dieses Jahres")
        parser.add_argument("--traeger", help="nur diesen Landkreis (Kreisschlüssel, z. B. 03358)")

    def handle(self, *args, **options):
        agreements = Agreement.objects.all()
        if options["year"] is not None:
            agreements = agreements.for_year(options["year"])
        if options["traeger"]:
            if not Organisation.objects.traeger().filter(key=options["traeger"]).exists():
                raise CommandError(f"„{options['traeger']}“ ist kein bekannter Kreisschlüssel.")
            agreements = agreements.filter(traeger__key=options["traeger"])
        data = export_agreements(agreements)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
