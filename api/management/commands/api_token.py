"""`manage.py api_token create 03358 "Statistikstelle"` prints a new token once;
`manage.py api_token list` shows every token (never the secret);
`manage.py api_token revoke zs_AbCd` revokes the active tokens beginning so."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api import services
from api.models import ApiToken
from zielsteuerung.models import Organisation


class Command(BaseCommand):
    help = "Legt API-Tokens an, listet und widerruft sie."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        create = commands.add_parser("create", help="ein Token für eine Organisation anlegen")
        create.add_argument("organisation", help="Schlüssel: MW, MS oder ein Kreisschlüssel")
        create.add_argument("name", help="Bezeichnung, z. B. „Statistikstelle“")
        commands.add_parser("list", help="alle Tokens zeigen")
        revoke = commands.add_parser("revoke", help="ein Token widerrufen")
        revoke.add_argument("hint", help="der Anfang des Tokens, wie `list` ihn zeigt")

    def handle(self, *args, **options):
        getattr(self, f"_{options['command']}")(options)

    def _create(self, options):
        organisation = Organisation.objects.filter(key=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"Eine Organisation „{options['organisation']}“ gibt es nicht.")
        try:
            token, secret = services.create_token(organisation, options["name"], by="manage.py")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Token für {organisation} ({token.name}), nur jetzt sichtbar:")
        self.stdout.write(secret)

    def _list(self, options):
        for token in ApiToken.objects.select_related("organisation"):
            state = f"widerrufen {token.revoked_at:%d.%m.%Y}" if token.revoked_at else "aktiv"
            self.stdout.write(f"{token.hint}…  {token.organisation.key}  {token.name}  {state}")

    def _revoke(self, options):
        hint = options["hint"].rstrip("…")
        count = services.revoke(ApiToken.objects.filter(hint=hint), by="manage.py")
        if not count:
            raise CommandError(f"Kein aktives Token beginnt mit „{hint}“.")
        self.stdout.write(f"{count} Token widerrufen.")
