"""The agreements part of the start page (the view is `dialogs.start.home`, which adds what
waits for the user in the dialogs): ministries and readers see every Landkreis for one
agreement year, with or without an agreement; a Jobcenter sees its own agreements."""

from django.utils import timezone

from agreements.dashboards import overview
from agreements.models import Agreement, working_years
from zielsteuerung import access
from zielsteuerung.models import Organisation, OrganisationKind


def default_year(agreements):
    """The newest of the agreements' working years (models.working_years): copying this
    year's agreements into the next year must not empty the start page."""
    return next(iter(working_years((a.year, a.status) for a in agreements)), None)


def _chosen_year(request, years, fallback):
    text = request.GET.get("jahr", "")
    if text.isdigit() and int(text) in years:
        return int(text)
    return fallback


def agreements_context(request):
    """The start page's agreement year, its switcher, and the rows: every zkT Landkreis for
    ministries and readers, the own agreements for a Jobcenter."""
    user = request.user
    agreements = list(
        Agreement.objects.visible_to(user)
        .select_related("traeger")
        .only("pk", "year", "status", "is_demo", "traeger__name", "traeger__key")
        .order_by("-year", "traeger__name")
    )
    years = sorted({a.year for a in agreements}, reverse=True)
    # Without any agreement yet (a new installation), the calendar year.
    year = _chosen_year(request, years, default_year(agreements)) or timezone.localdate().year
    context = {
        "year": year,
        "years": years,
        "traeger": access.traeger_of(user),
        "can_edit": access.can(user, access.CHANGE, Agreement),
    }
    if access.sees_all(user):
        context["rows"] = _all_landkreise(agreements, year)
        context["missing"] = sum(row["agreement"] is None for row in context["rows"])
        of_year = [a.pk for a in agreements if a.year == year]
        if of_year:
            context["off_track"] = overview.off_track(
                Agreement.objects.filter(pk__in=of_year).select_related("traeger"), year
            )
    else:
        context["agreements"] = [a for a in agreements if a.year == year]
        context["other_agreements"] = [a for a in agreements if a.year != year]
    return context


def _all_landkreise(agreements, year):
    """A row per zkT Landkreis: its agreement of `year`, or the previous year's to copy from."""
    of_year = {a.traeger_id: a for a in agreements if a.year == year}
    previous = {a.traeger_id: a for a in agreements if year is not None and a.year == year - 1}
    return [
        {
            "traeger": traeger,
            "agreement": of_year.get(traeger.pk),
            "previous": previous.get(traeger.pk),
        }
        for traeger in Organisation.objects.filter(kind=OrganisationKind.TRAEGER).order_by("name")
    ]
