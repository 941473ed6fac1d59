"""Error pages in German and in the product's layout (issue 14 point 7, issue 15 item 10):
400 for a NUL in the address, 403, 404, 500 without database or context processors, and the
CSRF failure page."""

import pytest
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/uebersicht/landkreis/03358%00/", "/vereinbarungen/%00/", "/uebersicht/?jahr=2020%00"]
)
def test_a_nul_in_the_address_is_a_german_400(as_user, ministry_user, url):
    response = as_user(ministry_user).get(url)
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.text
    assert "Nullzeichen" in response.text


def test_a_nul_in_the_address_is_400_for_anonymous_users_too(client):
    assert client.get("/uebersicht/landkreis/03358%00/").status_code == 400


def test_403_is_german_in_the_layout(as_user, reader):
    response = as_user(reader).get(reverse("agreements:create"))
    assert response.status_code == 403
    assert "Keine Berechtigung" in response.text
    assert "Hauptnavigation" in response.text  # the product's layout, with its navigation


@override_settings(DEBUG=True)
def test_403_is_the_german_page_with_debug_on(as_user, reader):
    response = as_user(reader).get(reverse("agreements:create"))
    assert response.status_code == 403
    assert "Keine Berechtigung" in response.text


def test_404_is_german_in_the_layout(as_user, heidekreis_user, verden):
    response = as_user(heidekreis_user).get(reverse("dashboards:traeger", args=[verden.key]))
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.text
    assert "Zur Startseite" in response.text


def test_500_renders_without_request_context_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        page = render_to_string("500.html")
    assert "Interner Fehler" in page
    assert "css/app.css" in page


def test_500_is_served_in_german(ministry_user):
    client = Client(raise_request_exception=False)
    client.force_login(ministry_user)
    with override_settings(ROOT_URLCONF="tests.broken_urls"):
        response = client.get("/kaputt/")
    assert response.status_code == 500
    assert "Interner Fehler" in response.text


def test_a_form_without_csrf_token_gets_the_german_csrf_page(ministry_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ministry_user)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "Das Formular wurde nicht angenommen" in response.text
    assert "laden Sie die Seite neu" in response.text


def test_a_nul_in_a_text_field_is_a_german_form_error(client, ministry_user):
    from django.contrib.auth.forms import AuthenticationForm

    form = AuthenticationForm(data={"username": "minis\x00terium", "password": "x"})
    assert form.errors["username"] == ["Nullzeichen sind nicht erlaubt."]
    response = client.post(reverse("login"), {"username": "minis\x00terium", "password": "x"})
    assert response.status_code == 200
    assert "Benutzername oder Passwort ist falsch." in response.text


def test_a_nul_in_a_filter_field_is_a_german_400(as_user, ministry_user):
    response = as_user(ministry_user).get(reverse("agreements:list"), {"traeger": "03358\x00"})
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.text
