"""Agreement pages: list, the agreement as its document and PDF, the one-page editor, copy into
the next year, status changes, the Jobcenter's step report and the history."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Prefetch, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements import forms, services, year_end, years
from agreements.history import agreement_history
from agreements.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    Goal,
    GoalKind,
    ImplementationStep,
)
from agreements.start import default_year
from zielsteuerung.access import CHANGE, REPORT, can, require
from zielsteuerung.locking import Conflict
from zielsteuerung.models import Organisation
from zielsteuerung.pdf import pdf_response, render_pdf
from zielsteuerung.rows import Rows


def _document_queryset(user):
    return (
        Agreement.objects.visible_to(user)
        .select_related("traeger")
        .prefetch_related(
            "budget_lines",
            "signatures__organisation",
            Prefetch("parties", queryset=AgreementParty.objects.prefetch_related("organisation")),
            Prefetch(
                "goals",
                queryset=Goal.objects.select_related("indicator").prefetch_related("steps"),
            ),
        )
    )


def _visible(request, pk):
    return get_object_or_404(_document_queryset(request.user), pk=pk)


def _editable(request, pk):
    """The agreement if the user may edit it: 404 when it is not visible, 403 when read-only."""
    agreement = _visible(request, pk)
    require(request.user, CHANGE, agreement, "Zielvereinbarungen ändern nur die Ministerien.")
    return agreement


@login_required
@require_GET
def agreement_list(request):
    visible = Agreement.objects.visible_to(request.user)
    years = sorted(set(visible.values_list("year", flat=True)), reverse=True)
    traeger = (
        Organisation.objects.visible_to(request.user)
        .filter(pk__in=visible.values("traeger"))
        .order_by("name")
    )
    filters = forms.FilterForm(request.GET or None, years=years, traeger=traeger)
    # The current year first (the newest beyond the draft stage: a copied draft for next year
    # must not push it down), then the others, newest first.
    current = default_year(visible.only("year", "status"))
    agreements = visible.select_related("traeger").order_by(
        Case(When(year=current, then=0), default=1), "-year", "traeger__name"
    )
    if filters.is_valid():
        if filters.cleaned_data["year"]:
            agreements = agreements.filter(year=filters.cleaned_data["year"])
        if filters.cleaned_data["traeger"]:
            agreements = agreements.filter(traeger=filters.cleaned_data["traeger"])
        if filters.cleaned_data["status"]:
            agreements = agreements.filter(status=filters.cleaned_data["status"])
    return render(
        request,
        "agreements/list.html",
        {
            "agreements": agreements,
            "filters": filters,
            "can_edit": can(request.user, CHANGE, Agreement),
            "nav": "agreements",
        },
    )


def _document_context(agreement):
    goals = list(agreement.goals.all())
    budget = {line.kind: line for line in agreement.budget_lines.all()}
    return {
        "agreement": agreement,
        "parties": list(agreement.parties.all()),
        "goals": goals,
        "measured_goal_numbers": [g.number for g in goals if not g.is_qualitative],
        "qualitative_goal_numbers": [g.number for g in goals if g.is_qualitative],
        "budget_lines": [
            budget[kind] for kind in ("verwaltungskosten", "eingliederung") if kind in budget
        ],
        "signatures": list(agreement.signatures.all()),
        "followup_paragraphs": [
            paragraph.strip()
            for paragraph in re.split(r"\r?\n\s*\r?\n", agreement.target_followup)
            if paragraph.strip()
        ],
    }


@login_required
@require_GET
def agreement_detail(request, pk):
    agreement = _visible(request, pk)
    context = _document_context(agreement)
    changes = can(request.user, CHANGE, agreement)
    context.update(
        {
            "nav": "agreements",
            "has_qualitative_goals": any(goal.is_qualitative for goal in context["goals"]),
            "status_form": forms.StatusForm(agreement=agreement) if changes else None,
            "delete_refusal": services.delete_refusal(agreement) if changes else None,
            "final_rows": year_end.final_rows(agreement),
            "neighbours": years.neighbours(agreement, request.user),
        }
    )
    return render(request, "agreements/detail.html", context)


@login_required
@require_GET
def agreement_pdf(request, pk):
    agreement = _visible(request, pk)
    content = render_pdf("agreements/pdf.html", _document_context(agreement), request)
    filename = f"Zielvereinbarung-{agreement.year}-{agreement.traeger.name}.pdf".replace(" ", "-")
    return pdf_response(content, filename)


def _formsets(request, agreement):
    data = request.POST if request.method == "POST" else None
    if agreement.pk is None:
        steps_queryset = ImplementationStep.objects.none()
    else:
        steps_queryset = ImplementationStep.objects.filter(goal__agreement=agreement)
        steps_queryset = steps_queryset.select_related("goal")
    return {
        "goals": forms.GoalFormSet(data, instance=agreement, prefix="ziele"),
        "steps": forms.StepFormSet(data, queryset=steps_queryset, prefix="schritte"),
        "signatures": forms.SignatureFormSet(data, instance=agreement, prefix="unterschriften"),
    }


def _edit(request, agreement):
    form = forms.AgreementForm(request.POST or None, instance=agreement)
    formsets = _formsets(request, agreement)
    conflict = None
    if request.method == "POST":
        valid = form.is_valid() and all(f.is_valid() for f in formsets.values())
        if valid:
            valid = forms.check_step_goals(formsets["goals"], formsets["steps"])
        if valid:
            rows = {name: Rows.of(formset) for name, formset in formsets.items()}
            unclear = services.restate_targets(rows["goals"])
            try:
                saved = services.save_agreement(
                    form.instance, form.cleaned_data, user=request.user, **rows
                )
            except Conflict as error:
                conflict = error
            except services.AgreementRefused as error:
                form.add_error(None, str(error))
            except ValidationError as error:  # e.g. deleting a goal of approved minutes
                form.add_error(None, error.messages)
            else:
                messages.success(request, "Die Zielvereinbarung wurde gespeichert.")
                for number in unclear:
                    messages.warning(
                        request,
                        f"Ziel {number}: Der Zielwert wurde geändert, der Text zum Zielwert nennt "
                        "den bisherigen Wert aber nicht eindeutig. Bitte prüfen Sie den Text.",
                    )
                return redirect("agreements:detail", saved.pk)
    return render(
        request,
        "agreements/edit.html",
        {
            "agreement": agreement,
            "form": form,
            "conflict": conflict,
            "nav": "agreements",
            **formsets,
        },
        status=409 if conflict else (400 if request.method == "POST" else 200),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    require(request.user, CHANGE, Agreement)
    return _edit(request, Agreement())


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk):
    agreement = _editable(request, pk)
    if agreement.status == AgreementStatus.CLOSED:
        messages.error(request, "Eine abgeschlossene Vereinbarung wird nicht mehr geändert.")
        return redirect("agreements:detail", pk)
    return _edit(request, agreement)


def _confirm(request, agreement, *, title, explanation, action, fields, button):
    """The page that asks before an irreversible step; its button posts the same form again
    with `confirmed`."""
    return render(
        request,
        "agreements/confirm.html",
        {
            "agreement": agreement,
            "title": title,
            "explanation": explanation,
            "action": action,
            "fields": {**fields, "confirmed": "on"},
            "button": button,
            "nav": "agreements",
        },
    )


@login_required
@require_POST
def agreement_copy(request, pk):
    agreement = _editable(request, pk)
    year = agreement.year + 1
    if not request.POST.get("confirmed"):
        return _confirm(
            request,
            agreement,
            title=f"{agreement.traeger.name}: Entwurf für {year} anlegen?",
            explanation=[
                f"Die Zielvereinbarung {agreement.year} wird als Entwurf für {year} kopiert: "
                "Texte (Jahreszahlen ein Jahr weiter), Haushaltsmittel, Ziele und "
                "Umsetzungsschritte (wieder offen), ohne Unterschriften.",
                f"Es gibt danach für {agreement.traeger.name} eine Vereinbarung {year}; ein "
                "unbenutzter Entwurf kann wieder gelöscht werden.",
            ],
            action=reverse("agreements:copy", args=[pk]),
            fields={},
            button=f"Ja, Entwurf {year} anlegen",
        )
    try:
        copy = services.copy_to_next_year(agreement, request.user)
    except services.AgreementRefused as error:
        messages.error(request, str(error))
        return redirect("agreements:detail", pk)
    messages.success(
        request,
        f"Entwurf {copy.year} angelegt. Bitte Ziele, Zielwerte und Haushaltsmittel anpassen.",
    )
    return redirect("agreements:edit", copy.pk)


def _status_refusal(form):
    if "reason" in form.errors:
        return form.errors["reason"][0]
    if not form.data.get("status"):
        return "Bitte wählen Sie den neuen Status."
    return "Dieser Statuswechsel ist nicht möglich."


@login_required
@require_POST
def agreement_status(request, pk):
    agreement = _editable(request, pk)
    form = forms.StatusForm(request.POST, agreement=agreement)
    if not form.is_valid():
        messages.error(request, _status_refusal(form))
        return redirect("agreements:detail", pk)
    if form.closes and not form.cleaned_data["confirmed"]:
        return _confirm(
            request,
            agreement,
            title=f"Zielvereinbarung {agreement.year} – {agreement.traeger.name} abschließen?",
            explanation=[
                "Eine abgeschlossene Vereinbarung wird nicht mehr bearbeitet; auch der "
                "Umsetzungsstand ihrer Schritte wird nicht mehr gemeldet.",
                "Das Ministerium kann den Abschluss mit Angabe eines Grundes zurücknehmen; "
                "der Grund erscheint im Verlauf.",
            ],
            action=reverse("agreements:status", args=[pk]),
            fields={
                "status": form.cleaned_data["status"],
                "version": form.cleaned_data["version"],
                "reason": form.cleaned_data["reason"],
            },
            button="Ja, abschließen",
        )
    try:
        services.change_status(
            agreement,
            request.user,
            form.cleaned_data["status"],
            form.cleaned_data["version"],
            form.change_reason(),
        )
    except Conflict:
        messages.error(
            request,
            "Nicht geändert: Die Vereinbarung wurde inzwischen von jemand anderem gespeichert. "
            "Bitte prüfen Sie den aktuellen Stand.",
        )
    except services.AgreementRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Status ist jetzt „{agreement.get_status_display()}“.")
    return redirect("agreements:detail", pk)


@login_required
@require_POST
def agreement_delete(request, pk):
    agreement = _editable(request, pk)
    refusal = services.delete_refusal(agreement)
    if refusal:
        messages.error(request, refusal)
        return redirect("agreements:detail", pk)
    label = str(agreement)
    agreement.delete()
    messages.success(request, f"{label} wurde gelöscht.")
    return redirect("agreements:list")


@login_required
@require_http_methods(["GET", "POST"])
def step_report(request, pk):
    """Jobcenter staff (and the ministries) report the status of the qualitative steps."""
    agreement = _visible(request, pk)
    user = request.user
    if (
        agreement.status == AgreementStatus.DRAFT
        and can(user, REPORT, Agreement)
        and not can(user, REPORT, agreement)
    ):
        messages.error(
            request,
            "Diese Zielvereinbarung ist noch ein Entwurf des Ministeriums. Den Stand der "
            "Umsetzungsschritte melden Sie, sobald das Ministerium sie zur Abstimmung gesandt hat.",
        )
        return redirect("agreements:detail", pk)
    require(user, REPORT, agreement)
    if agreement.status == AgreementStatus.CLOSED:
        raise PermissionDenied("Die Vereinbarung ist abgeschlossen.")
    steps = ImplementationStep.objects.filter(
        goal__agreement=agreement, goal__kind=GoalKind.QUALITATIVE
    ).select_related("goal")
    formset = forms.StepReportFormSet(request.POST or None, queryset=steps, prefix="stand")
    version = forms.VersionForm(request.POST or None, initial={"version": agreement.version})
    conflict = None
    if request.method == "POST" and formset.is_valid() and version.is_valid():
        reports = Rows.of(formset).changed
        try:
            services.report_steps(agreement, request.user, version.cleaned_data["version"], reports)
        except Conflict as error:
            conflict = error
        except services.AgreementRefused as error:
            messages.error(request, str(error))
        else:
            if reports:
                messages.success(
                    request, f"Stand von {len(reports)} Umsetzungsschritt(en) gespeichert."
                )
            else:
                messages.info(request, "Keine Änderung.")
            return redirect("agreements:detail", pk)
    return render(
        request,
        "agreements/steps.html",
        {
            "agreement": agreement,
            "formset": formset,
            "version": version,
            "conflict": conflict,
            "nav": "agreements",
        },
        status=409 if conflict else (400 if request.method == "POST" else 200),
    )


@login_required
@require_GET
def history(request, pk):
    agreement = _visible(request, pk)
    return render(
        request,
        "agreements/history.html",
        {"agreement": agreement, "entries": agreement_history(agreement), "nav": "agreements"},
    )
