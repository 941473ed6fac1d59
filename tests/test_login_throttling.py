import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.throttling]


def test_login_is_locked_after_five_failures_for_that_user(client, ministry_user, settings):
    settings.AXES_ENABLED = True
    for _ in range(5):
        client.post(reverse("login"), {"username": "ministerium", "password": "falsch"})
    response = client.post(reverse("login"), {"username": "ministerium", "password": "falsch"})
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.text
    # Even the right password is refused while the lock lasts.
    from tests.conftest import PASSWORD

    response = client.post(reverse("login"), {"username": "ministerium", "password": PASSWORD})
    assert response.status_code == 429


def test_failures_below_the_limit_do_not_lock(client, ministry_user, settings):
    from tests.conftest import PASSWORD

    settings.AXES_ENABLED = True
    for _ in range(3):
        client.post(reverse("login"), {"username": "ministerium", "password": "falsch"})
    response = client.post(reverse("login"), {"username": "ministerium", "password": PASSWORD})
    assert response.status_code == 302
