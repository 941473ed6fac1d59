"""A small named world: the people of the product and the Landkreise they belong to."""

import importlib

import pytest
from django.contrib.auth import get_user_model

from zielsteuerung.models import Membership, Organisation, Role

PASSWORD = "geheim-und-lang-2020"


def make_user(username, organisation_key, role, **extra):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    Membership.objects.create(
        user=user, organisation=Organisation.objects.get(key=organisation_key), role=role
    )
    return user


@pytest.fixture
def mw():
    return Organisation.objects.get(key="MW")


@pytest.fixture
def ms():
    return Organisation.objects.get(key="MS")


@pytest.fixture
def heidekreis():
    return Organisation.objects.get(key="03358")


@pytest.fixture
def verden():
    return Organisation.objects.get(key="03361")


@pytest.fixture
def ministry_user(db):
    return make_user(
        "ministerium", "MW", Role.MINISTRY_EDITOR, first_name="Maria", last_name="Meyer"
    )


@pytest.fixture
def heidekreis_user(db):
    return make_user(
        "jc-heidekreis", "03358", Role.JOBCENTER_EDITOR, first_name="Hanna", last_name="Heide"
    )


@pytest.fixture
def verden_user(db):
    return make_user(
        "jc-verden", "03361", Role.JOBCENTER_EDITOR, first_name="Volker", last_name="Verden"
    )


@pytest.fixture
def reader(db):
    return make_user("leser", "MS", Role.READER, first_name="Lena", last_name="Leser")


@pytest.fixture
def as_user(client):
    """Log the test client in as the given user: `as_user(ministry_user).get(url)`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """PBKDF2 costs ~0,4 s per test user; the tests check access, not the strength of the hash."""
    from django.test import override_settings

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    fast.enable()
    yield
    fast.disable()


@pytest.fixture(autouse=True)
def _no_login_throttling_unless_asked(request, settings):
    """Login throttling (django-axes) is tested on its own; elsewhere it stays out of the way."""
    if "throttling" not in request.keywords:
        settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Computed figures are cached per delivery; every test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests flush the database afterwards, data migrations included.

    Before each transactional test, load the organisations and the indicator catalogue again
    as the migrations do, so that it starts from the same world whatever ran before it.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps as django_apps

    from zielsteuerung.models import Organisation

    if not Organisation.objects.exists():
        for app, name in (
            ("zielsteuerung", "0002_organisations"),
            ("indicators", "0002_catalogue"),
        ):
            importlib.import_module(f"{app}.migrations.{name}").load(django_apps, None)
