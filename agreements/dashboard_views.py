"""Dashboards: all Landkreise at a glance, one Landkreis in detail, one indicator across all
units, and the revisions of one month between deliveries. Every table downloads as CSV/XLSX
with `?format=csv|xlsx`.

Ministries and readers see everything. A Jobcenter user asking for the overview or the
comparison is sent to its own Landkreis' page; another Landkreis' page answers 404.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from agreements import attainment, exports, minutes, reconciliation, year_end
from agreements.dashboards import landkreis
from agreements.dashboards.basis import (
    comparable_indicators,
    default_year,
    deliveries_for_year,
    delivery_text,
)
from agreements.dashboards.comparison import (
    RANK_CHOICES,
    RANK_LEVEL,
    build_comparison,
    comparison_table,
)
from agreements.dashboards.figures import Cell
from agreements.dashboards.overview import build_overview, overview_table
from agreements.dashboards.revisions import build_revisions, revisions_table
from agreements.forms import ExplanationForm
from agreements.models import Agreement, Explanation, Goal, GoalKind
from agreements.reconciliation_views import FOR_MINISTRIES_AND_READERS
from agreements.reconciliation_views import download as reconciliation_download
from agreements.selectors import (
    MONTH_CHOICES,
    as_selects,
    checked,
    month_field,
    offer_years,
    year_field,
)
from indicators.models import DataDelivery
from zielsteuerung import access, formats
from zielsteuerung.models import Organisation


class BasisForm(forms.Form):
    """The selectors above a dashboard, a GET form that reads the query string with its own
    fields: a year, month or delivery it does not offer falls back to the default (the
    latest year with data, the latest month with data, the newest delivery), and the form
    shows the selection the page uses."""

    year = year_field()
    month = month_field()
    delivery = forms.TypedChoiceField(
        label="Ladestand", coerce=int, required=False, empty_value=None
    )

    def __init__(self, query, *, years, default_year, deliveries_for, newest_label):
        """`default_year()`: the year without a valid one asked for; `deliveries_for(year)`:
        the deliveries the form offers for the year."""
        super().__init__()
        offer_years(self, years)
        year = checked(self.fields["year"], query.get("year")) or default_year()
        deliveries = list(deliveries_for(year)) if year else []
        self.fields["delivery"].choices = [("", newest_label)] + [
            (str(d.pk), delivery_text(d)) for d in deliveries
        ]
        month = checked(self.fields["month"], query.get("month"))
        wanted = checked(self.fields["delivery"], query.get("delivery"))
        delivery = next((d for d in deliveries if d.pk == wanted), None)
        self.initial = {"year": year, "month": month or "", "delivery": wanted or ""}
        self.selection = Selection(
            year=year, month=month, delivery=delivery, form=self, deliveries=deliveries
        )
        as_selects(self)


@dataclass
class Selection:
    year: int | None
    month: int | None
    delivery: DataDelivery | None
    form: BasisForm
    deliveries: list  # those the form offers: visible to the user, with data of the year

    def query(self, **extra):
        """The selection as a query string (`year=2020&month=6`), for links that keep it."""
        params = {"year": self.year}
        if self.month:
            params["month"] = self.month
        if self.delivery:
            params["delivery"] = self.delivery.pk
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return urlencode(params)


def _select(request, years, **basis):
    """The Selection the query string asks for (BasisForm)."""
    return BasisForm(request.GET, years=years, **basis).selection


def _download(request, table, filename):
    return exports.download(table, filename, request.GET.get("format"))


def _traeger_url(key, params=None):
    url = reverse("dashboards:traeger", args=[key])
    query = urlencode({k: v for k, v in (params or {}).items() if k in ("year", "month")})
    return f"{url}?{query}" if query else url


def own_landkreis_or_403(request):
    """A Jobcenter user's way to its own Landkreis page; 403 for users without a role."""
    own = access.traeger_of(request.user)
    if own is None:
        raise PermissionDenied(FOR_MINISTRIES_AND_READERS)
    return redirect(_traeger_url(own.key, request.GET))


def agreement_years(agreements):
    return sorted(set(agreements.order_by().values_list("year", flat=True)), reverse=True)


# ---------------------------------------------------------------------------------------------
# Overview


SORT_FIELDS = ("landkreis", "schluessel", "monat", "abstand")
OFF_TRACK = "abseits"  # ?nur=abseits: only the Landkreise with a goal off the target path


# The rendered overview table is cached under what it depends on (see _overview_key).
OVERVIEW_CACHE_SECONDS = 10 * 60


@login_required
@require_GET
def overview(request):
    user = request.user
    if not access.sees_all(user):
        return own_landkreis_or_403(request)
    visible = Agreement.objects.visible_to(user)
    years = agreement_years(visible)
    context = {"nav": "overview", "years": years}
    if not years:
        return render(request, "dashboards/overview.html", context)
    selection = _select(
        request,
        years,
        default_year=lambda: default_year(visible),
        deliveries_for=lambda year: deliveries_for_year(
            DataDelivery.objects.visible_to(user), year
        ),
        newest_label="je Landkreis der neueste",
    )
    sort = request.GET.get("sort", "landkreis")
    only = OFF_TRACK if request.GET.get("nur") == OFF_TRACK else None
    file_format = request.GET.get("format")
    key = None if file_format else _overview_key(selection, sort, years, only)
    main = cache.get(key) if key else None
    if main is None:
        agreements = visible.for_year(selection.year).select_related("traeger").without_texts()
        overview = build_overview(
            agreements,
            selection.year,
            month=selection.month,
            delivery=selection.delivery,
            sort=sort,
            off_track_only=bool(only),
        )
        has_final = year_end.mark_final(overview)
        response = _download(request, overview_table(overview), f"uebersicht-{selection.year}")
        if response:
            return response
        links = _sort_links(selection, overview, only)
        main = render_to_string(
            "dashboards/_overview_main.html",
            {
                "selection": selection,
                "years": years,
                "overview": overview,
                "sort_links": links,
                "column_links": [
                    (column, links[column.key], links[f"abstand-{column.key}"])
                    for column in overview.columns
                ],
                "traeger_query": selection.query(),
                "has_final": has_final,
                "download_query": selection.query(sort=overview.sort, nur=only),
                "filter_query": selection.query(sort=overview.sort, nur=OFF_TRACK),
                "all_query": selection.query(sort=overview.sort),
                "distance_query": selection.query(sort="abstand", nur=only),
            },
            request=request,
        )
        if key:
            cache.set(key, main, OVERVIEW_CACHE_SECONDS)
    context.update({"selection": selection, "form": selection.form, "overview_main": main})
    return render(request, "dashboards/overview.html", context)


def _overview_key(selection, sort, years, only=None):
    """What the overview table depends on, read in three small queries: the selection, the
    newest delivery and the latest withdrawal (deliveries never change otherwise), and the newest recorded change of any
    agreement or goal (django-simple-history records every save and delete). Names of
    Landkreise and indicators are only changed by administrators; the cache's lifetime
    bounds how long such a change takes to show."""
    newest = DataDelivery.objects.figures_version()
    agreements = Agreement.history.aggregate(at=Max("history_date"), n=Max("history_id"))
    goals = Goal.history.aggregate(at=Max("history_date"), n=Max("history_id"))
    parts = [
        selection.query(sort=sort, nur=only),
        ",".join(map(str, years)),
        newest,
        agreements["at"],
        agreements["n"],
        goals["at"],
        goals["n"],
        year_end.stamp(),
    ]
    return "zs-overview-v1:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _sort_links(selection, overview, only=None):
    """{field: (url query, aria-sort value)}: a click sorts ascending, a second descending."""
    links = {}
    columns = [column.key for column in overview.columns]
    for name in (*SORT_FIELDS, *columns, *(f"abstand-{key}" for key in columns)):
        current = overview.sort.lstrip("-") == name
        descending = overview.sort.startswith("-")
        target = f"-{name}" if current and not descending else name
        state = ("descending" if descending else "ascending") if current else "none"
        links[name] = {"query": selection.query(sort=target, nur=only), "aria": state}
    return links


# ---------------------------------------------------------------------------------------------
# One Landkreis


def _visible_traeger(request, key):
    return get_object_or_404(Organisation.objects.visible_to(request.user).traeger(), key=key)


@login_required
@require_GET
def traeger(request, key):
    unit = _visible_traeger(request, key)
    user = request.user
    visible = Agreement.objects.visible_to(user).filter(traeger=unit)
    years = agreement_years(visible)
    context = {"nav": "overview", "unit": unit, "years": years}
    if not years:
        return render(request, "dashboards/traeger.html", context)
    selection = _select(
        request,
        years,
        default_year=lambda: default_year(visible, units=[unit]),
        deliveries_for=lambda year: deliveries_for_year(
            DataDelivery.objects.visible_to(user), year, unit=unit
        ),
        newest_label="der neueste mit Daten",
    )
    agreement = visible.select_related("traeger").get(year=selection.year)
    shown = landkreis.page(
        agreement,
        month=selection.month,
        delivery=selection.delivery,
        deliveries=selection.deliveries,
    )
    panels = shown["panels"]
    published = reconciliation.for_landkreis(
        unit,
        shown["reporting_month"],
        next((p.cell.attainment.delivery for p in panels), None),
        deliveries=DataDelivery.objects.visible_to(user),
    )
    name = f"landkreis-{unit.key}-{agreement.year}"
    response = reconciliation_download(
        request, published, f"Abgleich {unit.key}", f"{name}-abgleich"
    ) or _download(request, landkreis.landkreis_table(agreement, panels), name)
    if response:
        return response
    dialogs, measures = minutes.given().dialogs_and_measures(user, agreement)
    context.update(shown)
    context.update(
        {
            "selection": selection,
            "form": selection.form,
            "reconciliation_rows": published,
            "reconciliation_query": selection.query(tabelle="abgleich"),
            "reconciliation_threshold": reconciliation.threshold_text(),
            "dialogs": dialogs,
            "measures": measures,
            "query": selection.query(),
            "sees_all": access.sees_all(user),
            "can_explain": access.can(user, access.REPORT, agreement),
        }
    )
    return render(request, "dashboards/traeger.html", context)


# ---------------------------------------------------------------------------------------------
# Explanations of a goal off the target path


def _get_goal_for_user(request, pk):
    """A quantitative goal of an agreement the user sees; 404 otherwise."""
    return get_object_or_404(
        Goal.objects.filter(agreement__in=Agreement.objects.visible_to(request.user))
        .filter(kind=GoalKind.QUANTITATIVE)
        .select_related("agreement__traeger", "indicator"),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def explanation(request, goal, month):
    """The explanation of `goal` in `month` (1–12 of the agreement's year), written by the
    Jobcenter of the Landkreis or a ministry; readers see explanations on the pages only."""
    goal = _get_goal_for_user(request, goal)
    agreement = goal.agreement
    access.require(
        request.user,
        access.REPORT,
        agreement,
        "Erläuterungen schreiben das Jobcenter des Landkreises und die Ministerien.",
    )
    if month not in range(1, 13):
        raise Http404("Diesen Monat gibt es nicht.")
    when = date(agreement.year, month, 1)
    instance = Explanation.objects.visible_to(request.user).filter(goal=goal, month=when).first()
    instance = instance or Explanation(goal=goal, month=when)
    form = ExplanationForm(request.POST if request.method == "POST" else None, instance=instance)
    if form.is_valid():
        explanation = form.save(commit=False)
        explanation.author = request.user
        explanation.author_name = formats.person_name(request.user)
        explanation.save()
        messages.success(
            request,
            f"Die Erläuterung zu Ziel {goal.number} für {formats.month_name(when)} "
            "wurde gespeichert.",
        )
        url = _traeger_url(agreement.traeger.key, {"year": agreement.year})
        return redirect(f"{url}#ziel-{goal.number}")
    figures = next(
        (
            row
            for row in attainment.goal_attainments(agreement, month=month)
            if row.goal.pk == goal.pk
        ),
        None,
    )
    return render(
        request,
        "dashboards/explanation.html",
        {
            "nav": "overview",
            "goal": goal,
            "agreement": agreement,
            "unit": agreement.traeger,
            "month": when,
            "form": form,
            "cell": Cell(figures) if figures else None,
            "is_new": instance.pk is None,
        },
        status=400 if form.is_bound else 200,
    )


# ---------------------------------------------------------------------------------------------
# Indicator comparison


@login_required
@require_GET
def comparison(request):
    user = request.user
    if not access.sees_all(user):
        return own_landkreis_or_403(request)
    visible = Agreement.objects.visible_to(user)
    years = agreement_years(visible)
    context = {"nav": "overview", "indicators": [], "indicator": None}
    if not years:
        return render(request, "dashboards/comparison.html", context)
    deliveries_visible = DataDelivery.objects.visible_to(user)
    selection = _select(
        request,
        years,
        default_year=lambda: default_year(visible),
        deliveries_for=lambda year: deliveries_for_year(deliveries_visible, year),
        newest_label="je Träger der neueste",
    )
    indicators = comparable_indicators(selection.year)
    code = request.GET.get("indicator", "K2")
    indicator = next((i for i in indicators if i.code == code), None) or next(
        (i for i in indicators if i.code == "K2"), indicators[0] if indicators else None
    )
    context.update({"indicators": indicators, "indicator": indicator})
    if indicator is None:
        return render(request, "dashboards/comparison.html", context)
    result = build_comparison(
        indicator,
        selection.year,
        month=selection.month,
        delivery=selection.delivery,
        rank_by=request.GET.get("rang", RANK_LEVEL),
    )
    published = reconciliation.for_comparison(result, deliveries=deliveries_visible)
    name = f"vergleich-{indicator.code}-{selection.year}"
    response = reconciliation_download(
        request, published, f"Abgleich {indicator.code}", f"{name}-abgleich"
    ) or _download(request, comparison_table(result), name)
    if response:
        return response
    context.update(
        {
            "selection": selection,
            "form": selection.form,
            "comparison": result,
            "rank_choices": RANK_CHOICES,
            "download_query": selection.query(indicator=indicator.code, rang=result.rank_by),
            "reconciliation_rows": published,
            "reconciliation_query": selection.query(indicator=indicator.code, tabelle="abgleich"),
        }
    )
    return render(request, "dashboards/comparison.html", context)


# ---------------------------------------------------------------------------------------------
# Revisions


@login_required
@require_GET
def revisions(request, key):
    unit = _visible_traeger(request, key)
    deliveries = DataDelivery.objects.visible_to(request.user)
    span = attainment.base_series(units=[unit]).of_deliveries(deliveries).span()
    context = {"nav": "overview", "unit": unit}
    if span["last"] is None:
        return render(request, "dashboards/revisions.html", context)
    years = list(range(span["last"].year, span["first"].year - 1, -1))
    year_field = forms.TypedChoiceField(choices=[(str(y), str(y)) for y in years], coerce=int)
    year = checked(year_field, request.GET.get("year")) or span["last"].year
    number = checked(BasisForm.base_fields["month"], request.GET.get("month"))
    if number is None:
        number = span["last"].month if year == span["last"].year else 12
    month = date(year, number, 1)
    result = build_revisions(unit, month, deliveries)
    response = _download(request, revisions_table(result), f"revisionen-{unit.key}-{month:%Y-%m}")
    if response:
        return response
    context.update(
        {
            "years": years,
            "year": year,
            "month_number": number,
            "month_choices": MONTH_CHOICES,
            "revisions": result,
            "query": urlencode({"year": year, "month": number}),
        }
    )
    return render(request, "dashboards/revisions.html", context)
