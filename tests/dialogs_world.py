"""Agreements and deliveries for the dialog tests, built in each test (no demo data).

The numbers follow the worked example of the domain reference (Landkreis 03358, one
Ladestand): in February 2020 the K2 JFW is 330 / 5 925 = 5,57 % against 310 / 6 050 = 5,12 %
(+8,7 %, target +3,1 %: met), the K3 JFW 3 910 against 3 995 (−2,1 %, target −1,5 %: met).
"""

import hashlib
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from itertools import count

from agreements.models import Agreement, Goal, GoalKind, ImplementationStep, TargetType
from dialogs import services
from dialogs.models import DialogKind
from indicators.models import DataDelivery, DeliverySource, Indicator
from indicators.storage import store_cells

_serial = count(1)

WORKED_EXAMPLE = {
    "ELB": {(2018, 12): 6000, (2019, 1): 6100, (2019, 12): 5900, (2020, 1): 5950},
    "INT": {(2019, 1): 150, (2019, 2): 160, (2020, 1): 160, (2020, 2): 170},
    "LZB": {(2019, 1): 4000, (2019, 2): 3990, (2020, 1): 3900, (2020, 2): 3920},
    "LLU": {
        (2019, 1): 3_400_000,
        (2019, 2): 3_380_000,
        (2020, 1): 3_350_000,
        (2020, 2): 3_390_000,
    },
}


def make_delivery(traeger, figures, *, ladestand=date(2020, 3, 31), waiting_months=0):
    """A delivery with `figures`: {code: {(year, month): value}} for `traeger`."""
    serial = next(_serial)
    delivery = DataDelivery.objects.create(
        ladestand=ladestand,
        waiting_months=waiting_months,
        source=DeliverySource.LAND,
        file_name=f"test-{serial}.csv",
        sha256=hashlib.sha256(f"dialog-test-{serial}".encode()).hexdigest(),
    )
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=figures)}
    store_cells(
        delivery,
        (
            (traeger, indicators[code], date(year, month, 1), "g", Decimal(value))
            for code, series in figures.items()
            for (year, month), value in series.items()
        ),
    )
    return delivery


def worked_example_delivery(traeger, **kwargs):
    return make_delivery(traeger, WORKED_EXAMPLE, **kwargs)


def full_year_figures(int_2020_per_month=170, lzb_2020=3900):
    """Twelve months of 2019 and 2020: in 2019 160 integrations a month on 6 000 ELB and
    4 000 LZB; 2020 as given (170 a month: K2 +6,3 %, met; 3 900 LZB: K3 −2,5 %, met)."""
    figures = {"ELB": {(2018, 12): 6000}, "INT": {}, "LZB": {}, "LLU": {}}
    for month in range(1, 13):
        figures["ELB"][(2019, month)] = 6000
        figures["ELB"][(2020, month)] = 6000
        figures["INT"][(2019, month)] = 160
        figures["INT"][(2020, month)] = int_2020_per_month
        figures["LZB"][(2019, month)] = 4000
        figures["LZB"][(2020, month)] = lzb_2020
        figures["LLU"][(2019, month)] = 3_400_000
        figures["LLU"][(2020, month)] = 3_350_000
    return figures


def make_agreement(traeger, year=2020):
    """The goals of the Heidekreis 2020 agreement: monitoring K1, K2 +3,1 %, K3 −1,5 %, and
    two qualitative goals with one implementation step each."""
    agreement = Agreement.objects.create(year=year, traeger=traeger, status="unterzeichnet")
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=["K1", "K2", "K3"])}
    Goal.objects.create(
        agreement=agreement,
        number=1,
        kind=GoalKind.MONITORING,
        title="Verringerung der Hilfebedürftigkeit",
        indicator=indicators["K1"],
    )
    Goal.objects.create(
        agreement=agreement,
        number=2,
        kind=GoalKind.QUANTITATIVE,
        title="Verbesserung der Integration in Erwerbstätigkeit",
        indicator=indicators["K2"],
        target_type=TargetType.CHANGE,
        target_value=Decimal("3.1"),
    )
    Goal.objects.create(
        agreement=agreement,
        number=3,
        kind=GoalKind.QUANTITATIVE,
        title="Vermeidung von langfristigem Leistungsbezug",
        indicator=indicators["K3"],
        target_type=TargetType.CHANGE,
        target_value=Decimal("-1.5"),
    )
    equality = Goal.objects.create(
        agreement=agreement,
        number=4,
        kind=GoalKind.QUALITATIVE,
        title="Gleichstellungspolitisches Ziel",
    )
    ImplementationStep.objects.create(
        goal=equality, order=1, text="Leitfaden zur sozialraumorientierten Beratung erstellen"
    )
    mitarbeit = Goal.objects.create(
        agreement=agreement,
        number=5,
        kind=GoalKind.QUALITATIVE,
        title="Umsetzung des Gesamtkonzeptes „MitArbeit“",
    )
    ImplementationStep.objects.create(
        goal=mitarbeit, order=1, text="Coaching konzipieren, vergeben und besetzen"
    )
    return agreement


def make_dialog(agreement, user, *, when=date(2020, 4, 20), kind=DialogKind.INTERIM, **basis):
    """A dialog held after the worked example's Ladestand (31.03.2020) on February 2020."""
    basis.setdefault("reporting_month", date(2020, 2, 1))
    return services.create_dialog(agreement, user, kind=kind, date=when, place="Video", **basis)


def approve_by_both(dialog, ministry_user, jobcenter_user):
    services.send_to_review(dialog, ministry_user, dialog.version)
    services.approve(dialog, ministry_user, dialog.version)
    services.approve(dialog, jobcenter_user, dialog.version)
    dialog.refresh_from_db()
    return dialog


def _post_value(value):
    if value is None or value is False:
        return None
    if value is True:
        return "on"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def draft_post_data(dialog, **changes):
    """The draft page's form as a browser would send it unchanged, plus `changes`
    (field names as in the HTML, e.g. `items-0-discussion`)."""
    from dialogs.views import _draft_forms

    forms = _draft_forms(dialog)
    data = {}
    formsets = [forms.participants, forms.items, forms.measures, forms.carried, forms.assessments]
    for form in [forms.header, *(f.management_form for f in formsets)] + [
        form for formset in formsets for form in formset.forms
    ]:
        for bound in form:
            value = _post_value(bound.value())
            if value is not None:
                data[bound.html_name] = value
    data.update(changes)
    return data


class _FormFields(HTMLParser):
    """The values a browser would post from the forms of a page (admin, agreement editor)."""

    def __init__(self):
        super().__init__()
        self.data, self._textarea, self._select, self._chosen = {}, None, None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data[name] = attrs.get("value") or (
                "on" if attrs.get("type") == "checkbox" else ""
            )
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select, self._chosen = name, False
            self.data[name] = None  # a browser posts the first option unless one is selected
        elif (
            tag == "option"
            and self._select
            and not self._chosen
            and ("selected" in attrs or self.data[self._select] is None)
        ):
            self.data[self._select] = attrs.get("value", "")
            self._chosen = "selected" in attrs

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n")


def page_form_data(html):
    parser = _FormFields()
    parser.feed(html)
    return parser.data
