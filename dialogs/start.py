"""The start page: what concerns the user. The agreements of the year (agreements/start.py)
and, above them, what waits for the user: minutes to review or approve, minutes of dialogs
held but still in draft, and measures past their due date."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from agreements.start import agreements_context
from dialogs.models import Dialog, DialogStatus, Measure
from dialogs.services import allowed_actions
from zielsteuerung import access, formats


@dataclass(frozen=True)
class Task:
    text: str
    url: str
    urgent: bool = False


@login_required
@require_GET
def home(request):
    context = agreements_context(request)
    context["tasks"] = tasks_of(request.user, timezone.localdate())
    return render(request, "home.html", context)


def tasks_of(user, today):
    """What waits for `user`, in the order of urgency. Readers change nothing: no tasks."""
    if access.is_reader(user):
        return []
    return [*_minutes_tasks(user, today), *_measure_tasks(user, today)]


def _minutes_tasks(user, today):
    ministry = access.is_ministry(user)
    dialogs = (
        Dialog.objects.visible_to(user)
        .exclude(status=DialogStatus.APPROVED)
        .select_related("agreement__traeger")
        .prefetch_related("approvals")
        .order_by("date", "pk")
    )
    result = []
    for dialog in dialogs:
        actions = allowed_actions(dialog, user, approvals=list(dialog.approvals.all()))
        what = f"{dialog.title} am {dialog.date:%d.%m.%Y}"
        if ministry:
            what += f" ({dialog.agreement.traeger.name})"
        url = reverse("dialogs:detail", args=[dialog.pk])
        if dialog.in_review and actions.approve:
            if ministry:
                result.append(Task(f"Protokoll {what}: Ihre Freigabe steht aus.", url))
            else:
                result.append(
                    Task(f"Protokoll {what}: liegt Ihnen zur Prüfung und Freigabe vor.", url, True)
                )
        elif dialog.is_draft and actions.edit and dialog.date <= today:
            result.append(
                Task(f"Protokoll {what}: noch im Entwurf, nicht an den Landkreis gesendet.", url)
            )
    return result


def _measure_tasks(user, today):
    overdue = (
        Measure.objects.visible_to(user)
        .overdue(today)
        .select_related("agreement__traeger")
        .order_by("agreement__traeger__name", "due_date", "pk")
    )
    if access.is_ministry(user):  # one line per Landkreis
        counts = {}
        for measure in overdue:
            traeger = measure.agreement.traeger
            counts.setdefault(traeger.pk, [traeger, 0, measure.agreement_id])[1] += 1
        return [
            Task(
                f"{traeger.name}: {formats.number(count)} Steuerungsmaßnahme"
                f"{'' if count == 1 else 'n'} überfällig.",
                reverse("dialogs:measures", args=[agreement_pk]),
                True,
            )
            for traeger, count, agreement_pk in counts.values()
        ]
    return [
        Task(
            f"Steuerungsmaßnahme „{formats.shorten(measure.text)}“ war fällig am "
            f"{measure.due_date:%d.%m.%Y}: Stand melden.",
            reverse("dialogs:measures", args=[measure.agreement_id]),
            True,
        )
        for measure in overdue
    ]
