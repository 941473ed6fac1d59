"""Demo dialogs for Landkreis Heidekreis 2020: one approved interim dialog with a measure,
a second one in draft, and the spring review planned. Idempotent: nothing is added when the
agreement already has dialogs. Figures come from the demo delivery if there is one."""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from agreements.models import Agreement
from dialogs import services
from dialogs.models import DialogKind, Measure, MeasureStatus, Participant
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

    # On 21 October the July delivery is still the newest (the next comes in January), so the
    # second dialog discusses June on it: a dialog cannot rest on data delivered after it.
    second = _dialog(agreement, ministry, date(2020, 10, 21), date(2020, 6, 1), "Bad Fallingbostel")
    _participants(second, traeger)
    spring = _dialog(
        agreement, ministry, date(2021, 3, 17), date(2020, 12, 1), "Hannover", DialogKind.SPRING
    )
    return [first, second, spring]
