from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from agreements.models import Agreement


def _get_agreement_for_user(request, pk):
    return get_object_or_404(Agreement.objects.visible_to(request.user), pk=pk)


@login_required
@require_GET
def agreement_list(request):
    agreements = Agreement.objects.visible_to(request.user).select_related("traeger")
    return render(request, "agreements/list.html", {"agreements": agreements, "nav": "agreements"})


@login_required
@require_GET
def agreement_detail(request, pk):
    agreement = _get_agreement_for_user(request, pk)
    return render(request, "agreements/detail.html", {"agreement": agreement, "nav": "agreements"})
