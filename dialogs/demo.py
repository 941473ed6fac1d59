"""Demo dialogs for Landkreis Heidekreis 2020: one approved interim dialog with a measure,
a second one in draft, and the spring review planned. Idempotent: nothing is added when the
agreement already has dialogs. Figures come from the demo delivery if there is one.

The seed runs today, but the demo stands for 2020: what it writes is dated on the days it
stands for (`_date_as_of`), so no approval is dated years after its dialog, and the demo
measure is reported done in October 2020, so that it does not read „überfällig“ because
today is years later."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agreements.models import Agreement
from dialogs import services
from dialogs.models import (
    AgendaItem,
    Approval,
    Dialog,
    DialogEvent,
    DialogKind,
    EventAction,
    FinalAssessment,
    Measure,
    MeasureReview,
    MeasureStatus,
    Participant,
    Side,
)
from indicators.computations import Verdict
from indicators.models import DataDelivery, Values
from zielsteuerung.models import Organisation

MINISTRY_USER = "ministerium"
JOBCENTER_USER = "jobcenter-heidekreis"


def _delivery_for(traeger, month, on):
    """The newest demo delivery holding `month` for the Landkreis that was there on `on`
    (the dialog's date; a dialog cannot discuss data delivered later); None without one."""
    holding = DataDelivery.objects.filter(
        is_demo=True,
        ladestand__lte=on,
        pk__in=Values.objects.for_unit(traeger).holding(month).deliveries(),
    ).newest_first()
    return holding.first()


def _participants(dialog, traeger):
    people = [
        ("MW", "Petra Muster", "Referat Grundsicherung für Arbeitsuchende"),
        ("MS", "Jonas Beispiel", "Referat Soziale Teilhabe"),
        (traeger.key, "Hanna Heide", "Leitung Jobcenter"),
        (traeger.key, "Tobias Feld", "Controlling Jobcenter"),
    ]
    for key, name, function in people:
        if not dialog.participants.filter(name=name).exists():
            Participant.objects.create(
                dialog=dialog,
                organisation=Organisation.objects.get(key=key),
                name=name,
                function=function,
            )


def _write_discussion(dialog):
    items = services.annotate_items(dialog, list(dialog.items.select_related("goal")))
    for item in items:
        if item.is_goal and item.figures is not None:
            verdict = item.figures.verdict
            if verdict == Verdict.MET:
                item.discussion = (
                    "Der Jahresfortschrittswert liegt auf dem Zielpfad. Der Landkreis erläutert "
                    "die Entwicklung der Integrationen und des Bestands im Berichtszeitraum."
                )
            elif verdict == Verdict.NOT_MET:
                item.discussion = (
                    "Der Jahresfortschrittswert liegt unter dem Zielpfad. Als Gründe nennt der "
                    "Landkreis die Folgen der Corona-Pandemie für den regionalen Arbeitsmarkt."
                )
                item.decisions = "Der Landkreis prüft zusätzliche Ansätze (siehe Maßnahmen)."
            else:
                item.discussion = "Die Entwicklung wird im Monitoring beobachtet."
        elif item.is_qualitative:
            item.discussion = "Der Landkreis berichtet zum Stand der Umsetzungsschritte."
        else:
            item.discussion = "Keine weiteren Themen."
        item.save()


def _dialog(agreement, user, on, month, place, kind=DialogKind.INTERIM):
    delivery = _delivery_for(agreement.traeger, month, on)
    return services.create_dialog(
        agreement,
        user,
        kind=kind,
        date=on,
        place=place,
        delivery=delivery,
        reporting_month=month,
    )


def _moment(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _date_as_of(dialog, written, sent=None, approved=None):
    """Date what seeding wrote for `dialog` on the days the demo stands for: the minutes
    written on `written`, sent on `sent`, approved by {side: day} (the second approval
    freezes). The seed dates its own rows in the transaction that made them, past the guard
    of approved minutes (`update_past_guard`, zielsteuerung/immutable.py)."""
    approved = approved or {}
    at = {EventAction.CREATED: _moment(written, 9), EventAction.EDITED: _moment(written, 11)}
    if sent:
        at[EventAction.SENT] = _moment(sent)
    approval_times = [
        _moment(approved[side], 14) for side in (Side.MINISTRY, Side.LANDKREIS) if side in approved
    ]
    events = list(dialog.events.order_by("pk"))
    approvals_seen = 0
    for event in events:
        when = at.get(event.action)
        if event.action == EventAction.APPROVED:
            when = approval_times[approvals_seen]
            approvals_seen += 1
        elif event.action == EventAction.FROZEN:
            when = approval_times[-1] + timedelta(seconds=1)
        if when:
            DialogEvent.objects.filter(pk=event.pk).update_past_guard(at=when)
    for side, day in approved.items():
        Approval.objects.filter(dialog=dialog, side=side).update_past_guard(
            approved_at=_moment(day, 14)
        )
        Approval.history.filter(dialog_id=dialog.pk, side=side).update(
            history_date=_moment(day, 14)
        )
    last = approval_times[-1] if len(approval_times) == 2 else _moment(sent or written, 11)
    Dialog.objects.filter(pk=dialog.pk).update_past_guard(
        created_at=_moment(written, 9),
        updated_at=last,
        frozen_at=last if len(approval_times) == 2 else None,
    )
    Dialog.history.filter(id=dialog.pk).update(history_date=_moment(written, 9))
    for model in (Participant, AgendaItem, MeasureReview, FinalAssessment):
        model.history.filter(dialog_id=dialog.pk).update(history_date=_moment(written, 11))
    if len(approval_times) == 2:
        AgendaItem.objects.filter(dialog=dialog).update_past_guard(figures_frozen_at=last)
    Measure.history.filter(dialog_id=dialog.pk).update(history_date=_moment(written, 11))


@transaction.atomic
def seed_demo_dialogs():
    agreement = Agreement.objects.filter(year=2020, traeger__key="03358").first()
    if agreement is None:
        return []
    if agreement.dialogs.exists():
        return list(agreement.dialogs.order_by("date", "pk"))
    users = get_user_model().objects
    ministry = users.filter(username=MINISTRY_USER).first()
    jobcenter = users.filter(username=JOBCENTER_USER).first()
    traeger = agreement.traeger

    # The first dialog used the July delivery (April to June still incomplete); its approved
    # minutes keep those figures although the January delivery revised them.
    first = _dialog(agreement, ministry, date(2020, 7, 22), date(2020, 6, 1), "Video")
    _participants(first, traeger)
    _write_discussion(first)
    Measure.objects.create(
        dialog=first,
        agreement=agreement,
        text=(
            "Auswertung der Integrationen nach Integrationsstufen und Bericht im nächsten "
            "Zieldialog"
        ),
        responsible_organisation=traeger,
        responsible_person="Tobias Feld",
        due_date=date(2020, 9, 30),
        status=MeasureStatus.IN_PROGRESS,
    )
    if ministry is not None and jobcenter is not None:
        services.send_to_review(first, ministry, first.version)
        services.approve(first, ministry, first.version)
        services.approve(first, jobcenter, first.version)
        _date_as_of(
            first,
            date(2020, 7, 23),
            sent=date(2020, 7, 27),
            approved={Side.MINISTRY: date(2020, 7, 29), Side.LANDKREIS: date(2020, 8, 3)},
        )
    else:
        _date_as_of(first, date(2020, 7, 23))

    # On 21 October the July delivery is still the newest (the next comes in January), so the
    # second dialog discusses June on it: a dialog cannot rest on data delivered after it.
    second = _dialog(agreement, ministry, date(2020, 10, 21), date(2020, 6, 1), "Bad Fallingbostel")
    _participants(second, traeger)
    _date_as_of(second, date(2020, 10, 22))
    # Reported done before the second dialog, which discusses it (its state stands in the
    # approved first minutes as „in Arbeit“).
    measure = first.measures.get()
    services.report_measure_status(
        measure, jobcenter, MeasureStatus.DONE, "Auswertung liegt vor; Bericht im Zieldialog."
    )
    Measure.objects.filter(pk=measure.pk).update(status_updated_at=_moment(date(2020, 10, 19)))
    report = measure.history.order_by("-history_id").first()
    Measure.history.filter(history_id=report.history_id).update(
        history_date=_moment(date(2020, 10, 19))
    )
    spring = _dialog(
        agreement, ministry, date(2021, 3, 17), date(2020, 12, 1), "Hannover", DialogKind.SPRING
    )
    _date_as_of(spring, date(2021, 3, 1))
    return [first, second, spring]
