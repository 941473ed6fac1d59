"""The public pages (`/oeffentlich/`, no login) and the ministry's page to publish and
withdraw (`/veroeffentlichung/`). The public pages read only stored publications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from agreements import year_end
from agreements.models import Agreement, Goal
from publication import content, services
from publication.models import Publication, PublicationKind
from zielsteuerung import access

# ---------------------------------------------------------------------------------------------
# Public


def _public_entry(year):
    targets = Publication.objects.newest(year, PublicationKind.TARGETS)
    results = Publication.objects.newest(year, PublicationKind.RESULTS)
    return {"year": year, "targets": targets, "results": results}


@login_not_required
@require_GET
def public_index(request):
    years = [_public_entry(year) for year in Publication.objects.public_years()]
    return render(request, "publication/index.html", {"years": years, "nav": "public"})


@login_not_required
@require_GET
def public_year(request, year):
    entry = _public_entry(year)
    if entry["targets"] is None and entry["results"] is None:
        raise Http404("Für dieses Jahr ist nichts veröffentlicht.")
    results = entry["results"].content if entry["results"] else None
    context = {
        **entry,
        "nav": "public",
        "target_rows": entry["targets"].content["landkreise"] if entry["targets"] else [],
        "result_rows": results["landkreise"] if results else [],
        "open_names": results.get("open", []) if results else [],
    }
    return render(request, "publication/year.html", context)


# ---------------------------------------------------------------------------------------------
# The ministry's page


ACTIONS = {"veroeffentlichen": services.publish, "zurueckziehen": services.withdraw}


def _years_overview(user):
    """Per year with agreements: how many are signed, how many of them have an approved
    spring review, and what is published of each kind."""
    agreements = Agreement.objects.visible_to(user)
    signed = dict(
        agreements.filter(status__in=content.SIGNED)
        .order_by()
        .values_list("year")
        .annotate(n=Count("pk"))
    )
    finals = year_end.final_assessments(list(agreements.filter(status__in=content.SIGNED)))
    reviewed = {}
    for year, agreement_id in (
        Goal.objects.filter(pk__in=finals).values_list("agreement__year", "agreement_id").distinct()
    ):
        reviewed.setdefault(year, set()).add(agreement_id)
    years = sorted(set(agreements.order_by().values_list("year", flat=True)), reverse=True)
    return [
        {
            **_public_entry(year),
            "signed": signed.get(year, 0),
            "reviewed": len(reviewed.get(year, ())),
        }
        for year in years
    ]


@login_required
@require_http_methods(["GET", "POST"])
def manage(request):
    access.require(request.user, access.CHANGE, Agreement)
    years = _years_overview(request.user)
    if request.method == "POST":
        error = _act(request, {entry["year"] for entry in years})
        if error is None:
            return redirect("publication:manage")
        messages.error(request, error)
        status = 400
    else:
        status = 200
    acts = Publication.objects.order_by("-published_at", "-pk")[:50]
    context = {"nav": "publication", "years": years, "acts": acts}
    return render(request, "publication/manage.html", context, status=status)


def _act(request, years):
    """Carry out the posted act; the German error message, or None when it was done."""
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = None
    kind = request.POST.get("kind", "")
    action = request.POST.get("action", "")
    if year not in years:
        return "Bitte wählen Sie ein Jahr, für das es Zielvereinbarungen gibt."
    if kind not in PublicationKind.values:
        return "Bitte wählen Sie, was veröffentlicht werden soll: Ziele oder Jahresergebnisse."
    if action not in ACTIONS:
        return "Unbekannte Aktion: bitte „veröffentlichen“ oder „zurückziehen“."
    label = PublicationKind(kind).label
    if action == "zurueckziehen":
        if not services.withdraw(request.user, year, kind):
            return f"{label} {year}: Es ist nichts veröffentlicht, das zurückgezogen werden könnte."
        messages.success(request, f"{label} {year} sind zurückgezogen und nicht mehr öffentlich.")
        return None
    try:
        services.publish(request.user, year, kind)
    except content.NothingToPublish as refusal:
        return str(refusal)
    url = reverse("publication:year", args=[year])
    messages.success(request, f"{label} {year} sind veröffentlicht: {url}")
    return None
