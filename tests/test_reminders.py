"""Reminders by e-mail: what is due per user, each only once, as the user chose (immediately,
weekly digest, never), sent through a real SMTP server, and the settings page."""

import datetime
import hashlib
import re
import socket
from datetime import date
from decimal import Decimal
from email import message_from_bytes, policy
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dialogs import reminders, services
from dialogs.models import (
    Measure,
    ReminderEvent,
    ReminderFrequency,
    ReminderPreference,
    SentReminder,
)
from indicators.models import DataDelivery, DeliverySource, Indicator
from indicators.storage import store_cells
from tests.dialogs_world import full_year_figures, make_agreement, make_dialog
from zielsteuerung.settings import mailer_from_url

NOTIFICATIONS = reverse("dialogs:notifications")


def ba_delivery(units_figures, ladestand=date(2021, 1, 31)):
    """A BA delivery holding {traeger: figures} ({code: {(year, month): value}})."""
    delivery = DataDelivery.objects.create(
        ladestand=ladestand,
        source=DeliverySource.BA,
        file_name="ba.xlsx",
        sha256=hashlib.sha256(f"ba-{ladestand}".encode()).hexdigest(),
    )
    codes = {code for figures in units_figures.values() for code in figures}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    store_cells(
        delivery,
        (
            (unit, indicators[code], date(year, month, 1), "g", Decimal(value))
            for unit, figures in units_figures.items()
            for code, series in figures.items()
            for (year, month), value in series.items()
        ),
    )
    return delivery


@pytest.fixture
def world(heidekreis, verden, ministry_user, heidekreis_user, verden_user):
    """Heidekreis: K2 falls (150 integrations a month after 160: off the target path), minutes
    in review, a measure due in three days. Verden: its own figures, on the path."""
    for user in (ministry_user, heidekreis_user, verden_user):
        user.email = f"{user.username}@example.org"
        user.save()
    delivery = ba_delivery(
        {
            heidekreis: full_year_figures(int_2020_per_month=150),
            verden: full_year_figures(int_2020_per_month=171),
        }
    )
    agreement = make_agreement(heidekreis)
    make_agreement(verden)
    dialog = make_dialog(agreement, ministry_user, delivery=delivery)
    services.send_to_review(dialog, ministry_user, dialog.version)
    Measure.objects.create(
        dialog=dialog,
        text="Heidekreis-Maßnahme Integrationsoffensive",
        responsible_organisation=heidekreis,
        due_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    return dialog


def subjects_of(user):
    return [m.subject for m in reminders.send(dry_run=True) if m.user == user]


@pytest.mark.django_db
def test_jobcenter_hears_of_every_event_of_its_landkreis(world, heidekreis_user):
    events = {r.event for r in reminders.reminders_for(heidekreis_user, timezone.localdate())}
    assert events == set(ReminderEvent.values)
    subjects = subjects_of(heidekreis_user)
    assert any(s.startswith("Protokoll zur Freigabe:") for s in subjects)
    assert any(s.startswith("Steuerungsmaßnahme bald fällig") for s in subjects)
    # Every overdue month of this year's uploads in one mail.
    uploads = [s for s in subjects if s.startswith("Datenlieferung")]
    assert len(uploads) == 1
    assert uploads[0].startswith(("Datenlieferung überfällig:", "Datenlieferungen überfällig:"))
    assert any(s.startswith("Ziel nicht auf dem Zielpfad: 2.") for s in subjects)
    assert "Neue Daten der BA: Ladestand 31.01.2021" in subjects


@pytest.mark.django_db
def test_another_landkreis_hears_nothing_of_heidekreis(world, verden_user):
    found = reminders.mails_for(verden_user, timezone.localdate(), timezone.now())
    assert found  # its own overdue uploads and the BA data
    for message in found:
        assert "Heidekreis" not in message.body + message.subject
    assert not [m for m in found if "Zielpfad" in m.subject]  # Verden is on its path


@pytest.mark.django_db
def test_ministry_hears_of_minutes_waiting_for_its_approval(world, ministry_user):
    assert subjects_of(ministry_user) == [
        "Protokoll zur Freigabe: Unterjähriger Zieldialog am 20.04.2020 (Landkreis Heidekreis)"
    ]


@pytest.mark.django_db
def test_readers_get_no_reminders(world, reader):
    reader.email = "leser@example.org"
    reader.save()
    assert subjects_of(reader) == []


@pytest.mark.django_db
def test_the_same_reminder_is_never_sent_twice(world, heidekreis_user):
    first = reminders.send()
    assert len(mail.outbox) == len(first) > 0
    assert SentReminder.objects.filter(user=heidekreis_user).count() > 0
    assert reminders.send() == []
    assert len(mail.outbox) == len(first)


@pytest.mark.django_db
def test_a_new_version_of_the_minutes_is_a_new_reminder(world, ministry_user):
    reminders.send()
    dialog = world
    services.withdraw(dialog, ministry_user, dialog.version)
    dialog.refresh_from_db()
    services.send_to_review(dialog, ministry_user, dialog.version)
    assert [m.subject for m in reminders.send() if m.user == ministry_user] == [
        "Protokoll zur Freigabe: Unterjähriger Zieldialog am 20.04.2020 (Landkreis Heidekreis)"
    ]


@pytest.mark.django_db
def test_never_means_never(world, heidekreis_user):
    for event in ReminderEvent.values:
        ReminderPreference.objects.create(
            user=heidekreis_user, event=event, frequency=ReminderFrequency.NEVER
        )
    assert subjects_of(heidekreis_user) == []


@pytest.mark.django_db
def test_weekly_digest_collects_and_waits_a_week(world, heidekreis_user):
    for event in ReminderEvent.values:
        ReminderPreference.objects.create(
            user=heidekreis_user, event=event, frequency=ReminderFrequency.WEEKLY
        )
    now = timezone.now()
    sent = [m for m in reminders.send(now=now) if m.user == heidekreis_user]
    assert len(sent) == 1
    assert sent[0].subject.startswith("Wöchentliche Zusammenfassung:")
    assert "Protokoll" in sent[0].body and "Integrationsoffensive" in sent[0].body
    # A reminder new within the week waits for the next digest.
    ba_delivery(
        {heidekreis_user.membership.organisation: {"ELB": {(2020, 1): 1}}}, date(2021, 2, 28)
    )
    assert [m for m in reminders.send(now=now + datetime.timedelta(days=3))] == []
    later = reminders.send(now=now + datetime.timedelta(days=7))
    # A week later: the new BA data, and the measure, due in three days then, is now overdue.
    assert [m.subject for m in later] == ["Wöchentliche Zusammenfassung: 2 Erinnerungen"]
    assert "Ladestand 28.02.2021" in later[0].body
    assert "ist überfällig" in later[0].body
    assert "Protokoll" not in later[0].body


@pytest.mark.django_db
def test_dry_run_lists_recipient_and_subject_and_sends_nothing(world):
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out, stderr=StringIO())
    lines = out.getvalue().splitlines()
    assert (
        "ministerium@example.org\tProtokoll zur Freigabe: Unterjähriger Zieldialog am 20.04.2020 (Landkreis Heidekreis)"
        in lines
    )
    assert all("\t" in line for line in lines)
    assert mail.outbox == []
    assert not SentReminder.objects.exists()


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {"default": mailer_from_url(f"smtp://127.0.0.1:{controller.port}")}
    settings.SITE_URL = "https://zielsteuerung.example.org"
    yield inbox
    controller.stop()


@pytest.mark.django_db
def test_reminders_go_through_a_real_smtp_server(world, smtp_server, heidekreis_user):
    call_command("send_reminders", stdout=StringIO(), stderr=StringIO())
    by_recipient = {}
    for recipients, message in smtp_server.messages:
        for recipient in recipients:
            by_recipient.setdefault(recipient, []).append(message)
    heidekreis = by_recipient["jc-heidekreis@example.org"]
    goal = next(m for m in heidekreis if m["Subject"].startswith("Ziel nicht auf dem Zielpfad"))
    body = goal.get_content()
    assert " ".join(goal["Subject"].split()) == (
        "Ziel nicht auf dem Zielpfad: 2. Verbesserung der Integration in Erwerbstätigkeit "
        "(Dezember 2020)"
    )
    assert "Guten Tag Hanna Heide," in body
    assert (
        "liegt im Dezember 2020 nicht auf dem Zielpfad: Veränderung −6,3\u00a0%, Ziel +3,1\u00a0%"
        in body
    )
    assert "https://zielsteuerung.example.org/uebersicht/" in body
    assert "https://zielsteuerung.example.org/dialoge/benachrichtigungen/" in body
    for message in by_recipient["jc-verden@example.org"]:
        text = message["Subject"] + message.get_content()
        assert "Heidekreis" not in text and "−6,3" not in text
    # What the server took is recorded: the next run sends nothing.
    received = len(smtp_server.messages)
    call_command("send_reminders", stdout=StringIO(), stderr=StringIO())
    assert len(smtp_server.messages) == received


def test_email_url_switches_to_smtp():
    assert mailer_from_url("smtp://robot:ge%2Fheim@mail.example.org:587?tls=1") == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "mail.example.org",
            "port": 587,
            "username": "robot",
            "password": "ge/heim",
            "use_ssl": False,
            "use_tls": True,
        },
    }
    assert mailer_from_url("smtps://mail.example.org")["OPTIONS"]["port"] == 465
    assert mailer_from_url("console:")["BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(Exception, match="EMAIL_URL"):
        mailer_from_url("imap://mail.example.org")


# ---------------------------------------------------------------------------------------------
# The settings page


@pytest.mark.django_db
def test_user_chooses_per_event(as_user, heidekreis_user):
    client = as_user(heidekreis_user)
    page = client.get(NOTIFICATIONS)
    assert page.status_code == 200
    assert "Neue Daten der BA für meinen Landkreis" in page.content.decode()
    choice = dict.fromkeys(ReminderEvent.values, ReminderFrequency.IMMEDIATELY)
    choice[ReminderEvent.GOAL] = ReminderFrequency.WEEKLY
    choice[ReminderEvent.BA_DATA] = ReminderFrequency.NEVER
    assert client.post(NOTIFICATIONS, choice).status_code == 302
    assert reminders.preferences_of(heidekreis_user)[ReminderEvent.GOAL] == "woechentlich"
    assert reminders.preferences_of(heidekreis_user)[ReminderEvent.BA_DATA] == "nie"
    page = client.get(NOTIFICATIONS).content.decode()
    assert re.search(r'<input[^>]*name="ziele"[^>]*value="woechentlich"[^>]*checked', page)


@pytest.mark.django_db
def test_incomplete_choice_is_refused_in_german(as_user, heidekreis_user):
    response = as_user(heidekreis_user).post(NOTIFICATIONS, {ReminderEvent.GOAL: "oft"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Bitte wählen Sie, wie Sie benachrichtigt werden." in text
    assert "Bitte eine gültige Auswahl treffen." in text
    assert not ReminderPreference.objects.exists()


@pytest.mark.django_db
def test_ministry_chooses_only_its_events(as_user, ministry_user):
    page = as_user(ministry_user).get(NOTIFICATIONS).content.decode()
    assert "Protokolle warten" in page and "Datenlieferung meines Landkreises" not in page


@pytest.mark.django_db
def test_reader_has_nothing_to_choose(as_user, reader):
    client = as_user(reader)
    assert "keine Erinnerungen" in client.get(NOTIFICATIONS).content.decode()
    assert client.post(NOTIFICATIONS, {}).status_code == 403


@pytest.mark.django_db
def test_settings_page_wrong_method_and_anonymous(as_user, heidekreis_user, client):
    assert client.get(NOTIFICATIONS).status_code == 302
    assert as_user(heidekreis_user).put(NOTIFICATIONS).status_code == 405


@pytest.mark.django_db
def test_user_menu_links_to_the_settings_page(as_user, reader):
    assert NOTIFICATIONS in as_user(reader).get(reverse("home")).content.decode()
