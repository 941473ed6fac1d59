"""Accounts and sessions: a session ends after a working day without a request, weak passwords
are refused in German, and logging out takes a POST."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def session_row(client):
    return Session.objects.get(session_key=client.session.session_key)


def is_logged_in(client):
    response = client.get(reverse("home"))
    return response.status_code == 200


# --- sessions end after inactivity -------------------------------------------------------------


def test_session_lifetime_counts_from_the_last_request():
    assert django_settings.SESSION_SAVE_EVERY_REQUEST
    assert django_settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_each_request_moves_the_end_of_the_session(client, ministry_user):
    client.force_login(ministry_user)
    # The last request was almost a working day ago: one minute of the session is left.
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=1)
    )
    assert is_logged_in(client)
    left = session_row(client).expire_date - timezone.now()
    assert left > timedelta(seconds=django_settings.SESSION_COOKIE_AGE - 60)


def test_session_inactive_longer_than_the_limit_is_logged_out(client, ministry_user):
    client.force_login(ministry_user)
    assert is_logged_in(client)
    key = client.session.session_key
    # The last request lies SESSION_COOKIE_AGE and one minute back.
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert SESSION_KEY not in client.session


def test_configured_session_age_is_honoured(client, ministry_user, settings):
    settings.SESSION_COOKIE_AGE = 15 * 60
    client.force_login(ministry_user)
    assert is_logged_in(client)
    left = session_row(client).expire_date - timezone.now()
    assert timedelta(minutes=14) < left <= timedelta(minutes=15)


# --- passwords ---------------------------------------------------------------------------------

SHORT = "Dieses Passwort ist zu kurz. Es muss mindestens 12 Zeichen enthalten."


@pytest.mark.parametrize(
    ("password", "messages"),
    [
        ("kurz", [SHORT]),
        ("Heide-kreis", [SHORT]),  # 11 characters: one too few for a new password
        (
            "12345678",
            [SHORT, "Dieses Passwort ist zu üblich.", "Dieses Passwort ist komplett numerisch."],
        ),
        ("passwort", [SHORT, "Dieses Passwort ist zu üblich."]),
        ("123456789012", ["Dieses Passwort ist komplett numerisch."]),
    ],
)
def test_weak_password_is_refused_with_a_german_message(password, messages):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert [message.strip() for message in refused.value.messages] == messages


def test_password_like_the_user_name_is_refused(ministry_user):
    with pytest.raises(ValidationError) as refused:
        validate_password("ministerium1", user=ministry_user)
    assert "Das Passwort ist zu ähnlich zu Benutzername." in [
        message.strip() for message in refused.value.messages
    ]


def test_a_password_of_twelve_characters_passes(ministry_user):
    validate_password("Heide-kreis!", user=ministry_user)


def test_good_password_passes(ministry_user):
    validate_password("Zielvereinbarung-Heidekreis-2020!", user=ministry_user)


def test_administrator_cannot_give_a_user_a_weak_password(admin_client, ministry_user):
    url = reverse("admin:auth_user_password_change", args=[ministry_user.pk])
    response = admin_client.post(url, {"password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    assert "Dieses Passwort ist zu üblich." in response.text
    ministry_user.refresh_from_db()
    assert not ministry_user.check_password("12345678")


# --- logout ------------------------------------------------------------------------------------


def test_logout_by_get_is_refused_and_the_session_stays(client, ministry_user):
    client.force_login(ministry_user)
    response = client.get(reverse("logout"))
    assert response.status_code == 405
    assert is_logged_in(client)


def test_logout_by_post_ends_the_session(client, ministry_user):
    client.force_login(ministry_user)
    key = client.session.session_key
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not Session.objects.filter(pk=key).exists()
    assert not is_logged_in(client)


# --- sessions end at an absolute age, however active ------------------------------------------


def test_a_session_ends_at_its_absolute_age_even_when_active(client, ministry_user, settings):
    from zielsteuerung.middleware import LOGIN_AT

    settings.SESSION_ABSOLUTE_AGE = 12 * 60 * 60
    client.force_login(ministry_user)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    assert session[LOGIN_AT] > 0
    session[LOGIN_AT] -= 12 * 60 * 60 + 60  # logged in a little more than 12 hours ago
    session.save()
    response = client.get(reverse("agreements:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert SESSION_KEY not in client.session


def test_a_session_younger_than_the_absolute_age_goes_on(client, ministry_user, settings):
    from zielsteuerung.middleware import LOGIN_AT

    settings.SESSION_ABSOLUTE_AGE = 12 * 60 * 60
    client.force_login(ministry_user)
    client.get(reverse("home"))
    session = client.session
    session[LOGIN_AT] -= 11 * 60 * 60
    session.save()
    assert client.get(reverse("home")).status_code == 200


def test_a_login_through_the_form_starts_the_absolute_age(client, ministry_user):
    from tests.conftest import PASSWORD
    from zielsteuerung.middleware import LOGIN_AT

    client.post(reverse("login"), {"username": "ministerium", "password": PASSWORD})
    assert LOGIN_AT in client.session
