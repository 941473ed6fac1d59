"""Publication (issue 20): the ministry publishes a year's signed agreements' targets and,
after the spring review, the year-end results on a public page without login; the act is
recorded and can be withdrawn, and nothing unpublished or internal reaches the page."""

import pytest
from django.urls import reverse

from agreements.models import Agreement, AgreementStatus
from publication.models import Publication, PublicationKind
from tests import test_year_end
from tests.dialogs_world import make_agreement

pytestmark = pytest.mark.django_db

MANAGE = "publication:manage"
COVID = test_year_end.COVID
# The spring review of Heidekreis 2020 (K2 assessed „erreicht unter Berücksichtigung …“).
spring, approved = test_year_end.spring, test_year_end.approved


@pytest.fixture
def agreement(heidekreis):
    return make_agreement(heidekreis)  # signed


@pytest.fixture
def draft(verden):
    agreement = make_agreement(verden)
    agreement.status = AgreementStatus.DRAFT
    agreement.save()
    return agreement


def post(client, user, **data):
    client.force_login(user)
    return client.post(reverse(MANAGE), data)


def public(client, year=2020):
    client.logout()
    return client.get(reverse("publication:year", args=[year]))


def test_nothing_is_public_before_the_ministry_publishes(client, agreement):
    assert public(client).status_code == 404
    index = client.get(reverse("publication:index"))
    assert index.status_code == 200
    assert "Es ist noch nichts veröffentlicht." in index.text


def test_publishing_targets_shows_only_signed_agreements_to_anyone(
    client, ministry_user, agreement, draft
):
    agreement.principles = "Interner Grundsatz, nicht für die Öffentlichkeit"
    agreement.save()
    response = post(client, ministry_user, year=2020, kind="ziele", action="veroeffentlichen")
    assert response.status_code == 302
    act = Publication.objects.get()
    assert act.published_by == ministry_user
    assert act.published_by_name == "Maria Meyer"
    page = public(client)
    assert page.status_code == 200
    text = page.text
    assert "Landkreis Heidekreis" in text
    assert "+3,1\u00a0%" in text and "−1,5\u00a0%" in text
    assert "Verden" not in text  # a draft is never published
    assert "Interner Grundsatz" not in text  # the agreement's texts are not published
    assert 'id="ergebnisse"' not in text  # no results published yet
    index = client.get(reverse("publication:index")).text
    assert reverse("publication:year", args=[2020]) in index


def test_the_public_page_keeps_what_was_published(client, ministry_user, agreement):
    post(client, ministry_user, year=2020, kind="ziele", action="veroeffentlichen")
    goal = agreement.goals.get(number=2)
    goal.target_value = "9.9"
    goal.save()
    assert "+3,1\u00a0%" in public(client).text
    assert "+9,9\u00a0%" not in public(client).text
    post(client, ministry_user, year=2020, kind="ziele", action="veroeffentlichen")
    assert "+9,9\u00a0%" in public(client).text
    assert Publication.objects.count() == 2  # both acts stay recorded


def test_withdrawing_takes_the_page_down_and_is_recorded(client, ministry_user, agreement):
    post(client, ministry_user, year=2020, kind="ziele", action="veroeffentlichen")
    response = post(client, ministry_user, year=2020, kind="ziele", action="zurueckziehen")
    assert response.status_code == 302
    assert public(client).status_code == 404
    act = Publication.objects.get()
    assert act.withdrawn_at is not None and act.withdrawn_by == ministry_user
    client.force_login(ministry_user)
    history = client.get(reverse(MANAGE)).text
    assert "zurückgezogen am" in history and "Maria Meyer" in history


def test_results_wait_for_the_approved_spring_review(client, ministry_user, agreement, spring):
    response = post(client, ministry_user, year=2020, kind="ergebnisse", action="veroeffentlichen")
    assert response.status_code == 400
    assert "noch keine Frühjahrsbilanz" in response.text
    assert not Publication.objects.exists()


def test_results_show_final_assessments_without_reasons(
    client, ministry_user, agreement, approved, verden
):
    make_agreement(verden)  # signed, no spring review: named as open
    response = post(client, ministry_user, year=2020, kind="ergebnisse", action="veroeffentlichen")
    assert response.status_code == 302
    text = public(client).text
    assert 'id="ergebnisse"' in text
    assert "erreicht unter Berücksichtigung von § 4 Abs. 4 und 5" in text
    assert "Frühjahrsbilanz vom 17.03.2021" in text
    assert COVID not in text  # the reason belongs to the minutes
    assert "Noch nicht abschließend bewertet: Landkreis Verden." in text
    assert 'id="ziele"' not in text  # the targets are a publication of their own


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"year": "2019", "kind": "ziele", "action": "veroeffentlichen"},
            "Bitte wählen Sie ein Jahr",
        ),
        (
            {"year": "abc", "kind": "ziele", "action": "veroeffentlichen"},
            "Bitte wählen Sie ein Jahr",
        ),
        (
            {"year": "2020", "kind": "alles", "action": "veroeffentlichen"},
            "Ziele oder Jahresergebnisse",
        ),
        ({"year": "2020", "kind": "ziele", "action": "loeschen"}, "Unbekannte Aktion"),
        ({"year": "2020", "kind": "ziele", "action": "zurueckziehen"}, "nichts veröffentlicht"),
    ],
)
def test_bad_input_is_refused_in_german_and_nothing_is_written(
    client, ministry_user, agreement, data, message
):
    response = post(client, ministry_user, **data)
    assert response.status_code == 400
    assert message in response.text
    assert not Publication.objects.exists()


def test_a_year_without_signed_agreements_has_nothing_to_publish(client, ministry_user, draft):
    response = post(client, ministry_user, year=2020, kind="ziele", action="veroeffentlichen")
    assert response.status_code == 400
    assert "keine unterzeichnete Zielvereinbarung" in response.text
    assert not Publication.objects.exists()


def test_only_the_ministry_publishes(client, reader, heidekreis_user, agreement):
    for user in (reader, heidekreis_user):
        assert (
            post(client, user, year=2020, kind="ziele", action="veroeffentlichen").status_code
            == 403
        )
        assert client.get(reverse(MANAGE)).status_code == 403
    assert not Publication.objects.exists()


def test_the_public_page_needs_no_session_and_sets_none(client, ministry_user, agreement):
    post(client, ministry_user, year=2020, kind="ziele", action="veroeffentlichen")
    client.logout()
    client.cookies.clear()
    response = client.get(reverse("publication:year", args=[2020]))
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert "Abmelden" not in response.text


def test_a_withdrawn_kind_leaves_the_other_public(client, ministry_user, agreement, approved):
    post(client, ministry_user, year=2020, kind="ziele", action="veroeffentlichen")
    post(client, ministry_user, year=2020, kind="ergebnisse", action="veroeffentlichen")
    post(client, ministry_user, year=2020, kind="ziele", action="zurueckziehen")
    text = public(client).text
    assert 'id="ergebnisse"' in text and 'id="ziele"' not in text
    assert Publication.objects.newest(2020, PublicationKind.RESULTS) is not None
    assert Agreement.objects.count() == 1
