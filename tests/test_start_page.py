"""The start page shows what concerns the user: every Landkreis for the ministries and
readers, the own Landkreis for a Jobcenter."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements import services
from agreements.demo import seed_demo_agreements
from agreements.models import Agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreements_2020():
    return seed_demo_agreements()


def landkreis_rows(response):
    body = response.text.split("<tbody>")[1].split("</tbody>")[0]
    return body.count("<tr>")


def test_ministry_sees_all_16_landkreise_after_one_agreement_was_copied_ahead(
    as_user, ministry_user, agreements_2020
):
    heidekreis = Agreement.objects.get(year=2020, traeger__key="03358")
    services.copy_to_next_year(heidekreis, ministry_user)

    page = as_user(ministry_user).get(reverse("home"))

    assert "Vereinbarungsjahr 2020" in page.text
    assert landkreis_rows(page) == 16
    assert "noch keine" not in page.text
    assert '<a class="page-link" href="?jahr=2021">2021</a>' in page.text


def test_the_next_year_lists_who_still_lacks_an_agreement_and_offers_the_copy(
    as_user, ministry_user, agreements_2020
):
    heidekreis = Agreement.objects.get(year=2020, traeger__key="03358")
    services.copy_to_next_year(heidekreis, ministry_user)

    page = as_user(ministry_user).get(reverse("home"), {"jahr": "2021"})

    assert landkreis_rows(page) == 16
    assert "15 von 16 Landkreisen haben für 2021 noch keine Zielvereinbarung." in page.text
    copies = re.findall(r'action="/vereinbarungen/(\d+)/kopieren/"', page.text)
    assert len(copies) == 15
    assert str(heidekreis.pk) not in copies


def test_a_reader_sees_every_landkreis_but_is_offered_no_change(as_user, reader, agreements_2020):
    page = as_user(reader).get(reverse("home"))
    assert landkreis_rows(page) == 16
    assert "kopieren" not in page.text and "Neue Zielvereinbarung" not in page.text


def test_a_jobcenter_sees_only_its_own_landkreis(as_user, heidekreis_user, agreements_2020):
    page = as_user(heidekreis_user).get(reverse("home"))
    assert "Heidekreis" in page.text
    assert "Verden" not in page.text
    assert landkreis_rows(page) == 1


def test_an_unknown_year_falls_back_to_the_default(as_user, ministry_user, agreements_2020):
    page = as_user(ministry_user).get(reverse("home"), {"jahr": "1999"})
    assert "Vereinbarungsjahr 2020" in page.text


def test_a_new_installation_shows_the_calendar_year_for_every_landkreis(as_user, ministry_user):
    page = as_user(ministry_user).get(reverse("home"))
    year = timezone.localdate().year
    assert f"Vereinbarungsjahr {year}" in page.text
    assert landkreis_rows(page) == 16
    assert f"16 von 16 Landkreisen haben für {year} noch keine Zielvereinbarung." in page.text
    assert "None" not in page.text


def test_a_jobcenter_finds_a_newer_draft_under_other_years(
    as_user, ministry_user, heidekreis_user, agreements_2020
):
    heidekreis = Agreement.objects.get(year=2020, traeger__key="03358")
    draft = services.copy_to_next_year(heidekreis, ministry_user)
    page = as_user(heidekreis_user).get(reverse("home"))
    assert "Frühere Jahre" not in page.text
    others = page.text.split("Andere Jahre")[1]
    assert f'href="{reverse("agreements:detail", args=[draft.pk])}"' in others
