"""The completeness board: per Landkreis and reporting month whether its data arrived and in
time (the rule is indicators/completeness.py), the reporting rate on time per Landkreis and
for the Land, and the dialogs' cycle of the year (dialogs/services.status_board). It lives in
dialogs because it shows both; the ministry sets the due day on its own page here."""

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from agreements.models import Agreement
from dialogs import services
from indicators import completeness
from indicators.models import DeliveryDeadline
from zielsteuerung import formats, history
from zielsteuerung.access import CHANGE, can, require
from zielsteuerung.models import Organisation

FIRST_YEAR = 2015


def _year(request, today):
    requested = request.GET.get("jahr", "")
    if not requested:
        return today.year
    if not requested.isdigit() or not FIRST_YEAR <= int(requested) <= today.year:
        raise Http404("Für dieses Jahr gibt es keine Übersicht der Lieferungen.")
    return int(requested)


@login_required
@require_GET
def board(request):
    today = timezone.localdate()
    year = _year(request, today)
    traeger = Organisation.objects.traeger().visible_to(request.user).order_by("name")
    rows = completeness.board(traeger, year, today)
    agreements = Agreement.objects.for_year(year).visible_to(request.user).order_by("traeger__name")
    cycle = services.status_board(agreements, today)
    return render(
        request,
        "dialogs/completeness.html",
        {
            "nav": "completeness",
            "year": year,
            "years": list(range(today.year, max(FIRST_YEAR, today.year - 5) - 1, -1)),
            "today": today,
            "rows": rows,
            "months": [
                {"label": formats.month_name(cell.month, short=True).split()[0], "due": cell.due}
                for cell in (rows[0].cells if rows else [])
            ],
            "land_rate": completeness.land_rate(rows),
            "show_land": len(rows) > 1,
            "cycle": cycle,
            "due": services.due_before_spring_review(cycle, today),
            "deadline": _current_rule(today),
            "can_set_deadline": can(request.user, CHANGE, DeliveryDeadline),
        },
    )


def _current_rule(today):
    month = today.replace(day=1)
    return {"month": month, "due": completeness.due_date(month, completeness.rules())}


class DeadlineForm(forms.ModelForm):
    valid_from = forms.CharField(
        label="gilt ab Berichtsmonat",
        help_text="Monat und Jahr, z. B. 01.2027",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = DeliveryDeadline
        fields = ["valid_from", "months_after", "day"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def validate_unique(self):
        """A rule for a month that has one replaces it (the view saves with update_or_create)."""

    def clean_valid_from(self):
        text = self.cleaned_data["valid_from"].strip()
        try:
            month, year = (int(part) for part in text.split("."))
            return datetime.date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(
                f"„{text}“ ist kein Berichtsmonat. Bitte als MM.JJJJ angeben, z. B. 01.2027."
            ) from None


@login_required
@require_http_methods(["GET", "POST"])
def deadline(request):
    """The ministry sets from which reporting month on data are due on which day."""
    require(request.user, CHANGE, DeliveryDeadline)
    if request.method == "POST":
        form = DeadlineForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with transaction.atomic():
                DeliveryDeadline.objects.update_or_create(
                    valid_from=data["valid_from"],
                    defaults={"months_after": data["months_after"], "day": data["day"]},
                )
            messages.success(
                request,
                f"Der Liefertermin ab {data['valid_from']:%m.%Y} ist gespeichert: "
                f"der {data['day']}. Tag, {data['months_after']} "
                f"Monat{'' if data['months_after'] == 1 else 'e'} nach dem Berichtsmonat.",
            )
            return redirect("dialogs:deadline")
        status = 400
    else:
        form = DeadlineForm(initial={"valid_from": f"{timezone.localdate():%m.%Y}"})
        status = 200
    entries = history.collect(
        [(DeliveryDeadline, DeliveryDeadline.history.all())],
        label=lambda model, record: f"ab {record.valid_from:%m.%Y}",
    )
    return render(
        request,
        "dialogs/deadline.html",
        {
            "nav": "completeness",
            "form": form,
            "rules": DeliveryDeadline.objects.all(),
            "default": (completeness.DEFAULT_DAY, completeness.DEFAULT_MONTHS_AFTER),
            "entries": entries,
        },
        status=status,
    )
