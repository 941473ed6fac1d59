"""The read-only JSON API (issue 20): a token per organisation, scoped like its users (a
Jobcenter's token sees its own Landkreis, a ministry's all), stored hashed, revoked by the
ministry; nothing without a token; the OpenAPI schema served as JSON."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from agreements.models import Agreement
from api.models import ApiToken, hash_token
from api.services import create_token, revoke
from tests.dialogs_world import make_agreement
from tests.dialogs_world import worked_example_delivery as make_worked_delivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(heidekreis, verden):
    heidekreis_agreement = make_agreement(heidekreis)
    make_agreement(verden)
    make_worked_delivery(heidekreis)
    return heidekreis_agreement


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def mw_token(mw):
    return create_token(mw, "Statistik")[1]


@pytest.fixture
def hk_token(heidekreis):
    return create_token(heidekreis, "Fachverfahren")[1]


def get(client, path, secret=None, **params):
    return client.get(f"/api/v1/{path}", params, headers=bearer(secret) if secret else {})


def test_without_a_valid_token_nothing_is_answered(client, world):
    for path in ("jahre", "vereinbarungen", f"vereinbarungen/{world.pk}", "zielerreichung"):
        for secret in (None, "zs_falsch", "kein-token"):
            response = get(client, path, secret, jahr=2020)
            assert response.status_code == 401, (path, secret)
            assert "Heidekreis" not in response.text
            assert "API-Token" in response.json()["detail"]


def test_a_logged_in_session_is_no_token(client, world, ministry_user):
    client.force_login(ministry_user)
    assert get(client, "vereinbarungen").status_code == 401


def test_a_ministry_token_sees_every_landkreis(client, world, mw_token):
    agreements = get(client, "vereinbarungen", mw_token, jahr=2020).json()
    assert [a["landkreis"]["key"] for a in agreements] == ["03358", "03361"]
    heidekreis = agreements[0]
    assert heidekreis["status"] == "unterzeichnet"
    assert [(g["number"], g["indicator"], g["target_value"]) for g in heidekreis["goals"]] == [
        (1, "K1", None),
        (2, "K2", "3.10"),
        (3, "K3", "-1.50"),
        (4, None, None),
        (5, None, None),
    ]
    assert get(client, "jahre", mw_token).json() == [2020]


def test_a_jobcenter_token_sees_its_own_landkreis_only(client, world, hk_token, verden):
    agreements = get(client, "vereinbarungen", hk_token).json()
    assert [a["landkreis"]["key"] for a in agreements] == ["03358"]
    assert get(client, "vereinbarungen", hk_token, landkreis="03361").json() == []
    other = Agreement.objects.get(traeger=verden)
    assert get(client, f"vereinbarungen/{other.pk}", hk_token).status_code == 404
    assert get(client, f"vereinbarungen/{world.pk}", hk_token).status_code == 200
    figures = get(client, "zielerreichung", hk_token, jahr=2020).json()
    assert {f["landkreis"]["key"] for f in figures} == {"03358"}


def test_the_token_sees_what_the_organisations_users_see(
    client, world, hk_token, heidekreis_user, reader, mw_token
):
    """Scoped by the same `visible_to(user)` as the pages, not by a rule of its own."""
    for secret, user in ((hk_token, heidekreis_user), (mw_token, reader)):
        by_api = {a["id"] for a in get(client, "vereinbarungen", secret).json()}
        by_page = set(Agreement.objects.visible_to(user).values_list("pk", flat=True))
        assert by_api == by_page


def test_attainment_figures_are_the_engines(client, world, mw_token):
    """The worked example (domain.md § 5.5): K2 +8,7 % against +3,1 %, K3 −2,1 %, met."""
    figures = get(client, "zielerreichung", mw_token, jahr=2020, landkreis="03358").json()
    by_code = {f["indicator"]: f for f in figures}
    k2 = by_code["K2"]
    assert k2["month"] == "2020-02-01"
    assert k2["ladestand"] == date(2020, 3, 31).isoformat()
    assert round(float(k2["change_percent"]), 1) == 8.7
    assert k2["verdict"] == "met" and k2["verdict_label"] == "auf Zielkurs"
    assert round(float(by_code["K3"]["change_percent"]), 1) == -2.1
    assert by_code["K1"]["verdict"] == "monitoring"
    assert k2["final_assessment"] is None
    verden = get(client, "zielerreichung", mw_token, jahr=2020, landkreis="03361").json()
    assert {f["verdict"] for f in verden} <= {"no_data", "monitoring"}


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({}, "query.jahr: Angabe fehlt"),
        ({"jahr": "zwanzig"}, "query.jahr: ist keine ganze Zahl"),
        ({"jahr": 2020, "monat": 13}, "query.monat: ist kein Monat"),
    ],
)
def test_bad_parameters_get_a_german_message_naming_the_place(
    client, world, mw_token, params, where
):
    response = get(client, "zielerreichung", mw_token, **params)
    assert response.status_code == 422
    assert where in response.json()["detail"]


def test_tokens_are_stored_hashed_and_revoked(client, world, heidekreis):
    token, secret = create_token(heidekreis, "Fachverfahren")
    assert secret.startswith("zs_") and len(secret) > 40
    stored = ApiToken.objects.get()
    assert stored.key_hash == hash_token(secret) and secret not in stored.key_hash
    assert secret.startswith(stored.hint)
    assert get(client, "jahre", secret).status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    assert revoke(ApiToken.objects.all(), by="Maria Meyer") == 1
    assert get(client, "jahre", secret).status_code == 401


def test_no_token_for_a_comparison_unit(db):
    from django.core.exceptions import ValidationError

    from zielsteuerung.models import Organisation, OrganisationKind

    unit = Organisation.objects.create(key="91001", kind=OrganisationKind.COMPARISON, name="JC")
    with pytest.raises(ValidationError):
        create_token(unit, "Vergleich")
    assert not ApiToken.objects.exists()


def test_the_command_creates_lists_and_revokes(client, world):
    out = io.StringIO()
    call_command("api_token", "create", "03358", "Fachverfahren", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    assert get(client, "jahre", secret).status_code == 200
    listing = io.StringIO()
    call_command("api_token", "list", stdout=listing)
    assert secret not in listing.getvalue()
    hint = ApiToken.objects.get().hint
    assert hint in listing.getvalue() and "aktiv" in listing.getvalue()
    call_command("api_token", "revoke", hint, stdout=io.StringIO())
    assert get(client, "jahre", secret).status_code == 401
    with pytest.raises(CommandError, match="Kein aktives Token"):
        call_command("api_token", "revoke", hint)
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("api_token", "create", "99999", "x")


def test_the_admin_shows_a_new_token_once(client, admin_user, heidekreis):
    client.force_login(admin_user)
    response = client.post(
        "/admin/api/apitoken/add/",
        {"organisation": heidekreis.pk, "name": "Fachverfahren"},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    text = response.text
    assert "wird nur jetzt angezeigt" in text
    start = text.index("lautet ") + len("lautet ")
    secret = text[start : text.index(" ", start)]
    assert hash_token(secret) == token.key_hash
    assert get(client, "jahre", secret).status_code == 200
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/").text
    assert secret not in page


def test_the_openapi_schema_is_served_without_cdn(client, world):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/vereinbarungen", "/api/v1/zielerreichung", "/api/v1/jahre"} <= set(
        schema["paths"]
    )
    assert "Heidekreis" not in response.text  # the schema holds no data
    assert client.get("/api/v1/docs").status_code == 404  # Swagger would load from a CDN
