import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.throttling]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every attempt hashes a password; the throttle is under test here, not the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


def fail_login(client, username, address):
    return client.post(
        reverse("login"), {"username": username, "password": "falsch"}, REMOTE_ADDR=address
    )


def test_failures_from_one_address_lock_that_address_whatever_the_user_names(
    client, ministry_user, reader, settings
):
    from tests.conftest import PASSWORD

    settings.AXES_ENABLED = True
    for username in ("anna", "bernd", "carla", "dieter", "emil"):
        fail_login(client, username, "203.0.113.7")
    # The address is locked, even for a user with the right password and no failure of its own.
    response = client.post(
        reverse("login"),
        {"username": "ministerium", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.text
    # From another address the same user gets in.
    response = client.post(
        reverse("login"),
        {"username": "ministerium", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.20",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_failures_for_one_user_from_many_addresses_lock_that_user(
    client, ministry_user, reader, settings
):
    from tests.conftest import PASSWORD

    settings.AXES_ENABLED = True
    for number in range(1, 6):
        fail_login(client, "ministerium", f"198.51.100.{number}")
    response = client.post(
        reverse("login"),
        {"username": "ministerium", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.99",
    )
    assert response.status_code == 429
    # Another user from a fresh address is not affected.
    response = client.post(
        reverse("login"), {"username": "leser", "password": PASSWORD}, REMOTE_ADDR="192.0.2.1"
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("minutes", "text"), [(15, "15 Minuten"), (30, "30 Minuten"), (1, "1 Minute ")]
)
def test_lock_page_names_the_configured_lock_time(client, ministry_user, settings, minutes, text):
    from datetime import timedelta

    settings.AXES_ENABLED = True
    settings.AXES_COOLOFF_TIME = timedelta(minutes=minutes)
    for _ in range(6):
        response = fail_login(client, "ministerium", "203.0.113.8")
    assert response.status_code == 429
    message = " ".join(response.text.split())
    assert f"Bitte warten Sie {text}" in message


def test_lock_without_a_lock_time_points_to_the_administration(client, ministry_user, settings):
    settings.AXES_ENABLED = True
    settings.AXES_COOLOFF_TIME = None
    for _ in range(6):
        response = fail_login(client, "ministerium", "203.0.113.9")
    assert response.status_code == 429
    assert "Bitte warten Sie" not in response.text
    assert "Die Sperre kann nur die Administration Ihres Hauses aufheben." in response.text


# --- behind the reverse proxy (docs/operations.md: PROXY_COUNT) --------------------------------


def fail_via_proxy(client, username, forwarded_for):
    """A failed login as the proxy passes it on: from 127.0.0.1, the client in X-Forwarded-For."""
    return client.post(
        reverse("login"),
        {"username": username, "password": "falsch"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_the_proxy_typos_of_others_do_not_lock_a_user_out(client, ministry_user, settings):
    from tests.conftest import PASSWORD

    settings.AXES_ENABLED = True
    settings.PROXY_COUNT = 1
    for number, username in enumerate(("anna", "bernd", "carla", "dieter", "emil"), start=1):
        fail_via_proxy(client, username, f"198.51.100.{number}")
    response = client.post(
        reverse("login"),
        {"username": "ministerium", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.50",
    )
    assert response.status_code == 302


def test_behind_the_proxy_one_clients_failures_lock_that_client(client, ministry_user, settings):
    from tests.conftest import PASSWORD

    settings.AXES_ENABLED = True
    settings.PROXY_COUNT = 1
    for username in ("anna", "bernd", "carla", "dieter", "emil"):
        # What the client itself sends in the header is ignored: the proxy appends the real one.
        fail_via_proxy(client, username, f"10.0.0.{len(username)}, 203.0.113.7")
    locked = client.post(
        reverse("login"),
        {"username": "ministerium", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert locked.status_code == 429


def test_without_a_configured_proxy_the_header_is_not_trusted(client, ministry_user, settings):
    from tests.conftest import PASSWORD

    settings.AXES_ENABLED = True
    settings.PROXY_COUNT = 0
    for number, username in enumerate(("anna", "bernd", "carla", "dieter", "emil"), start=1):
        fail_via_proxy(client, username, f"198.51.100.{number}")  # a forged header each time
    response = client.post(
        reverse("login"),
        {"username": "ministerium", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.50",
    )
    assert response.status_code == 429  # counted for 127.0.0.1, the peer
