"""Full-text search (/suche/): stemming, hits with context and link, filters, and the scope of
every role — nobody finds what the pages would refuse them."""

from datetime import date

import pytest
from django.urls import reverse

from agreements.models import Explanation, Goal
from dialogs import search
from dialogs.models import AgendaItem, Measure
from tests.dialogs_world import approve_by_both, make_agreement, make_dialog

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(heidekreis, verden, ministry_user, heidekreis_user):
    agreement = make_agreement(heidekreis)
    Goal.objects.filter(agreement=agreement, number=4).update(
        description="Die Integration von Alleinerziehenden wird durch Teilzeitausbildung gefördert."
    )
    approved = make_dialog(agreement, ministry_user)
    AgendaItem.objects.filter(dialog=approved, goal__number=2).update(
        discussion="Die Alleinerziehende Mutter als Beispiel: <b>Kinderbetreuung</b> fehlt."
    )
    approve_by_both(approved, ministry_user, heidekreis_user)
    draft = make_dialog(agreement, ministry_user, when=date(2020, 9, 1))
    AgendaItem.objects.filter(dialog=draft, goal__number=3).update(
        discussion="Entwurf: Alleinerziehende im Langzeitbezug, noch nicht abgestimmt."
    )
    Measure.objects.create(
        dialog=draft, agreement=agreement, text="Sprechstunde für Alleinerziehende einrichten"
    )
    Explanation.objects.create(
        goal=agreement.goals.get(number=2),
        month=date(2020, 2, 1),
        causes=["konjunktur"],
        text="Weniger Integrationen Alleinerziehender wegen fehlender Kita-Plätze.",
    )
    other = make_agreement(verden)
    Goal.objects.filter(agreement=other, number=4).update(
        description="Verden: Alleinerziehenden-Netzwerk ausbauen."
    )
    return {"agreement": agreement, "approved": approved, "draft": draft, "verden": other}


def kinds(hits):
    return sorted(hit.kind for hit in hits)


def test_stemming_finds_the_inflected_word(world, ministry_user):
    hits = search.search(ministry_user, "Alleinerziehende").hits
    goal_hits = [hit for hit in hits if hit.kind == search.Kind.GOAL]
    assert {hit.traeger for hit in goal_hits} == {"Landkreis Heidekreis", "Landkreis Verden"}
    heidekreis_goal = next(hit for hit in goal_hits if hit.traeger == "Landkreis Heidekreis")
    assert "<mark>Alleinerziehenden</mark>" in heidekreis_goal.context
    assert heidekreis_goal.url.endswith("#ziel-4")


def test_ministry_finds_every_kind_of_text(world, ministry_user):
    hits = search.search(ministry_user, "Alleinerziehende", traeger_key="03358").hits
    assert set(kinds(hits)) == {
        search.Kind.GOAL,
        search.Kind.MINUTES,
        search.Kind.MEASURE,
        search.Kind.EXPLANATION,
    }
    assert len([hit for hit in hits if hit.kind == search.Kind.MINUTES]) == 2  # draft too


def test_reader_finds_only_approved_minutes(world, reader):
    hits = search.search(reader, "Alleinerziehende", traeger_key="03358").hits
    minutes = [hit for hit in hits if hit.kind == search.Kind.MINUTES]
    assert [hit.url for hit in minutes] == [reverse("dialogs:detail", args=[world["approved"].pk])]
    assert search.Kind.MEASURE not in kinds(hits)  # agreed in the draft
    assert "noch nicht abgestimmt" not in " ".join(hit.context for hit in hits)


def test_jobcenter_finds_its_own_texts_and_nothing_of_another_landkreis(
    world, heidekreis_user, verden_user
):
    own = search.search(heidekreis_user, "Alleinerziehende").hits
    assert own and {hit.traeger for hit in own} == {"Landkreis Heidekreis"}
    other = search.search(verden_user, "Alleinerziehende").hits
    assert [hit.traeger for hit in other] == ["Landkreis Verden"]
    assert search.search(verden_user, "Kinderbetreuung").hits == []


def test_every_hit_links_to_a_page_its_reader_may_open(
    world, client, ministry_user, reader, heidekreis_user, verden_user
):
    for user in (ministry_user, reader, heidekreis_user, verden_user):
        client.force_login(user)
        for hit in search.search(user, "Alleinerziehende").hits:
            assert client.get(hit.url.split("#")[0]).status_code == 200, (user, hit.url)


def test_filters_by_year_landkreis_and_kind(world, ministry_user, heidekreis):
    assert search.search(ministry_user, "Alleinerziehende", year=2021).hits == []
    hits = search.search(ministry_user, "Alleinerziehende", year=2020, kind=search.Kind.GOAL)
    assert len(hits.hits) == 2
    hits = search.search(ministry_user, "Alleinerziehende", traeger_key="03361")
    assert {hit.traeger for hit in hits.hits} == {"Landkreis Verden"}


def test_snippet_escapes_the_text_and_marks_the_words(world, ministry_user):
    hits = search.search(ministry_user, "Kinderbetreuung").hits
    assert len(hits) == 1
    # The fallback escapes the tag; PostgreSQL's parser drops it from the snippet.
    assert "<b>" not in hits[0].context
    assert "&lt;b&gt;" in hits[0].context or search.uses_postgres()
    assert "<mark>" in hits[0].context


def test_search_page_shows_hits_with_links(world, client, heidekreis_user):
    client.force_login(heidekreis_user)
    response = client.get(reverse("search"), {"q": "Alleinerziehende"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Treffer für „Alleinerziehende“" in html
    assert reverse("dialogs:detail", args=[world["draft"].pk]) in html
    assert "Verden" not in html.split('id="inhalt"')[1].split("<footer")[0]


def test_search_page_without_query_and_without_hits(world, client, reader):
    client.force_login(reader)
    empty = client.get(reverse("search"))
    assert empty.status_code == 200
    assert "Geben Sie einen Suchbegriff ein" in empty.content.decode()
    none = client.get(reverse("search"), {"q": "Quantencomputer"})
    assert "Keine Treffer für „Quantencomputer“" in none.content.decode()


def test_search_page_refuses_another_landkreis_as_filter_with_a_german_message(
    world, client, verden_user
):
    client.force_login(verden_user)
    response = client.get(reverse("search"), {"q": "Alleinerziehende", "landkreis": "03358"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "„03358“ steht für „Landkreis“ nicht zur Wahl" in html
    assert "Treffer" not in html


def test_search_page_needs_login_and_get(client, ministry_user):
    assert client.get(reverse("search"), {"q": "x"}).status_code == 302
    client.force_login(ministry_user)
    assert client.post(reverse("search"), {"q": "x"}).status_code == 405


def test_navigation_has_the_search_box(client, ministry_user):
    client.force_login(ministry_user)
    html = client.get(reverse("home")).content.decode()
    assert 'role="search"' in html and 'for="navigation-suche"' in html


def test_fallback_stem_cuts_german_endings():
    assert search.stem("Alleinerziehenden") == search.stem("Alleinerziehende")
    assert search.stem("Integrationen") == "integration"
    assert search.stem("Ziel") == "ziel"  # too short to cut


@pytest.mark.skipif(
    "search.uses_postgres()", reason="the fallback runs where there is no PostgreSQL"
)
def test_fallback_matches_umlauts_whatever_their_case(world, ministry_user):
    Goal.objects.filter(agreement=world["agreement"], number=5).update(
        description="ÄMTERÜBERGREIFENDE Zusammenarbeit"
    )
    hits = search.search(ministry_user, "ämterübergreifende").hits
    assert [hit.title for hit in hits] == ["Ziel 5: Umsetzung des Gesamtkonzeptes „MitArbeit“"]


@pytest.mark.skipif("not search.uses_postgres()", reason="PostgreSQL's German configuration")
def test_postgres_ranks_the_text_that_names_the_word_more_often_first(world, ministry_user):
    Goal.objects.filter(agreement=world["verden"], number=5).update(
        description="Alleinerziehende, Alleinerziehende und nochmals Alleinerziehende."
    )
    hits = search.search(ministry_user, "Alleinerziehender", kind=search.Kind.GOAL).hits
    assert hits[0].title.startswith("Ziel 5") and hits[0].traeger == "Landkreis Verden"


@pytest.mark.skipif("not search.uses_postgres()", reason="PostgreSQL's German configuration")
def test_postgres_stems_with_snowball_and_ignores_stop_words(world, ministry_user):
    hits = search.search(ministry_user, "die Teilzeitausbildungen").hits
    assert [hit.title for hit in hits] == ["Ziel 4: Gleichstellungspolitisches Ziel"]
