"""Pages of the indicator data: upload (file → preview → confirm), deliveries, the template.

Between preview and confirmation the uploaded bytes wait in a server-side file named by a
random token that only the uploader's session knows (files of up to UPLOAD_MAX_BYTES do not
belong into a session). The confirmation checks the bytes again before anything is stored:
what is stored is exactly what was checked, at the moment it is stored.

A large upload (IMPORT_TASK_MIN_VALUES values or more) is checked and stored by a background
task (indicators/tasks.py); the user follows it on a status page.
"""

import os
import secrets
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators import imports, preview, tasks
from indicators.forms import ConfirmForm, UploadForm
from indicators.imports.mapping import Mapping, needs_mapping, refusal_of
from indicators.models import ColumnMapping, DataDelivery, DeliverySource, Values
from zielsteuerung import access, formats
from zielsteuerung.access import UPLOAD, require

PENDING = "indicator_upload"  # session key of the upload waiting for confirmation
PENDING_MAX_AGE = 24 * 60 * 60  # seconds; older waiting files are removed
TOKEN = tasks.TOKEN
SHOWN_PROBLEMS = 500
UNKNOWN_HINT = (
    "Schlüssel, die keiner der 16 Landkreise sind, werden als Vergleichseinheiten angelegt, "
    "wenn Sie „Unbekannte Schlüssel als Vergleichseinheiten anlegen“ ankreuzen."
)


def _get_delivery_for_user(request, pk):
    queryset = DataDelivery.objects.visible_to(request.user).select_related(
        "organisation", "delivered_by"
    )
    return get_object_or_404(queryset, pk=pk)


# ---------------------------------------------------------------------------------------------
# Upload


@login_required
@require_http_methods(["GET", "POST"])
@csrf_exempt  # checked by csrf_protect below, once the size is known to be acceptable
def upload(request):
    """Choose a file → preview. An oversized request is refused before its body is read."""
    require(request.user, UPLOAD, DataDelivery)
    if request.method == "POST":
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > settings.UPLOAD_MAX_BYTES + 1024 * 1024:
            form = UploadForm(user=request.user)
            message = (
                f"Die Datei ist zu groß; erlaubt sind höchstens "
                f"{imports.file_size(settings.UPLOAD_MAX_BYTES)}."
            )
            return _upload_page(request, form, status=413, refusal=message)
    return _upload(request)


@csrf_protect
def _upload(request):
    if request.method != "POST":
        return _upload_page(request, UploadForm(user=request.user))
    form = UploadForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    upload_file = form.cleaned_data["file"]
    data = b"".join(upload_file.chunks())
    details = {
        "file_name": Path(upload_file.name).name[:255],
        "ladestand": form.cleaned_data["ladestand"].isoformat(),
        "waiting_months": form.cleaned_data["waiting_months"],
        "source": form.chosen_source,
        "create_units": bool(form.cleaned_data.get("create_units")),
    }
    _discard_pending(request)
    check = _check(request, data, details)
    token = None
    unread = needs_mapping(check)  # the header was not understood: the mapping step follows
    titles = preview.titles_choice(check, details)
    if check.ok or unread or titles:  # kept for the confirmation, the mapping or the button
        details = {**details, "values": check.value_count, "titles": titles}
        details["refusal"], details["sheet"] = refusal_of(check) if unread else ("", None)
        token = _keep_pending(request, data, details)
        if token is None:
            messages.error(request, PENDING_FULL)
        elif unread:
            return redirect("indicators:upload_mapping")
    return _preview_page(request, check, details, token)


@login_required
@require_POST
def upload_confirm(request):
    """Store the previewed file, checked once more."""
    require(request.user, UPLOAD, DataDelivery)
    pending = request.session.get(PENDING)
    form = ConfirmForm(request.POST)
    if (
        not form.is_valid()
        or not pending
        or not secrets.compare_digest(form.cleaned_data["token"], pending["token"])
    ):
        messages.error(
            request, "Diese Vorschau ist nicht mehr gültig. Bitte laden Sie die Datei erneut hoch."
        )
        return redirect("indicators:upload")
    if pending.get("mapping"):  # confirmed with the data: offered for the next such file
        mapping = Mapping.from_data(pending["mapping"])
        ColumnMapping.objects.remember(request.user, pending["source"], mapping)
    if pending.get("values", 0) >= settings.IMPORT_TASK_MIN_VALUES:
        return _store_in_background(request, pending)
    try:
        data = _pending_path(pending["token"]).read_bytes()
    except FileNotFoundError:
        request.session.pop(PENDING, None)
        messages.error(
            request,
            "Die hochgeladene Datei liegt nicht mehr vor (nach 24 Stunden wird sie gelöscht). "
            "Bitte laden Sie sie erneut hoch.",
        )
        return redirect("indicators:upload")
    check = _check(request, data, pending)
    if check.ok:
        try:
            delivery = imports.store_delivery(
                check,
                waiting_months=pending["waiting_months"],
                source=pending["source"],
                user=request.user,
            )
        except imports.Refused as refusal:
            check.problems = refusal.problems
        else:
            _discard_pending(request)
            messages.success(
                request,
                f"Gespeichert: Ladestand {delivery.ladestand:%d.%m.%Y} "
                f"({delivery.waiting_label}), {check.describe()}.",
            )
            return redirect("indicators:delivery_detail", pk=delivery.pk)
    _discard_pending(request)
    return _preview_page(request, check, pending, token=None)


def _store_in_background(request, pending):
    """Hand the waiting file to the task; the status page follows it. With no worker (the
    ImmediateBackend) the task has finished when enqueue returns: show the delivery at once."""
    token = pending["token"]
    _release_pending(request)
    request.session.pop(PENDING, None)  # the file is the task's now
    details = {key: pending.get(key) for key in UPLOAD_DETAILS}
    tasks.write_status(token, user=request.user.pk, file_name=details["file_name"], state="waiting")
    tasks.store_upload.enqueue(token, details, request.user.pk)
    status = tasks.read_status(token) or {}
    if status.get("state") == "done":
        tasks.status_path(token).unlink(missing_ok=True)
        messages.success(request, status["summary"])
        return redirect("indicators:delivery_detail", pk=status["delivery"])
    return redirect("indicators:upload_status", token=token)


UPLOAD_DETAILS = ("file_name", "ladestand", "waiting_months", "source", "create_units", "mapping")


def _job_status_for_user(request, token):
    """The status of the user's own background import; 404 for any other token."""
    require(request.user, UPLOAD, DataDelivery)
    status = tasks.read_status(token) if TOKEN.fullmatch(token) else None
    if status is None or status.get("user") != request.user.pk:
        raise Http404("Kein solcher Import.")
    return status


def _status_text(status):
    state = status.get("state")
    if state == "waiting":
        return "Der Import wartet auf den Hintergrunddienst."
    if state == "running":
        step = status.get("step", "")
        done, total = status.get("done") or 0, status.get("total") or 0
        if step == "Speichern" and total:
            return f"Speichern: {formats.number(done)} von {formats.number(total)} Werten."
        return f"{step} der Datei …"
    if state == "done":
        return status.get("summary", "Gespeichert.")
    return "Die Datei wurde nicht gespeichert."


@login_required
@require_GET
def upload_status(request, token):
    """Progress of a background import; reloading the page (or static JS) shows the latest."""
    status = _job_status_for_user(request, token)
    delivery_url = None
    if status.get("state") == "done":
        delivery_url = reverse("indicators:delivery_detail", args=[status["delivery"]])
    return render(
        request,
        "indicators/upload_status.html",
        {
            "status": status,
            "text": _status_text(status),
            "percent": tasks.percent(status),
            "delivery_url": delivery_url,
            "token": token,
            "nav": "upload",
        },
    )


@login_required
@require_GET
def upload_status_json(request, token):
    """The same status for static/js/import-status.js."""
    status = _job_status_for_user(request, token)
    done = status.get("state") == "done"
    return JsonResponse(
        {
            "state": status.get("state"),
            "percent": tasks.percent(status),
            "text": _status_text(status),
            "problems": status.get("problems", []),
            "url": reverse("indicators:delivery_detail", args=[status["delivery"]])
            if done
            else None,
        },
        headers={"Cache-Control": "no-store"},
    )


def _check(request, data, details):
    return imports.check_file(
        data,
        details["file_name"],
        ladestand=date.fromisoformat(details["ladestand"]),
        user=request.user,
        create_units=details["create_units"],
        unknown_hint=UNKNOWN_HINT,
        mapping=Mapping.from_data(details.get("mapping")),
    )


def _upload_page(request, form, status=200, refusal=None):
    return render(
        request,
        "indicators/upload.html",
        {"form": form, "refusal": refusal, "nav": "upload", "max_bytes": settings.UPLOAD_MAX_BYTES},
        status=status,
    )


def _preview_page(request, check, details, token):
    summary = check.summary() if check.ok else []
    return render(
        request,
        "indicators/upload_preview.html",
        {
            "check": check,
            "details": details,
            "source_label": DeliverySource(details["source"]).label,
            "problems": [str(p) for p in check.problems[:SHOWN_PROBLEMS]],
            "more_problems": max(0, check.error_count - SHOWN_PROBLEMS),
            "summary": summary,
            "code_totals": preview.code_totals(summary),
            "monthly": preview.monthly_values(check),
            "confirm_form": ConfirmForm(initial={"token": token}) if token and check.ok else None,
            "titles_form": ConfirmForm(initial={"token": token}) if token else None,
            "titles": details.get("titles") if token else None,
            "mapping": Mapping.from_data(details.get("mapping")),
            "nav": "upload",
        },
    )


# -- waiting uploads ---------------------------------------------------------------------------


_pending_dir = tasks.pending_dir
_pending_path = tasks.pending_path


PENDING_FULL = (
    "Die Datei ist fehlerfrei, kann aber gerade nicht zur Bestätigung bereitgelegt werden: "
    "Zu viele hochgeladene Dateien warten auf ihre Bestätigung. Bitte versuchen Sie es in "
    "einigen Minuten erneut."
)


def _owner_path(user):
    """Names the one upload waiting for `user`'s confirmation, from whichever session."""
    return _pending_dir() / f"user-{int(user.pk)}.pending"


def _keep_pending(request, data, details):
    """Keep the checked file until it is confirmed, or return None when the waiting folder is
    full (UPLOAD_PENDING_MAX_BYTES). One upload waits per user: a new preview, in any of the
    user's sessions, replaces the one before."""
    _remove_stale_pending()
    owner = _owner_path(request.user)
    try:
        earlier = owner.read_text().strip()
    except FileNotFoundError:
        earlier = ""
    if TOKEN.fullmatch(earlier):
        _pending_path(earlier).unlink(missing_ok=True)
    waiting = sum(_size(path) for path in _pending_dir().glob("*.upload"))
    if waiting + len(data) > settings.UPLOAD_PENDING_MAX_BYTES:
        owner.unlink(missing_ok=True)
        return None
    token = secrets.token_urlsafe(32)
    descriptor = os.open(_pending_path(token), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    owner.write_text(token)
    request.session[PENDING] = {**details, "token": token}
    return token


def _size(path):
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _release_pending(request):
    """The waiting file is no longer the user's to replace (confirmed, discarded or handed
    to the background task)."""
    owner = _owner_path(request.user)
    pending = request.session.get(PENDING) or {}
    try:
        if owner.read_text().strip() == pending.get("token"):
            owner.unlink(missing_ok=True)
    except FileNotFoundError:
        pass


def _discard_pending(request):
    _release_pending(request)
    pending = request.session.pop(PENDING, None)
    if pending and TOKEN.fullmatch(pending.get("token", "")):
        _pending_path(pending["token"]).unlink(missing_ok=True)


def _remove_stale_pending():
    limit = time.time() - PENDING_MAX_AGE
    directory = _pending_dir()
    for path in [
        *directory.glob("*.upload"),
        *directory.glob("*.status.json"),
        *directory.glob("*.pending"),
    ]:
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass


@login_required
@require_GET
def upload_template(request):
    """The template workbook: sheets "Lang", "Breit" and "Erläuterung"."""
    require(request.user, UPLOAD, DataDelivery)
    response = HttpResponse(
        imports.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="vorlage-kennzahlen.xlsx"'
    return response


# ---------------------------------------------------------------------------------------------
# Deliveries


@login_required
@require_GET
def delivery_list(request):
    deliveries = (
        DataDelivery.objects.visible_to(request.user)
        .select_related("organisation", "delivered_by")
        .newest_first()
    )
    page = Paginator(deliveries, 50).get_page(request.GET.get("seite"))
    return render(
        request,
        "indicators/delivery_list.html",
        {"page": page, "deliveries": page.object_list, "nav": "upload"},
    )


@login_required
@require_GET
def delivery_detail(request, pk):
    delivery = _get_delivery_for_user(request, pk)
    rows = Values.objects.visible_to(request.user).of_delivery(delivery).summary()
    return render(
        request,
        "indicators/delivery_detail.html",
        {
            "delivery": delivery,
            "rows": rows,
            "nav": "upload",
            "dashboard_url": _dashboard_of_year(request.user, rows),
        },
    )


def _dashboard_of_year(user, rows):
    """The dashboard of the year the delivery's data belong to (its latest month): the
    overview for ministries and readers, the own Landkreis' page for a Jobcenter."""
    if not rows:
        return None
    year = max(row["last"] for row in rows).year
    own = access.traeger_of(user)
    if access.sees_all(user):
        url = reverse("dashboards:overview")
    elif own is not None:
        url = reverse("dashboards:traeger", args=[own.key])
    else:
        return None
    return {"url": f"{url}?year={year}", "year": year}
