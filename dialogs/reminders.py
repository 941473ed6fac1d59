"""Reminders by e-mail: what is due for a user, how the user wants to hear of it, and sending.

Five events (`ReminderEvent`): minutes waiting for the user's review or approval, a measure of
the user's organisation due within 7 days or overdue, the Landkreis' monthly data overdue
(the rule of indicators/completeness.py), a goal of the Landkreis off its target path (the
attainment engine's verdict on the newest delivery), new BA data for the Landkreis. Every
reminder has a key; a key sent to a user once (`SentReminder`) is never sent to them again.
Per event the user chooses: immediately (one mail each), in the weekly digest, or never.

Everything is fetched through `visible_to(user)`, so a mail holds nothing of another
Landkreis. `manage.py send_reminders` runs `send`; docs/reminders.md says how to schedule it."""

import datetime
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agreements.attainment import goal_attainments
from agreements.models import Agreement
from dialogs.models import (
    Dialog,
    DialogStatus,
    Measure,
    ReminderEvent,
    ReminderFrequency,
    ReminderPreference,
    SentReminder,
)
from dialogs.services import allowed_actions
from indicators import completeness
from indicators.computations import Verdict
from indicators.models import DataDelivery, DeliverySource
from zielsteuerung import access, formats

DIGEST_DAYS = 7
MEASURE_DAYS_AHEAD = 7


@dataclass(frozen=True)
class Reminder:
    event: str
    key: str
    subject: str
    text: str
    path: str  # into the product, without the site's address

    @property
    def url(self):
        return settings.SITE_URL + self.path


def events_for(user):
    """The events that can concern `user`: the Landkreis' ones only for its Jobcenter."""
    if access.traeger_of(user) is not None:
        return list(ReminderEvent.values)
    if access.is_ministry(user):
        return [ReminderEvent.MINUTES, ReminderEvent.MEASURES]
    return []


def reminders_for(user, today):
    """Every reminder that concerns `user` today, sent before or not."""
    events = events_for(user)
    found = []
    if ReminderEvent.MINUTES in events:
        found += _minutes(user)
    if ReminderEvent.MEASURES in events:
        found += _measures(user, today)
    own = access.traeger_of(user)
    if own is not None:
        found += _upload(own, today)
        found += _goals(user, today)
        found += _ba_data(user, own)
    return found


def _minutes(user):
    dialogs = (
        Dialog.objects.visible_to(user)
        .filter(status=DialogStatus.REVIEW)
        .select_related("agreement__traeger")
        .prefetch_related("approvals")
        .order_by("date", "pk")
    )
    found = []
    for dialog in dialogs:
        if not allowed_actions(dialog, user, approvals=list(dialog.approvals.all())).approve:
            continue
        what = f"{dialog.title} am {dialog.date:%d.%m.%Y} ({dialog.agreement.traeger.name})"
        found.append(
            Reminder(
                ReminderEvent.MINUTES,
                f"protokoll:{dialog.pk}:{dialog.version}",
                f"Protokoll zur Freigabe: {what}",
                f"Das Protokoll {what} wartet auf Ihre Prüfung und Freigabe.",
                reverse("dialogs:detail", args=[dialog.pk]),
            )
        )
    return found


def _measures(user, today):
    membership = access.membership_of(user)
    if membership is None:
        return []
    measures = (
        Measure.objects.visible_to(user)
        .still_open()
        .filter(
            responsible_organisation=membership.organisation,
            due_date__lte=today + datetime.timedelta(days=MEASURE_DAYS_AHEAD),
        )
        .select_related("agreement__traeger")
        .order_by("due_date", "pk")
    )
    found = []
    for measure in measures:
        overdue = measure.due_date < today
        state = "überfällig" if overdue else "bald fällig"
        text = " ".join(measure.text.split())[:120]
        found.append(
            Reminder(
                ReminderEvent.MEASURES,
                f"massnahme:{measure.pk}:{measure.due_date:%Y-%m-%d}:{state}",
                f"Steuerungsmaßnahme {state}: fällig am {measure.due_date:%d.%m.%Y}",
                f"Die Steuerungsmaßnahme „{text}“ ({measure.agreement.traeger.name}) "
                + (
                    f"war fällig am {measure.due_date:%d.%m.%Y} und ist überfällig."
                    if overdue
                    else f"ist fällig am {measure.due_date:%d.%m.%Y}."
                )
                + " Bitte melden Sie den Stand.",
                reverse("dialogs:measures", args=[measure.agreement_id]),
            )
        )
    return found


def _upload(own, today):
    years = [today.year - 1, today.year] if today.month <= 3 else [today.year]
    found = []
    for year in years:
        for cell in completeness.board([own], year, today)[0].cells:
            if cell.state != completeness.State.MISSING:
                continue
            found.append(
                Reminder(
                    ReminderEvent.UPLOAD,
                    f"lieferung:{own.key}:{cell.month:%Y-%m}",
                    f"Datenlieferung überfällig: {formats.month_name(cell.month)}",
                    f"Die Daten von {own.name} für {formats.month_name(cell.month)} waren fällig "
                    f"am {cell.due:%d.%m.%Y} und sind noch nicht eingegangen.",
                    reverse("indicators:upload"),
                )
            )
    return found


def _goals(user, today):
    agreement = (
        Agreement.objects.visible_to(user)
        .filter(year__lte=today.year)
        .select_related("traeger")
        .order_by("-year")
        .first()
    )
    if agreement is None:
        return []
    found = []
    for result in goal_attainments(agreement):
        if result.verdict != Verdict.NOT_MET or result.month is None:
            continue
        goal = result.goal
        month = formats.month_name(result.month)
        found.append(
            Reminder(
                ReminderEvent.GOAL,
                f"ziel:{goal.pk}:{result.month:%Y-%m}",
                f"Ziel nicht auf dem Zielpfad: {goal.number}. {goal.title} ({month})",
                f"Ziel {goal.number} „{goal.title}“ ({result.indicator_code}) der "
                f"Zielvereinbarung {agreement.year} von {agreement.traeger.name} liegt im "
                f"{month} nicht auf dem Zielpfad: Veränderung "
                f"{formats.percent(result.change_percent, 1, sign=True)}, Ziel "
                f"{formats.percent(result.target_change_percent, 1, sign=True)} "
                f"(Ladestand {result.delivery.ladestand:%d.%m.%Y}).",
                reverse("dashboards:traeger", args=[agreement.traeger.key]),
            )
        )
    return found


def _ba_data(user, own):
    delivery = (
        DataDelivery.objects.visible_to(user)
        .filter(source=DeliverySource.BA)
        .holding_values_of(own)
        .order_by("-created_at", "-pk")
        .first()
    )
    if delivery is None:
        return []
    return [
        Reminder(
            ReminderEvent.BA_DATA,
            f"ba:{delivery.pk}",
            f"Neue Daten der BA: Ladestand {delivery.ladestand:%d.%m.%Y}",
            f"Die Bundesagentur für Arbeit hat Daten mit Ladestand "
            f"{delivery.ladestand:%d.%m.%Y} geliefert, die {own.name} enthalten.",
            reverse("indicators:delivery_detail", args=[delivery.pk]),
        )
    ]


# ---------------------------------------------------------------------------------------------
# Choosing and sending


def preferences_of(user):
    """{event: frequency} for every event that concerns the user (default: immediately)."""
    chosen = dict(user.reminder_preferences.values_list("event", "frequency"))
    return {event: chosen.get(event, ReminderFrequency.IMMEDIATELY) for event in events_for(user)}


@dataclass(frozen=True)
class Mail:
    user: object
    subject: str
    body: str
    reminders: tuple
    in_digest: bool = False


def mails_for(user, today, now):
    """The mails due for `user`: one per immediate reminder, one digest for the weekly ones
    when the last digest is a week old; reminders sent before are left out."""
    preferences = preferences_of(user)
    sent = set(user.sent_reminders.values_list("key", flat=True))
    fresh = [r for r in reminders_for(user, today) if r.key not in sent]
    immediate = [r for r in fresh if preferences.get(r.event) == ReminderFrequency.IMMEDIATELY]
    mails = [
        Mail(user, r.subject, _body(user, [r]), (r,))
        for r in immediate
        if r.event != ReminderEvent.UPLOAD
    ]
    overdue = [r for r in immediate if r.event == ReminderEvent.UPLOAD]
    if len(overdue) == 1:
        mails.append(Mail(user, overdue[0].subject, _body(user, overdue), tuple(overdue)))
    elif overdue:  # one mail for every month overdue, not one mail each
        subject = f"Datenlieferungen überfällig: {len(overdue)} Monate"
        mails.append(Mail(user, subject, _body(user, overdue), tuple(overdue)))
    weekly = [r for r in fresh if preferences.get(r.event) == ReminderFrequency.WEEKLY]
    last_digest = (
        user.sent_reminders.filter(in_digest=True).order_by("-sent_at").values("sent_at").first()
    )
    digest_due = last_digest is None or now - last_digest["sent_at"] >= datetime.timedelta(
        days=DIGEST_DAYS
    )
    if weekly and digest_due:
        count = len(weekly)
        subject = f"Wöchentliche Zusammenfassung: {count} Erinnerung{'' if count == 1 else 'en'}"
        mails.append(Mail(user, subject, _body(user, weekly), tuple(weekly), in_digest=True))
    return mails


def _body(user, reminders):
    name = formats.person_name(user)
    lines = [f"Guten Tag {name},", ""]
    for reminder in reminders:
        lines += [reminder.text, reminder.url, ""]
    lines += [
        "Mit freundlichen Grüßen",
        "Zielsteuerung SGB II Niedersachsen",
        "",
        "Welche Erinnerungen Sie erhalten, stellen Sie hier ein: "
        + settings.SITE_URL
        + reverse("dialogs:notifications"),
    ]
    return "\n".join(lines)


def recipients():
    return (
        get_user_model()
        .objects.filter(is_active=True, membership__isnull=False)
        .exclude(email="")
        .select_related("membership__organisation")
        .order_by("pk")
    )


def send(*, dry_run=False, today=None, now=None):
    """Send every mail that is due and record its reminders; return the mails.

    With `dry_run` nothing is sent or recorded. A mail is recorded only after the server took
    it, so a failed run is repeated by the next one."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    mails = [mail for user in recipients() for mail in mails_for(user, today, now)]
    if dry_run or not mails:
        return mails
    with mailers.default as connection:
        for mail in mails:
            message = EmailMessage(subject=mail.subject, body=mail.body, to=[mail.user.email])
            connection.send_messages([message])
            with transaction.atomic():
                SentReminder.objects.bulk_create(
                    SentReminder(
                        user=mail.user,
                        key=reminder.key,
                        event=reminder.event,
                        subject=reminder.subject[:300],
                        in_digest=mail.in_digest,
                        sent_at=now,
                    )
                    for reminder in mail.reminders
                )
    return mails


# ---------------------------------------------------------------------------------------------
# The settings page "Benachrichtigungen"


class PreferenceForm(forms.Form):
    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        for event in events:
            self.fields[event] = forms.ChoiceField(
                label=ReminderEvent(event).label,
                choices=ReminderFrequency.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": "Bitte wählen Sie, wie Sie benachrichtigt werden."},
            )


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    user = request.user
    events = events_for(user)
    status = 200
    if request.method == "POST":
        if not events:
            access.require_editor(user)
        form = PreferenceForm(request.POST, events=events)
        if form.is_valid():
            with transaction.atomic():
                for event, frequency in form.cleaned_data.items():
                    ReminderPreference.objects.update_or_create(
                        user=user, event=event, defaults={"frequency": frequency}
                    )
            messages.success(request, "Ihre Benachrichtigungen sind gespeichert.")
            return redirect("dialogs:notifications")
        status = 400
    else:
        form = PreferenceForm(initial=preferences_of(user), events=events)
    return render(
        request,
        "dialogs/notifications.html",
        {"nav": "notifications", "form": form, "events": events, "email": user.email},
        status=status,
    )
