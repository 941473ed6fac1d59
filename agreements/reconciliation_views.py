"""The reconciliation pages: the flagged differences of a month for the ministries, and the
downloads of the reconciliation rows beside the Landkreis page and the comparison."""

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agreements import exports, reconciliation
from agreements.selectors import (
    as_selects,
    checked,
    month_field,
    offer_years,
    year_field,
)
from indicators.models import DataDelivery, Values
from zielsteuerung import access

FOR_MINISTRIES_AND_READERS = "Diese Seite steht den Ministerien und Lesern offen."
TABLE = "abgleich"  # ?tabelle=abgleich: a page's download is the reconciliation table


def download(request, rows, title, filename, *, own_page=False):
    """The reconciliation rows as CSV/XLSX when the request asks for them (on another page
    with `?tabelle=abgleich`), else None."""
    if not own_page and request.GET.get("tabelle") != TABLE:
        return None
    return exports.download(reconciliation.table(rows, title), filename, request.GET.get("format"))


class MonthForm(forms.Form):
    """The month selector; like `BasisForm` it reads the query string with its own fields,
    and a year or month it does not offer falls back to the latest month with data."""

    year = year_field()
    month = month_field(newest=False)

    def __init__(self, query, *, years, last):
        """`last`: the latest month with data (a date)."""
        super().__init__()
        offer_years(self, years)
        self.year = checked(self.fields["year"], query.get("year")) or last.year
        self.month = checked(self.fields["month"], query.get("month")) or (
            last.month if self.year == last.year else 12
        )
        self.initial = {"year": self.year, "month": self.month}
        as_selects(self)


@login_required
@require_GET
def flagged(request):
    """All differences above the threshold in one month, for the ministries and readers."""
    user = request.user
    if not access.sees_all(user):
        raise PermissionDenied(FOR_MINISTRIES_AND_READERS)
    deliveries = DataDelivery.objects.visible_to(user)
    span = Values.objects.visible_to(user).published().of_deliveries(deliveries).span()
    context = {"nav": "overview"}
    if span["last"] is None:
        empty = download(request, [], "Abgleich", "abgleich", own_page=True)
        return empty or render(request, "dashboards/reconciliation.html", context)
    years = list(range(span["last"].year, span["first"].year - 1, -1))
    form = MonthForm(request.GET, years=years, last=span["last"])
    year, month = form.year, form.month
    rows = reconciliation.build(year, month, deliveries=deliveries, published_deliveries=deliveries)
    at = date(year, month, 1)
    response = download(
        request, rows, f"Abgleich {at:%m/%Y}", f"abgleich-{at:%Y-%m}", own_page=True
    )
    if response:
        return response
    compared = [row for row in rows if row.deviation is not None]
    context.update(
        {
            "form": form,
            "month": at,
            "flagged_rows": reconciliation.flagged(rows),
            "compared_count": len(compared),
            "threshold": reconciliation.threshold_text(),
            "query": f"year={year}&month={month}",
        }
    )
    return render(request, "dashboards/reconciliation.html", context)
