"""Item 10 of issue 15: what a user reads is German and for users — no blank choice in
English, no developer wording, one name for the dashboard, partly known dates with a hint."""

import re

import pytest
from django.forms import ModelChoiceField
from django.urls import reverse

from agreements.models import Signature
from dialogs.models import Measure
from tests.dialogs_world import make_agreement, make_delivery, make_dialog
from zielsteuerung.models import Organisation

pytestmark = pytest.mark.django_db


def test_blank_choice_of_every_select_is_german():
    assert ModelChoiceField(queryset=Organisation.objects.all()).empty_label == "– bitte wählen –"
    field = Measure._meta.get_field("responsible_organisation").formfield()
    assert field.empty_label == "– bitte wählen –"


def test_form_pages_offer_no_english_blank_choice(as_user, ministry_user, heidekreis):
    dialog = make_dialog(make_agreement(heidekreis), ministry_user)
    client = as_user(ministry_user)
    for url in [
        reverse("agreements:list"),
        reverse("agreements:create"),
        reverse("dialogs:create", args=[dialog.agreement.pk]),
        reverse("dialogs:edit", args=[dialog.pk]),
        reverse("indicators:upload"),
    ]:
        page = client.get(url).text
        assert "Select an option" not in page, url
        assert "---------" not in page, url


@pytest.mark.parametrize(
    "day, month, year, text",
    [
        (28, 11, 2020, "28.11.2020"),
        (27, None, 2020, "27. … 2020"),
        (None, 11, 2020, "… 11. 2020"),
        (27, 11, None, "27. 11. …"),
        (None, None, 2020, "… … 2020"),
        (None, None, None, ""),
    ],
)
def test_partly_known_signature_date_shows_what_is_missing(day, month, year, text):
    assert Signature(day=day, month=month, year=year).date_text == text
    assert Signature(place="Hannover", day=27, year=2020).place_and_date == (
        "Hannover, den 27. … 2020"
    )


def _nav_links(page):
    nav = page[
        page.index('id="hauptnavigation"') : page.index("</ul>", page.index("hauptnavigation"))
    ]
    return re.findall(r'<a class="nav-link[^"]*" href="([^"]+)"[^>]*>([^<]+)</a>', nav)


def test_dashboard_has_one_name_in_the_navigation_for_every_role(
    as_user, ministry_user, reader, heidekreis_user, heidekreis
):
    names = {}
    for user in (ministry_user, reader, heidekreis_user):
        links = _nav_links(as_user(user).get(reverse("home")).text)
        dashboard = [name for href, name in links if href.startswith("/uebersicht/")]
        names[user.username] = dashboard
    assert set(map(tuple, names.values())) == {("Zielerreichung",)}, names


def test_delivery_page_keeps_developer_details_out_of_sight(as_user, reader, heidekreis):
    delivery = make_delivery(heidekreis, {"ELB": {(2020, 1): 6000}})
    page = as_user(reader).get(reverse("indicators:delivery_detail", args=[delivery.pk])).text
    assert "Befehl" not in page
    details = page[page.index("<details") : page.index("</details>")]
    assert delivery.sha256 in details and "Technische Angaben" in details
    assert page.count(delivery.sha256) == 1


def test_cut_titles_end_with_an_ellipsis(ministry_user, heidekreis):
    from datetime import date

    from dialogs import services

    text = "Auswertung der Integrationen nach Integrationsstufen " * 3
    agreement = make_agreement(heidekreis)
    dialog = make_dialog(agreement, ministry_user)
    measure = Measure.objects.create(
        dialog=dialog, agreement=agreement, text=text, due_date=date(2020, 5, 31)
    )
    assert str(measure).endswith("…") and len(str(measure)) == 80
    rows = services.status_board(agreement.__class__.objects.all(), date(2020, 10, 1))
    due = [e.text for e in services.due_before_spring_review(rows, date(2020, 10, 1)) if e.measure]
    assert due == [f"Maßnahme „{str(measure)}“ war fällig am 31.05.2020"]


def _headings(page):
    """The headings of levels 1 and 2 and the legends (the subheadings under each TOP,
    „Erörterung“, repeat by design)."""
    return [
        re.sub(r"<[^>]+>|\s+", " ", text).strip()
        for text in re.findall(r"<(?:h[12]|legend)\b[^>]*>(.*?)</(?:h[12]|legend)>", page, re.S)
    ]


def test_no_page_repeats_a_heading(as_user, ministry_user, heidekreis_user, heidekreis):
    from dialogs import services

    agreement = make_agreement(heidekreis)
    delivery = make_delivery(heidekreis, {"ELB": {(2020, 1): 6000}})
    dialog = make_dialog(agreement, ministry_user, delivery=delivery)
    Measure.objects.create(dialog=dialog, agreement=agreement, text="Konzept vorlegen")
    pages = {
        ministry_user: [
            reverse("dialogs:list") + "?jahr=2020",
            reverse("dialogs:detail", args=[dialog.pk]),
            reverse("dialogs:edit", args=[dialog.pk]),
            reverse("dialogs:measures", args=[agreement.pk]),
            reverse("dialogs:history", args=[dialog.pk]),
            reverse("agreements:detail", args=[agreement.pk]),
            reverse("home"),
        ],
    }
    repeated = {}
    for user, urls in pages.items():
        client = as_user(user)
        for url in urls:
            headings = _headings(client.get(url).text)
            twice = sorted({h for h in headings if headings.count(h) > 1})
            if twice:
                repeated[url] = twice
    services.send_to_review(dialog, ministry_user, dialog.version)
    url = reverse("dialogs:comment", args=[dialog.pk])
    headings = _headings(as_user(heidekreis_user).get(url).text)
    twice = sorted({h for h in headings if headings.count(h) > 1 and not h.startswith("TOP")})
    assert not repeated and not twice, (repeated, twice)
