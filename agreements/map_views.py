"""The tile map of Niedersachsen (`/uebersicht/karte/`): one goal's status in every Landkreis
of a year, as tiles and as a table with the same figures. Ministries and readers see it; a
Jobcenter user is sent to its own Landkreis' page, as from the overview."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from agreements import tile_map, year_end
from agreements.dashboards import basis
from agreements.dashboards.overview import build_overview
from agreements.models import Agreement
from zielsteuerung import access, formats


class MapForm(forms.Form):
    year = forms.ChoiceField(label="Jahr")
    goal = forms.ChoiceField(label="Ziel (Kennzahl)", required=False)
    month = forms.ChoiceField(label="Berichtsmonat", required=False)

    def __init__(self, *, years, columns, **kwargs):
        super().__init__(**kwargs)
        self.fields["year"].choices = [(str(year), str(year)) for year in years]
        self.fields["goal"].choices = [(c.key, f"{c.label} – {c.name}") for c in columns]
        months = [(str(n), name) for n, name in enumerate(formats.MONTH_NAMES, 1)]
        self.fields["month"].choices = [("", "neuester mit Daten"), *months]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def tile_map_page(request):
    user = request.user
    if not access.sees_all(user):
        own = access.traeger_of(user)
        if own is None:
            raise PermissionDenied("Diese Seite steht den Ministerien und Lesern offen.")
        return redirect(reverse("dashboards:traeger", args=[own.key]))
    visible = Agreement.objects.visible_to(user)
    years = sorted(set(visible.order_by().values_list("year", flat=True)), reverse=True)
    context = {"nav": "overview", "years": years}
    if not years:
        return render(request, "dashboards/map.html", context)
    year = _int(request.GET.get("year"))
    if year not in years:
        year = basis.default_year(visible)
    month = _int(request.GET.get("month"))
    if month not in range(1, 13):
        month = None
    agreements = visible.for_year(year).select_related("traeger")
    overview = build_overview(agreements, year, month=month)
    year_end.mark_final(overview)
    keys = [column.key for column in overview.columns]
    goal = request.GET.get("goal")
    if goal not in keys:
        goal = keys[0] if keys else None
    form = MapForm(
        years=years,
        columns=overview.columns,
        initial={"year": year, "goal": goal or "", "month": month or ""},
    )
    context.update(
        {
            "year": year,
            "form": form,
            "overview": overview,
            "map": tile_map.build(overview, goal) if goal else None,
        }
    )
    return render(request, "dashboards/map.html", context)
