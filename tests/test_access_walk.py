"""Every URL of the project, for every kind of person, with GET and POST, against Heidekreis'
objects: the answer matches one table, and nothing of Heidekreis reaches another Landkreis.

The URL patterns come from the resolver, so a new page without a line in EXPECTED fails here.
Codes: "login" is the redirect to the login page, "admin-login" the admin's own login.
"""

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from agreements.models import AgreementStatus
from dialogs.models import Measure
from tests.dialogs_world import approve_by_both, make_agreement, make_dialog
from tests.dialogs_world import worked_example_delivery as make_worked_delivery

pytestmark = pytest.mark.django_db

ROLES = ("anon", "mw", "leser", "hk", "vd")


@dataclass
class World:
    agreement: object
    draft_dialog: object
    approved_dialog: object
    delivery: object
    measure: object


@pytest.fixture
def world(heidekreis, ministry_user, heidekreis_user, verden):
    agreement = make_agreement(heidekreis)
    agreement.status = AgreementStatus.SIGNED
    agreement.save()
    make_agreement(verden)
    delivery = make_worked_delivery(heidekreis)
    approved = approve_by_both(
        make_dialog(agreement, ministry_user, delivery=delivery), ministry_user, heidekreis_user
    )
    draft = make_dialog(agreement, ministry_user, delivery=delivery)
    measure = Measure.objects.create(
        dialog=draft,
        agreement=agreement,
        text="Heidekreis-Maßnahme prüfen",
        responsible_organisation=heidekreis,
    )
    return World(agreement, draft, approved, delivery, measure)


def all_url_names(resolver=None, namespace=""):
    """(name, pattern) of every named URL of the project, admin excluded (walked separately)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            space = entry.namespace or ""
            if space == "admin":
                continue
            yield from all_url_names(entry, f"{namespace}{space}:" if space else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


# URL name → how to build it from the world.
ARGS = {
    "agreements:detail": lambda w: [w.agreement.pk],
    "agreements:edit": lambda w: [w.agreement.pk],
    "agreements:copy": lambda w: [w.agreement.pk],
    "agreements:status": lambda w: [w.agreement.pk],
    "agreements:delete": lambda w: [w.agreement.pk],
    "agreements:steps": lambda w: [w.agreement.pk],
    "agreements:history": lambda w: [w.agreement.pk],
    "agreements:pdf": lambda w: [w.agreement.pk],
    "indicators:delivery_detail": lambda w: [w.delivery.pk],
    "dialogs:create": lambda w: [w.agreement.pk],
    "dialogs:measures": lambda w: [w.agreement.pk],
    "dialogs:measure_status": lambda w: [w.measure.pk],
    "dialogs:detail": lambda w: [w.draft_dialog.pk],
    "dialogs:edit": lambda w: [w.draft_dialog.pk],
    "dialogs:send": lambda w: [w.draft_dialog.pk],
    "dialogs:withdraw": lambda w: [w.draft_dialog.pk],
    "dialogs:comment": lambda w: [w.draft_dialog.pk],
    "dialogs:request_changes": lambda w: [w.draft_dialog.pk],
    "dialogs:approve": lambda w: [w.draft_dialog.pk],
    "dialogs:correct": lambda w: [w.approved_dialog.pk],
    "dialogs:delete": lambda w: [w.approved_dialog.pk],
    "dialogs:history": lambda w: [w.approved_dialog.pk],
    "dialogs:pdf": lambda w: [w.approved_dialog.pk],
    "dialogs:folder": lambda w: [w.draft_dialog.pk],
    "dashboards:traeger": lambda w: [w.agreement.traeger.key],
    "dashboards:revisions": lambda w: [w.agreement.traeger.key],
    "indicators:upload_status": lambda w: ["A" * 43],  # no such import for anyone
    "indicators:upload_status_json": lambda w: ["A" * 43],
}

L = "login"


def row(get, post):
    """Expected (GET, POST) answers per role, each given as a 5-tuple in ROLES order."""
    return {"GET": dict(zip(ROLES, get, strict=True)), "POST": dict(zip(ROLES, post, strict=True))}


EXPECTED = {
    "agreements:copy": row((L, 405, 405, 405, 405), (L, 302, 403, 403, 404)),
    "agreements:create": row((L, 200, 403, 403, 403), (L, 400, 403, 403, 403)),
    "agreements:delete": row((L, 405, 405, 405, 405), (L, 302, 403, 403, 404)),
    "agreements:detail": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "agreements:edit": row((L, 200, 403, 403, 404), (L, 400, 403, 403, 404)),
    "agreements:history": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "agreements:list": row((L, 200, 200, 200, 200), (L, 405, 405, 405, 405)),
    "agreements:pdf": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "agreements:status": row((L, 405, 405, 405, 405), (L, 302, 403, 403, 404)),
    "agreements:steps": row((L, 200, 403, 200, 404), (L, 400, 403, 400, 404)),
    "dashboards:comparison": row((L, 200, 200, 302, 302), (L, 405, 405, 405, 405)),
    "dashboards:overview": row((L, 200, 200, 302, 302), (L, 405, 405, 405, 405)),
    "dashboards:revisions": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "dashboards:traeger": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "dialogs:approve": row((L, 405, 405, 405, 405), (L, 302, 403, 302, 404)),
    "dialogs:comment": row((L, 403, 403, 302, 404), (L, 403, 403, 302, 404)),
    "dialogs:correct": row((L, 200, 403, 403, 404), (L, 200, 403, 403, 404)),
    "dialogs:create": row((L, 200, 403, 403, 404), (L, 200, 403, 403, 404)),
    "dialogs:delete": row((L, 405, 405, 405, 405), (L, 302, 403, 403, 404)),
    "dialogs:detail": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "dialogs:edit": row((L, 200, 403, 403, 404), (L, 400, 403, 403, 404)),
    "dialogs:folder": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "dialogs:history": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "dialogs:list": row((L, 200, 200, 200, 200), (L, 405, 405, 405, 405)),
    "dialogs:measure_status": row((L, 405, 405, 405, 405), (L, 302, 403, 302, 404)),
    "dialogs:measures": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "dialogs:pdf": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "dialogs:request_changes": row((L, 405, 405, 405, 405), (L, 403, 403, 302, 404)),
    "dialogs:send": row((L, 405, 405, 405, 405), (L, 302, 403, 403, 404)),
    "dialogs:withdraw": row((L, 405, 405, 405, 405), (L, 302, 403, 403, 404)),
    "home": row((L, 200, 200, 200, 200), (L, 405, 405, 405, 405)),
    "indicators:delivery_detail": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "indicators:delivery_list": row((L, 200, 200, 200, 200), (L, 405, 405, 405, 405)),
    "indicators:upload": row((L, 200, 403, 200, 200), (L, 400, 403, 400, 400)),
    "indicators:upload_confirm": row((L, 405, 405, 405, 405), (L, 302, 403, 302, 302)),
    "indicators:upload_status": row((L, 404, 403, 404, 404), (L, 405, 405, 405, 405)),
    "indicators:upload_status_json": row((L, 404, 403, 404, 404), (L, 405, 405, 405, 405)),
    "indicators:upload_template": row((L, 200, 403, 200, 200), (L, 405, 405, 405, 405)),
    "login": row((200, 200, 200, 200, 200), (200, 200, 200, 200, 200)),
    "logout": row((405, 405, 405, 405, 405), (L, L, L, L, L)),
}


def client_for(role, client, users):
    client.logout()
    if role != "anon":
        client.force_login(users[role])
    return client


def outcome(response):
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith("/admin/login/"):
            return "admin-login"
        if location.startswith(reverse("login")):
            return L
        return 302
    return response.status_code


def heidekreis_markers(world):
    return ["Heidekreis", "03358", "Heidekreis-Maßnahme"]


@pytest.fixture
def users(ministry_user, reader, heidekreis_user, verden_user):
    return {"mw": ministry_user, "leser": reader, "hk": heidekreis_user, "vd": verden_user}


def test_every_url_is_in_the_table():
    names = {name for name, _ in all_url_names()}
    missing = sorted(names - set(EXPECTED))
    assert not missing, f"URLs ohne Erwartung in der Zugriffstabelle: {missing}"
    stale = sorted(set(EXPECTED) - names)
    assert not stale, f"Erwartungen für URLs, die es nicht mehr gibt: {stale}"


def test_walk_every_url_for_every_role(client, world, users):
    mismatches = []
    leaks = []
    for name, _pattern in sorted(all_url_names()):
        expected = EXPECTED.get(name)
        if expected is None:
            continue
        url = reverse(name, args=ARGS.get(name, lambda w: [])(world))
        for method in ("GET", "POST"):
            for role in ROLES:
                browser = client_for(role, client, users)
                response = browser.get(url) if method == "GET" else browser.post(url, {})
                got = outcome(response)
                want = expected[method][role]
                if got != want:
                    mismatches.append(f"{method} {url} ({name}) als {role}: {got}, erwartet {want}")
                if role == "vd" and response.status_code == 200:
                    body = b"".join(response) if response.streaming else response.content
                    text = body.decode("utf-8", "replace")
                    for marker in heidekreis_markers(world):
                        if marker in text:
                            leaks.append(f"{method} {url} ({name}) zeigt Verden „{marker}“")
    assert not mismatches, "\n".join(mismatches)
    assert not leaks, "\n".join(leaks)
    # What was approved or signed survived every POST of the walk unchanged.
    world.approved_dialog.refresh_from_db()
    assert world.approved_dialog.status == "freigegeben"
    world.agreement.refresh_from_db()
    assert world.agreement.status == AgreementStatus.SIGNED


def test_admin_is_closed_to_everyone_but_administrators(client, users, world):
    from django.contrib import admin

    urls = ["/admin/"]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    for role in ROLES:
        browser = client_for(role, client, users)
        for url in urls:
            assert outcome(browser.get(url)) == "admin-login", (role, url)


DOWNLOADS = [
    "dashboards:overview",
    "dashboards:traeger",
    "dashboards:comparison",
    "dashboards:revisions",
]


def download_text(response):
    """The text of a CSV or XLSX download (all sheets' XML for XLSX)."""
    import io
    import zipfile

    body = b"".join(response) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return body.decode("utf-8-sig", "replace")


def test_downloads_answer_like_their_pages_and_never_leak(client, world, users):
    mismatches, leaks = [], []
    for name in DOWNLOADS:
        url = reverse(name, args=ARGS.get(name, lambda w: [])(world))
        for file_format in ("csv", "xlsx"):
            for role in ROLES:
                response = client_for(role, client, users).get(url, {"format": file_format})
                got, want = outcome(response), EXPECTED[name]["GET"][role]
                if got != want:
                    mismatches.append(
                        f"{url}?format={file_format} als {role}: {got}, erwartet {want}"
                    )
                if response.status_code == 200 and role != "anon":
                    assert "attachment" in response.get("Content-Disposition", ""), (url, role)
                    if role == "vd" and any(
                        m in download_text(response) for m in heidekreis_markers(world)
                    ):
                        leaks.append(f"{url}?format={file_format} zeigt Verden Heidekreis")
    assert not mismatches, "\n".join(mismatches)
    assert not leaks, "\n".join(leaks)
