"""`manage.py withdraw_delivery ID --grund "…" --benutzer NAME`: withdraw a wrong delivery.

Its values leave every figure; its record stays, with who withdrew it, when and why
(docs/operations.md). Only an administrator (staff user) may do it."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from indicators.models import DataDelivery


class Command(BaseCommand):
    help = "Zieht eine fehlerhafte Datenlieferung zurück (mit Grund; der Eintrag bleibt)."

    def add_arguments(self, parser):
        parser.add_argument("delivery", type=int, help="Nummer der Datenlieferung")
        parser.add_argument("--grund", required=True, help="warum die Lieferung zurückgezogen wird")
        parser.add_argument("--benutzer", required=True, help="Benutzername des Administrators")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["benutzer"]).first()
        if user is None or not user.is_active or not user.is_staff:
            raise CommandError(
                f"„{options['benutzer']}“ ist kein aktiver Administrator; nur Administratoren "
                "ziehen Datenlieferungen zurück."
            )
        delivery = DataDelivery.objects.filter(pk=options["delivery"]).first()
        if delivery is None:
            raise CommandError(f"Es gibt keine Datenlieferung {options['delivery']}.")
        try:
            delivery.withdraw(user, options["grund"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Zurückgezogen: Lieferung {delivery.pk}, {delivery} "
            f"({delivery.file_name or 'ohne Dateiname'}); ihre Werte zählen in keiner Auswertung "
            "mehr, der Eintrag bleibt."
        )
