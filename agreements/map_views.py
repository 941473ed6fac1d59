"""The tile map of Niedersachsen (`/uebersicht/karte/`): one goal's status in every Landkreis
of a year, as tiles and as a table with the same figures. Ministries and readers see it; a
Jobcenter user is sent to its own Landkreis' page, as from the overview."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agreements import tile_map, year_end
from agreements.dashboard_views import agreement_years, own_landkreis_or_403
from agreements.dashboards import basis
from agreements.dashboards.overview import build_overview
from agreements.models import Agreement
from agreements.selectors import (
    as_selects,
    checked,
    month_field,
    offer_years,
    year_field,
)
from zielsteuerung import access


class MapForm(forms.Form):
    """The map's selectors; like `BasisForm` it reads the query string with its own fields,
    and a year, month or goal it does not offer falls back to the default."""

    year = year_field()
    goal = forms.ChoiceField(label="Ziel (Kennzahl)", required=False)
    month = month_field()

    def __init__(self, query, *, years, default_year):
        super().__init__()
        offer_years(self, years)
        self.year = checked(self.fields["year"], query.get("year")) or default_year()
        self.month = checked(self.fields["month"], query.get("month"))
        self.query = query
        as_selects(self)

    def choose_goal(self, columns):
        """The goal asked for among `columns`, else the first; None without columns."""
        self.fields["goal"].choices = [(c.key, f"{c.label} – {c.name}") for c in columns]
        goal = checked(self.fields["goal"], self.query.get("goal")) if columns else None
        goal = goal or (columns[0].key if columns else None)
        self.initial = {"year": self.year, "goal": goal or "", "month": self.month or ""}
        return goal


@login_required
@require_GET
def tile_map_page(request):
    user = request.user
    if not access.sees_all(user):
        return own_landkreis_or_403(request)
    visible = Agreement.objects.visible_to(user)
    years = agreement_years(visible)
    context = {"nav": "overview", "years": years}
    if not years:
        return render(request, "dashboards/map.html", context)
    form = MapForm(request.GET, years=years, default_year=lambda: basis.default_year(visible))
    year, month = form.year, form.month
    agreements = visible.for_year(year).select_related("traeger")
    overview = build_overview(agreements, year, month=month)
    year_end.mark_final(overview)
    goal = form.choose_goal(overview.columns)
    context.update(
        {
            "year": year,
            "form": form,
            "overview": overview,
            "map": tile_map.build(overview, goal) if goal else None,
        }
    )
    return render(request, "dashboards/map.html", context)
