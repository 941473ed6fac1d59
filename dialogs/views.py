"""Pages of the Zieldialoge: the list with the status board, a dialog's page, its draft,
the Landkreis' review, approval, corrections, PDFs and the measures of an agreement.

Every object is fetched through `visible_to(user)` first (another Landkreis gets 404); what a
role may never do answers 403 (`zielsteuerung.access`, asked again by the services); what the
state of the minutes does not allow now is refused with a message and nothing is written."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.models import Agreement
from dialogs import services
from dialogs.forms import (
    ChangeRequestForm,
    CommentFormSet,
    CorrectionForm,
    DialogForm,
    DraftForms,
    MeasureStatusForm,
    StepForm,
    VersionForm,
)
from dialogs.history import dialog_history
from dialogs.models import FROZEN_MESSAGE, Dialog, DialogKind, EventAction, Measure
from dialogs.pdf import dialog_folder_pdf, minutes_pdf
from zielsteuerung.access import CHANGE, REPORT, REVIEW, can, require
from zielsteuerung.locking import Conflict
from zielsteuerung.pdf import pdf_response
from zielsteuerung.rows import Rows


def _get_dialog_for_user(request, pk):
    queryset = Dialog.objects.visible_to(request.user).select_related(
        "agreement__traeger", "delivery"
    )
    return get_object_or_404(queryset, pk=pk)


def _get_agreement_for_user(request, pk):
    return get_object_or_404(
        Agreement.objects.visible_to(request.user).select_related("traeger"), pk=pk
    )


def _get_measure_for_user(request, pk):
    queryset = Measure.objects.visible_to(request.user).select_related("dialog", "agreement")
    return get_object_or_404(queryset, pk=pk)


def _refusal_for_state(dialog):
    if dialog.is_frozen:
        return FROZEN_MESSAGE
    if dialog.in_review:
        return (
            "Das Protokoll liegt dem Landkreis zur Prüfung vor. Holen Sie es in den Entwurf "
            "zurück, um es zu ändern."
        )
    return "Das Protokoll ist noch im Entwurf beim Ministerium und nicht zur Prüfung versandt."


def _years(request):
    return sorted(
        set(Agreement.objects.visible_to(request.user).values_list("year", flat=True)),
        reverse=True,
    )


@login_required
@require_GET
def dialog_list(request):
    years = _years(request)
    today = timezone.localdate()
    year = None
    requested = request.GET.get("jahr", "")
    if requested:
        if not requested.isdigit() or int(requested) not in years:
            raise Http404("Für dieses Jahr gibt es keine Zielvereinbarungen.")
        year = int(requested)
    elif years:
        year = Agreement.objects.visible_to(request.user).working_years()[0]
    rows, due = [], []
    if year is not None:
        agreements = Agreement.objects.for_year(year).visible_to(request.user)
        rows = services.status_board(agreements.order_by("traeger__name"), today)
        due = services.due_by_landkreis(services.due_before_spring_review(rows, today))
    return render(
        request,
        "dialogs/list.html",
        {
            "nav": "dialogs",
            "years": years,
            "year": year,
            "rows": rows,
            "due": due,
            "today": today,
            "can_create": can(request.user, CHANGE, Dialog),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def dialog_create(request, agreement_pk):
    agreement = _get_agreement_for_user(request, agreement_pk)
    require(request.user, CHANGE, Dialog)
    if request.method == "POST":
        form = DialogForm(request.POST, agreement=agreement)
        if form.is_valid():
            dialog = services.create_dialog(
                agreement, request.user, **{k: form.cleaned_data[k] for k in form.Meta.fields}
            )
            messages.success(
                request,
                "Der Zieldialog ist angelegt; die Tagesordnung ist aus der Zielvereinbarung "
                "vorbereitet.",
            )
            return redirect("dialogs:edit", dialog.pk)
    else:
        kind = services.suggested_kind(agreement)
        month, delivery = services.suggested_basis(agreement, kind)
        form = DialogForm(
            agreement=agreement,
            initial={
                "kind": kind,
                "date": timezone.localdate(),
                "reporting_month": month,
                "delivery": delivery,
            },
        )
    return render(
        request,
        "dialogs/create.html",
        {"nav": "dialogs", "agreement": agreement, "form": form},
    )


@login_required
@require_GET
def dialog_detail(request, pk):
    dialog = _get_dialog_for_user(request, pk)
    context = services.minutes_context(dialog)
    actions = services.allowed_actions(dialog, request.user, context["approvals"])
    context.update(
        nav="dialogs",
        actions=actions,
        step_form=StepForm(initial={"version": dialog.version}),
        change_form=ChangeRequestForm(initial={"version": dialog.version}, prefix="changes"),
        last_change_request=dialog.events.filter(action="aenderung_erbeten").last(),
        withdrawal=_withdrawal_shown(dialog, context["events"]),
    )
    return render(request, "dialogs/detail.html", context)


def _withdrawal_shown(dialog, events):
    """The last change of comments that withdrew approvals, while nothing happened since."""
    steps = [e for e in events if e.action in WITHDRAWAL_OUTDATED_BY]
    last = steps[-1] if steps else None
    if dialog.in_review and last and last.action == EventAction.COMMENTED and last.comment:
        return last
    return None


WITHDRAWAL_OUTDATED_BY = {EventAction.APPROVED, EventAction.SENT, EventAction.COMMENTED}


def _draft_forms(dialog, data=None):
    rows = [row for row in services.measure_rows(dialog) if row.carried]
    assessments = list(dialog.assessments.all()) if dialog.is_spring_review else []
    return DraftForms(
        dialog,
        data,
        carried_rows=rows,
        computed_verdicts=services.assessment_verdicts(dialog, assessments),
    )


def _edit_context(dialog, forms, **extra):
    services.annotate_items(dialog, [form.instance for form in forms.items if form.instance.pk])
    services.assessment_explanations(dialog, forms.assessments)
    return {
        "nav": "dialogs",
        "dialog": dialog,
        "agreement": dialog.agreement,
        "forms": forms,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def dialog_edit(request, pk):
    dialog = _get_dialog_for_user(request, pk)
    require(request.user, CHANGE, dialog)
    if not dialog.is_draft:
        if request.method == "POST":  # the state changed while the user typed
            return _edit_refused(request, dialog, _refusal_for_state(dialog))
        messages.error(request, _refusal_for_state(dialog))
        return redirect("dialogs:detail", dialog.pk)
    if request.method == "GET":
        return render(request, "dialogs/edit.html", _edit_context(dialog, _draft_forms(dialog)))
    forms = _draft_forms(dialog, request.POST)
    if forms.is_valid():
        try:
            services.save_draft(dialog, _draft_of(forms), request.user)
        except Conflict as stale:
            return _edit_conflict(request, stale)
        except (services.WorkflowError, ValidationError) as refusal:
            return _edit_refused(request, dialog, _message_of(refusal))
        messages.success(request, "Der Entwurf ist gespeichert.")
        return redirect(_back_to_section(dialog, request.POST.get("abschnitt", "")))
    messages.error(request, "Bitte prüfen Sie die markierten Angaben; es wurde nichts gespeichert.")
    return render(request, "dialogs/edit.html", _edit_context(dialog, forms), status=400)


def _draft_of(forms):
    """The validated draft page as the plain data `services.save_draft` takes."""
    return services.Draft(
        header=forms.header.cleaned_data,
        participants=Rows.of(forms.participants),
        items=Rows.of(forms.items),
        measures=Rows.of(forms.measures),
        carried=[form.cleaned_data for form in forms.carried.forms],
        assessments=Rows.of(forms.assessments),
    )


SECTION = re.compile(r"(termin|teilnehmende|massnahmen|bewertung|top-\d+)")


def _back_to_section(dialog, section):
    """Each section of the draft has its own save button: after saving, back to that section."""
    url = reverse("dialogs:edit", args=[dialog.pk])
    return f"{url}#abschnitt-{section}" if SECTION.fullmatch(section) else url


def _edit_conflict(request, stale):
    """Someone saved the draft since this user opened it: keep what the user typed, show the
    newer version, and let them save again on purpose (with the new version number)."""
    current = _get_dialog_for_user(request, stale.current.pk)
    data = request.POST.copy()
    data["dialog-version"] = str(current.version)
    forms = _draft_forms(current, data)
    forms.is_valid()
    messages.error(
        request,
        f"{stale} Ihre Eingaben stehen unten noch im Formular. Bitte vergleichen Sie sie mit "
        "der aktuellen Fassung (eigener Tab) und speichern Sie dann erneut; damit ersetzen "
        "Ihre Eingaben die inzwischen gespeicherte Fassung.",
    )
    context = _edit_context(current, forms, conflict=stale)
    return render(request, "dialogs/edit.html", context, status=409)


def _edit_refused(request, dialog, reason):
    """The draft can no longer be saved (sent for review, approved …): nothing is saved, and
    what the user typed is shown back so that it can be copied, as for a version conflict."""
    forms = _draft_forms(dialog, request.POST)
    forms.is_valid()
    messages.error(
        request,
        f"Nicht gespeichert: {reason} Ihre Eingaben stehen unten noch im Formular; bitte "
        "kopieren Sie, was Sie behalten möchten.",
    )
    return render(request, "dialogs/edit.html", _edit_context(dialog, forms), status=409)


def _message_of(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


def _step(request, pk, action, *, right, form_class=StepForm):
    """Run one workflow step from a POSTed button; refusals come back as messages. `right`:
    the access action the step needs, or a function of (dialog, user) that says whether the
    user may take it."""
    dialog = _get_dialog_for_user(request, pk)
    if callable(right):
        if not right(dialog, request.user):
            raise PermissionDenied(services.NOT_A_SIDE)
    else:
        require(request.user, right, dialog)
    form = form_class(request.POST, prefix="changes" if form_class is ChangeRequestForm else None)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, " ".join(errors) or "Die Anfrage war unvollständig.")
        return redirect("dialogs:detail", dialog.pk)
    try:
        result = action(dialog, form.cleaned_data)
    except Conflict as stale:
        messages.error(
            request,
            f"{stale} Bitte prüfen Sie die aktuelle Fassung und wiederholen Sie den Schritt.",
        )
    except (services.WorkflowError, ValidationError) as refusal:
        messages.error(request, _message_of(refusal))
    else:
        messages.success(request, result)
    return redirect("dialogs:detail", dialog.pk)


@login_required
@require_POST
def dialog_send(request, pk):
    def send(dialog, data):
        services.send_to_review(dialog, request.user, data["version"], data["comment"])
        return "Das Protokoll ist an den Landkreis zur Prüfung gesandt."

    return _step(request, pk, send, right=CHANGE)


@login_required
@require_POST
def dialog_withdraw(request, pk):
    def withdraw(dialog, data):
        services.withdraw(dialog, request.user, data["version"], data["comment"])
        return "Das Protokoll ist wieder im Entwurf; bisherige Freigaben sind aufgehoben."

    return _step(request, pk, withdraw, right=CHANGE)


@login_required
@require_POST
def dialog_request_changes(request, pk):
    def request_changes(dialog, data):
        services.request_changes(dialog, request.user, data["version"], data["comment"])
        return "Ihre Änderungswünsche sind an das Ministerium gesandt; das Protokoll ist wieder im Entwurf."

    return _step(request, pk, request_changes, right=REVIEW, form_class=ChangeRequestForm)


@login_required
@require_POST
def dialog_approve(request, pk):
    def approve(dialog, data):
        services.approve(dialog, request.user, data["version"])
        if dialog.is_frozen:
            return (
                "Das Protokoll ist von beiden Seiten freigegeben; die Zahlen sind festgeschrieben."
            )
        return "Ihre Freigabe ist vermerkt; die Freigabe der anderen Seite steht noch aus."

    return _step(request, pk, approve, right=services.approving_side)


@login_required
@require_http_methods(["GET", "POST"])
def dialog_comment(request, pk):
    dialog = _get_dialog_for_user(request, pk)
    require(request.user, REVIEW, dialog)
    refused = not dialog.in_review and request.method == "POST"
    if not dialog.in_review and not refused:
        messages.error(request, _refusal_for_state(dialog))
        return redirect("dialogs:detail", dialog.pk)
    data = request.POST if request.method == "POST" else None
    version_form = VersionForm(data, initial={"version": dialog.version})
    formset = CommentFormSet(data, instance=dialog, prefix="items")
    status = 200
    if refused:  # approved or taken back while the user typed: show the text back
        formset.is_valid()
        messages.error(
            request,
            f"Nicht gespeichert: {_refusal_for_state(dialog)} Ihre Anmerkungen stehen unten "
            "noch im Formular; bitte kopieren Sie, was Sie behalten möchten.",
        )
        status = 409
    elif request.method == "POST":
        if version_form.is_valid() and formset.is_valid():
            try:
                comments = {
                    form.instance.pk: form.cleaned_data["jobcenter_comment"] for form in formset
                }
                withdrawn = services.save_comments(
                    dialog, request.user, version_form.cleaned_data["version"], comments
                )
            except Conflict as stale:
                messages.error(
                    request,
                    f"{stale} Ihre Anmerkungen stehen unten noch im Formular; bitte prüfen Sie "
                    "die aktuelle Fassung und speichern Sie erneut.",
                )
                data = request.POST.copy()
                data["version"] = str(_get_dialog_for_user(request, dialog.pk).version)
                version_form = VersionForm(data)
                status = 409
            except services.WorkflowError as refusal:
                messages.error(
                    request,
                    f"Nicht gespeichert: {refusal} Ihre Anmerkungen stehen unten noch im Formular.",
                )
                status = 409
            else:
                messages.success(request, "Ihre Anmerkungen sind gespeichert.")
                if withdrawn:
                    messages.warning(
                        request,
                        f"{services.withdrawal_text(withdrawn)} Bitte geben Sie das Protokoll "
                        "erneut frei, wenn es so richtig ist.",
                    )
                return redirect("dialogs:detail", dialog.pk)
        else:
            messages.error(request, "Bitte prüfen Sie die Angaben; es wurde nichts gespeichert.")
            status = 400
    services.annotate_items(dialog, [form.instance for form in formset])
    context = {
        "nav": "dialogs",
        "dialog": dialog,
        "agreement": dialog.agreement,
        "version_form": version_form,
        "formset": formset,
        "approvals": list(dialog.approvals.all()),
    }
    return render(request, "dialogs/comment.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def dialog_correct(request, pk):
    dialog = _get_dialog_for_user(request, pk)
    require(request.user, CHANGE, dialog)
    if not dialog.is_frozen:
        messages.error(
            request,
            "Korrekturen gibt es nur für freigegebene Protokolle; einen Entwurf ändern Sie direkt.",
        )
        return redirect("dialogs:detail", dialog.pk)
    form = CorrectionForm(request.POST or None, dialog=dialog)
    if request.method == "POST":
        if form.is_valid():
            services.add_correction(
                dialog,
                request.user,
                text=form.cleaned_data["text"],
                reason=form.cleaned_data["reason"],
                item=form.cleaned_data["item"],
            )
            messages.success(
                request, "Die Korrektur ist mit Datum und Grund beim Protokoll vermerkt."
            )
            return redirect("dialogs:detail", dialog.pk)
        messages.error(request, "Bitte prüfen Sie die Angaben; es wurde nichts gespeichert.")
    return render(
        request,
        "dialogs/correct.html",
        {"nav": "dialogs", "dialog": dialog, "agreement": dialog.agreement, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def dialog_delete(request, pk):
    dialog = _get_dialog_for_user(request, pk)
    require(request.user, CHANGE, dialog)
    agreement_year = dialog.agreement.year
    try:
        services.delete_draft(dialog, request.user)
    except (services.WorkflowError, ValidationError) as refusal:
        messages.error(request, _message_of(refusal))
        return redirect("dialogs:detail", dialog.pk)
    messages.success(request, "Der Entwurf des Zieldialogs ist gelöscht.")
    return redirect(f"{reverse('dialogs:list')}?jahr={agreement_year}")


@login_required
@require_GET
def dialog_pdf(request, pk):
    dialog = _get_dialog_for_user(request, pk)
    return pdf_response(minutes_pdf(dialog, request), minutes_filename(dialog))


@login_required
@require_GET
def dialog_folder(request, pk):
    dialog = _get_dialog_for_user(request, pk)
    return pdf_response(dialog_folder_pdf(dialog, request), folder_filename(dialog))


def minutes_filename(dialog):
    return f"protokoll-zieldialog-{dialog.agreement.traeger.key}-{dialog.date:%Y-%m-%d}.pdf"


def folder_filename(dialog):
    return f"dialogmappe-{dialog.agreement.traeger.key}-{dialog.date:%Y-%m-%d}.pdf"


@login_required
@require_GET
def dialog_history_view(request, pk):
    dialog = _get_dialog_for_user(request, pk)
    return render(
        request,
        "dialogs/history.html",
        {
            "nav": "dialogs",
            "dialog": dialog,
            "agreement": dialog.agreement,
            "events": list(dialog.events.all()),
            "changes": dialog_history(dialog),
        },
    )


@login_required
@require_GET
def agreement_measures(request, agreement_pk):
    agreement = _get_agreement_for_user(request, agreement_pk)
    today = timezone.localdate()
    measures = list(
        Measure.objects.visible_to(request.user)
        .filter(agreement=agreement)
        .select_related("dialog", "responsible_organisation")
        .order_by("dialog__date", "pk")
    )
    editable = set(
        Measure.objects.restrict(request.user, REPORT)
        .filter(agreement=agreement)
        .values_list("pk", flat=True)
    )
    rows = [
        {
            "measure": m,
            "overdue": m.is_overdue(today),
            "form": MeasureStatusForm(instance=m, prefix=f"m{m.pk}") if m.pk in editable else None,
        }
        for m in measures
    ]
    dialogs = (
        Dialog.objects.visible_to(request.user)
        .filter(agreement=agreement)
        .prefetch_related("approvals")
        .order_by("date", "pk")
    )
    return render(
        request,
        "dialogs/measures.html",
        {
            "nav": "dialogs",
            "agreement": agreement,
            "rows": rows,
            "dialogs": dialogs,
            "can_create": can(request.user, CHANGE, Dialog),
            "spring_kind": DialogKind.SPRING,
        },
    )


@login_required
@require_POST
def measure_status(request, pk):
    measure = _get_measure_for_user(request, pk)
    require(request.user, REPORT, measure)
    form = MeasureStatusForm(request.POST, instance=measure, prefix=f"m{measure.pk}")
    if form.is_valid():
        services.report_measure_status(
            measure, request.user, form.cleaned_data["status"], form.cleaned_data["status_note"]
        )
        messages.success(request, "Der Stand der Maßnahme ist gespeichert.")
    else:
        messages.error(
            request, "Bitte wählen Sie einen gültigen Stand; es wurde nichts gespeichert."
        )
    return redirect("dialogs:measures", measure.agreement_id)
