"""The years of one Landkreis side by side, as a page and as CSV/XLSX download
(`?format=csv|xlsx`). Access as on the Landkreis page: ministries and readers see every
Landkreis, a Jobcenter its own (another Landkreis answers 404)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from agreements import exports, years
from agreements.models import Agreement
from zielsteuerung import access
from zielsteuerung.models import Organisation


def _get_traeger_for_user(request, key):
    return get_object_or_404(Organisation.objects.visible_to(request.user).traeger(), key=key)


@login_required
@require_GET
def years_page(request, key):
    unit = _get_traeger_for_user(request, key)
    result = years.build(unit, Agreement.objects.visible_to(request.user).select_related("traeger"))
    response = exports.download(
        years.years_table(result), f"jahre-{unit.key}", request.GET.get("format")
    )
    if response:
        return response
    return render(
        request,
        "dashboards/years.html",
        {
            "nav": "overview",
            "unit": unit,
            "years": result,
            "sees_all": access.sees_all(request.user),
        },
    )
