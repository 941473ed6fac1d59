from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agreements.models import Agreement
from zielsteuerung import access


@login_required
@require_GET
def home(request):
    """The start page shows what concerns the user: their Landkreis, or all Landkreise."""
    agreements = (
        Agreement.objects.visible_to(request.user)
        .select_related("traeger")
        .order_by("-year", "traeger__name")
    )
    years = sorted({a.year for a in agreements}, reverse=True)
    current_year = years[0] if years else None
    return render(
        request,
        "home.html",
        {
            "agreements": [a for a in agreements if a.year == current_year],
            "older_agreements": [a for a in agreements if a.year != current_year],
            "current_year": current_year,
            "traeger": access.traeger_of(request.user),
        },
    )
