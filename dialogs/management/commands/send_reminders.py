from django.core.management.base import BaseCommand

from dialogs import reminders


class Command(BaseCommand):
    help = (
        "Versendet fällige Erinnerungen per E-Mail (jede nur einmal); mit --dry-run nur die "
        "Liste: eine Zeile je E-Mail mit Empfänger und Betreff."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="nichts versenden, nur auflisten"
        )

    def handle(self, *args, dry_run=False, **options):
        mails = reminders.send(dry_run=dry_run)
        for mail in mails:
            self.stdout.write(f"{mail.user.email}\t{mail.subject}")
        verb = "fällig (nicht versandt)" if dry_run else "versandt"
        self.stderr.write(f"{len(mails)} E-Mail{'' if len(mails) == 1 else 's'} {verb}.")
