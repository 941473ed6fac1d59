import pytest
from django.urls import reverse

from zielsteuerung import formats
from zielsteuerung.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


def test_the_sixteen_zkt_are_loaded_with_kreisschluessel():
    traeger = Organisation.objects.traeger()
    assert traeger.count() == 16
    assert traeger.get(key="03358").name == "Landkreis Heidekreis"
    assert traeger.get(key="03159").name == "Landkreis Göttingen"
    assert all(len(t.key) == 5 and t.key.startswith("03") for t in traeger)


def test_ministries_carry_the_name_of_the_agreement_year(mw, ms):
    assert mw.kind == OrganisationKind.MINISTRY
    assert mw.name_in(2020) == (
        "Niedersächsisches Ministerium für Wirtschaft, Arbeit, Verkehr und Digitalisierung"
    )
    assert ms.name_in(2020).startswith("Niedersächsisches Ministerium für Soziales")


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_speaks_german(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Anmelden" in response.text and 'lang="de"' in response.text


def test_wrong_password_gets_a_german_message(client, ministry_user):
    response = client.post(reverse("login"), {"username": "ministerium", "password": "falsch"})
    assert response.status_code == 200
    assert "Benutzername oder Passwort ist falsch" in response.text


def test_logout_only_on_post(as_user, ministry_user):
    client = as_user(ministry_user)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    ("value", "places", "sign", "expected"),
    [
        (8793355, 0, False, "8.793.355"),
        ("1234567.891", 1, False, "1.234.567,9"),
        (3.1, 1, True, "+3,1"),
        (-1.5, 1, True, "−1,5"),
        (-0.04, 1, True, "0,0"),
        (None, 1, False, "–"),
    ],
)
def test_german_number_format(value, places, sign, expected):
    assert formats.number(value, places, sign) == expected


def test_german_percent_and_month():
    from datetime import date

    assert formats.percent(3.1, sign=True) == "+3,1\u00a0%"
    assert formats.month_name(date(2020, 6, 1)) == "Juni 2020"
    assert formats.day(date(2020, 7, 31)) == "31.07.2020"
