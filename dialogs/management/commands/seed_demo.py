"""`manage.py seed_demo`: the demo world — demo users of every role (password `demo`), the
2020 agreements of the 16 zkT (Heidekreis as signed, the others as demo data), two demo data
deliveries and the Heidekreis dialogs. Idempotent: what exists is left as it is, so running it
twice adds nothing and never overwrites an agreement edited since. The demo users exist only
where this command was run."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agreements.demo import seed_demo_agreements
from dialogs.demo import seed_demo_dialogs
from indicators.demo import seed_demo_delivery, seed_demo_publication
from zielsteuerung import formats
from zielsteuerung.models import Membership, Organisation, Role

PASSWORD = "demo"

# username, organisation key, role, first name, last name, function
DEMO_USERS = [
    ("ministerium", "MW", Role.MINISTRY_EDITOR, "Petra", "Muster", "Referat Grundsicherung"),
    ("jobcenter-heidekreis", "03358", Role.JOBCENTER_EDITOR, "Hanna", "Heide", "Leitung Jobcenter"),
    ("jobcenter-verden", "03361", Role.JOBCENTER_EDITOR, "Volker", "Verden", "Controlling"),
    ("leser", "MS", Role.READER, "Lena", "Leser", "Ausschuss für Zielvereinbarungen"),
]


def seed_demo_users():
    """Create the demo users that are missing; return (username, created) pairs."""
    users = get_user_model().objects
    result = []
    for username, key, role, first_name, last_name, function in DEMO_USERS:
        user = users.filter(username=username).first()
        created = user is None
        if created:
            user = users.create_user(
                username=username, password=PASSWORD, first_name=first_name, last_name=last_name
            )
        if not Membership.objects.filter(user=user).exists():
            Membership.objects.create(
                user=user,
                organisation=Organisation.objects.get(key=key),
                role=role,
                function=function,
            )
        result.append((username, created))
    return result


class Command(BaseCommand):
    help = "Legt Demo-Zugänge, Demo-Vereinbarungen 2020, Demo-Kennzahlen und Zieldialoge an."

    def add_arguments(self, parser):
        parser.add_argument(
            "--auch-ohne-debug",
            action="store_true",
            dest="without_debug",
            help="auch anlegen, wenn DEBUG aus ist (Schulungs- oder Testsysteme)",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG and not options["without_debug"]:
            raise CommandError(
                "DEBUG ist aus: Das sieht nach einer Produktionsumgebung aus, und Demo-Zugänge "
                f"mit dem Passwort „{PASSWORD}“ gehören nicht dorthin. Für ein Schulungs- oder "
                "Testsystem: manage.py seed_demo --auch-ohne-debug"
            )
        users = seed_demo_users()
        agreements = seed_demo_agreements()
        delivery = seed_demo_delivery()
        publication = seed_demo_publication()
        dialogs = seed_demo_dialogs()
        new_users = [name for name, created in users if created]
        self.stdout.write("Demodaten sind angelegt:")
        self.stdout.write(
            f"  Zugänge: {', '.join(name for name, _ in users)} (Passwort: {PASSWORD})"
            + (f"; neu: {', '.join(new_users)}" if new_users else "; alle schon vorhanden")
        )
        self.stdout.write(
            f"  Zielvereinbarungen 2020: {formats.number(len(agreements))} Landkreise"
        )
        self.stdout.write(
            f"  Kennzahlen: Ladestand {delivery.ladestand:%d.%m.%Y} "
            f"({formats.number(delivery.row_count)} Werte)"
        )
        self.stdout.write(
            f"  Veröffentlichte Kennzahlen (BA): Ladestand {publication.ladestand:%d.%m.%Y} "
            f"({formats.number(publication.row_count)} Werte)"
        )
        self.stdout.write(f"  Zieldialoge Heidekreis 2020: {formats.number(len(dialogs))}")
