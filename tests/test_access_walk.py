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
    from publication.services import publish

    publish(ministry_user, 2020, "ziele")  # the public page of 2020 exists
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
    "dashboards:years": lambda w: [w.agreement.traeger.key],
    "dashboards:explanation": lambda w: [w.agreement.goals.get(number=2).pk, 2],
    "publication:year": lambda w: [w.agreement.year],
    "api:agreement": lambda w: [w.agreement.pk],
    "indicators:upload_status": lambda w: ["A" * 43],  # no such import for anyone
    "indicators:upload_status_json": lambda w: ["A" * 43],
}

L = "login"


def row(get, post):
    """Expected (GET, POST) answers per role, each given as a 5-tuple in ROLES order."""
    return {"GET": dict(zip(ROLES, get, strict=True)), "POST": dict(zip(ROLES, post, strict=True))}


# The dialog URLs name the draft (or its measure) unless ARGS says otherwise: readers see minutes
# only once both sides approved them, so a draft answers them 404 like another Landkreis'.
EXPECTED = {
    "agreements:copy": row((L, 405, 405, 405, 405), (L, 200, 403, 403, 404)),
    "agreements:create": row((L, 200, 403, 403, 403), (L, 400, 403, 403, 403)),
    "agreements:delete": row((L, 405, 405, 405, 405), (L, 302, 403, 403, 404)),
    "agreements:detail": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "agreements:edit": row((L, 200, 403, 403, 404), (L, 400, 403, 403, 404)),
    "agreements:history": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "agreements:list": row((L, 200, 200, 200, 200), (L, 405, 405, 405, 405)),
    "agreements:pdf": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "agreements:status": row((L, 405, 405, 405, 405), (L, 302, 403, 403, 404)),
    "agreements:steps": row((L, 200, 403, 200, 404), (L, 400, 403, 400, 404)),
    "dashboards:explanation": row((L, 200, 403, 200, 404), (L, 400, 403, 400, 404)),
    "dashboards:map": row((L, 200, 200, 302, 302), (L, 405, 405, 405, 405)),
    "dashboards:comparison": row((L, 200, 200, 302, 302), (L, 405, 405, 405, 405)),
    "dashboards:overview": row((L, 200, 200, 302, 302), (L, 405, 405, 405, 405)),
    "dashboards:reconciliation": row((L, 200, 200, 403, 403), (L, 405, 405, 405, 405)),
    "dashboards:revisions": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "dashboards:traeger": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "dashboards:year_end": row((L, 200, 200, 200, 200), (L, 405, 405, 405, 405)),
    "dashboards:years": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "dialogs:approve": row((L, 405, 405, 405, 405), (L, 302, 404, 302, 404)),
    "dialogs:completeness": row((L, 200, 200, 200, 200), (L, 405, 405, 405, 405)),
    "dialogs:comment": row((L, 403, 404, 302, 404), (L, 403, 404, 409, 404)),
    "dialogs:correct": row((L, 200, 403, 403, 404), (L, 200, 403, 403, 404)),
    "dialogs:create": row((L, 200, 403, 403, 404), (L, 200, 403, 403, 404)),
    "dialogs:deadline": row((L, 200, 403, 403, 403), (L, 400, 403, 403, 403)),
    "dialogs:delete": row((L, 405, 405, 405, 405), (L, 302, 403, 403, 404)),
    "dialogs:detail": row((L, 200, 404, 200, 404), (L, 405, 405, 405, 405)),
    "dialogs:edit": row((L, 200, 404, 403, 404), (L, 400, 404, 403, 404)),
    "dialogs:folder": row((L, 200, 404, 200, 404), (L, 405, 405, 405, 405)),
    "dialogs:history": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "dialogs:list": row((L, 200, 200, 200, 200), (L, 405, 405, 405, 405)),
    "dialogs:measure_status": row((L, 405, 405, 405, 405), (L, 302, 404, 302, 404)),
    "dialogs:measures": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "dialogs:notifications": row((L, 200, 200, 200, 200), (L, 400, 403, 400, 400)),
    "dialogs:pdf": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "dialogs:request_changes": row((L, 405, 405, 405, 405), (L, 403, 404, 302, 404)),
    "dialogs:send": row((L, 405, 405, 405, 405), (L, 302, 404, 403, 404)),
    "dialogs:withdraw": row((L, 405, 405, 405, 405), (L, 302, 404, 403, 404)),
    "home": row((L, 200, 200, 200, 200), (L, 405, 405, 405, 405)),
    "indicators:delivery_detail": row((L, 200, 200, 200, 404), (L, 405, 405, 405, 405)),
    "indicators:delivery_list": row((L, 200, 200, 200, 200), (L, 405, 405, 405, 405)),
    "indicators:upload": row((L, 200, 403, 200, 200), (L, 400, 403, 400, 400)),
    "indicators:upload_confirm": row((L, 405, 405, 405, 405), (L, 302, 403, 302, 302)),
    "indicators:upload_mapping": row((L, 302, 403, 302, 302), (L, 302, 403, 302, 302)),
    "indicators:upload_titles": row((L, 405, 405, 405, 405), (L, 302, 403, 302, 302)),
    "indicators:upload_status": row((L, 404, 403, 404, 404), (L, 405, 405, 405, 405)),
    "indicators:upload_status_json": row((L, 404, 403, 404, 404), (L, 405, 405, 405, 405)),
    "indicators:upload_template": row((L, 200, 403, 200, 200), (L, 405, 405, 405, 405)),
    "login": row((200, 200, 200, 200, 200), (200, 200, 200, 200, 200)),
    # Published is public: no login, the same page for everyone.
    "publication:index": row((200, 200, 200, 200, 200), (405, 405, 405, 405, 405)),
    "publication:year": row((200, 200, 200, 200, 200), (405, 405, 405, 405, 405)),
    "publication:manage": row((L, 200, 403, 403, 403), (L, 400, 403, 403, 403)),
    # The API answers tokens, not sessions (walked with tokens below); its schema is public.
    "api:openapi-json": row((200, 200, 200, 200, 200), (405, 405, 405, 405, 405)),
    "api:api-root": row((404, 404, 404, 404, 404), (404, 404, 404, 404, 404)),
    "api:years": row((401, 401, 401, 401, 401), (405, 405, 405, 405, 405)),
    "api:agreements": row((401, 401, 401, 401, 401), (405, 405, 405, 405, 405)),
    "api:agreement": row((401, 401, 401, 401, 401), (405, 405, 405, 405, 405)),
    "api:attainments": row((401, 401, 401, 401, 401), (405, 405, 405, 405, 405)),
    "logout": row((405, 405, 405, 405, 405), (L, L, L, L, L)),
    "search": row((L, 200, 200, 200, 200), (L, 405, 405, 405, 405)),
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


# Text that contains a marker but is the same for every user and holds no Heidekreis data:
# the upload template explains the format with the Kreisschlüssel of the worked example.
SAME_FOR_EVERYONE = {
    "indicators:upload_template": {"03358"},
    # What the ministry published is public: Heidekreis' signed targets, for everyone alike.
    "publication:index": {"Heidekreis", "03358"},
    "publication:year": {"Heidekreis", "03358"},
}


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
                    text = readable_text(response)
                    for marker in heidekreis_markers(world):
                        if marker in text and marker not in SAME_FOR_EVERYONE.get(name, ()):
                            leaks.append(f"{method} {url} ({name}) zeigt Verden „{marker}“")
    assert not mismatches, "\n".join(mismatches)
    assert not leaks, "\n".join(leaks)
    # What was approved or signed survived every POST of the walk unchanged.
    world.approved_dialog.refresh_from_db()
    assert world.approved_dialog.status == "freigegeben"
    world.agreement.refresh_from_db()
    assert world.agreement.status == AgreementStatus.SIGNED


DOWNLOADS = [
    "dashboards:overview",
    "dashboards:traeger",
    "dashboards:comparison",
    "dashboards:revisions",
    "dashboards:years",
    "dashboards:reconciliation",
]


def readable_text(response):
    """What a person reads in the answer: the cells of an XLSX, the text of a PDF, else the body.

    Searching the raw bytes would miss what a PDF keeps in compressed streams or an XLSX in
    shared strings; so each download is opened as its reader would open it.
    """
    import io

    body = b"".join(response) if response.streaming else response.content
    if body.startswith(b"%PDF"):
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(body))
        parts = [page.extract_text() or "" for page in reader.pages]
        parts += [str(value) for value in (reader.metadata or {}).values()]
        return "\n".join(parts)
    if body[:2] == b"PK":
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(body), read_only=True)
        parts = []
        for sheet in workbook.worksheets:
            parts.append(sheet.title)
            for cells in sheet.iter_rows(values_only=True):
                parts.extend(str(value) for value in cells if value is not None)
        workbook.close()
        return "\n".join(parts)
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
                        m in readable_text(response) for m in heidekreis_markers(world)
                    ):
                        leaks.append(f"{url}?format={file_format} zeigt Verden Heidekreis")
    assert not mismatches, "\n".join(mismatches)
    assert not leaks, "\n".join(leaks)


def test_search_answers_every_role_and_finds_nothing_of_heidekreis_for_verden(client, world, users):
    """The walk above calls /suche/ without a query; here each role searches Heidekreis' words."""
    for role in ROLES:
        for words in ("Heidekreis-Maßnahme prüfen", "Heidekreis", "Integration"):
            response = client_for(role, client, users).get(reverse("search"), {"q": words})
            assert outcome(response) == EXPECTED["search"]["GET"][role], (role, words)
            if role == "vd":
                text = readable_text(response).replace(words, "")  # the query it echoes
                assert not [m for m in heidekreis_markers(world) if m in text], words
    found = client_for("hk", client, users).get(reverse("search"), {"q": "Maßnahme prüfen"})
    text = readable_text(found).replace("Maßnahme prüfen", "")
    assert "search-hit" in text and "Heidekreis" in text


PDFS = ["agreements:pdf", "dialogs:pdf", "dialogs:folder"]


def test_decoded_downloads_show_heidekreis_its_own_data(client, world, users):
    """The leak check reads PDFs and XLSX as text: here it must find what Heidekreis may see."""
    browser = client_for("hk", client, users)
    for name in PDFS:
        response = browser.get(reverse(name, args=ARGS[name](world)))
        assert response.status_code == 200, name
        assert "Heidekreis" in readable_text(response), name
    url = reverse("dashboards:traeger", args=ARGS["dashboards:traeger"](world))
    text = readable_text(browser.get(url, {"format": "xlsx"}))
    assert [m for m in heidekreis_markers(world) if m in text] == ["03358"]  # the sheet's name


def test_another_landkreis_own_pdf_holds_nothing_of_heidekreis(client, world, users, verden):
    from agreements.models import Agreement

    own = Agreement.objects.get(traeger=verden)
    response = client_for("vd", client, users).get(reverse("agreements:pdf", args=[own.pk]))
    assert response.status_code == 200
    text = readable_text(response)
    assert "Verden" in text
    assert not [m for m in heidekreis_markers(world) if m in text]


def admin_url_patterns(resolver=None, inside_admin=False):
    """(name, pattern) of every named URL of the admin, the per-model ones included."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from admin_url_patterns(entry, inside_admin or entry.namespace == "admin")
        elif inside_admin and isinstance(entry, URLPattern) and entry.name:
            yield f"admin:{entry.name}", entry


def admin_urls(world, users):
    """Every admin URL, with Heidekreis' agreement, dialogs and delivery where one is asked for."""
    from django.contrib import admin
    from django.contrib.contenttypes.models import ContentType

    heidekreis_objects = {}
    for obj in (world.agreement, world.approved_dialog, world.draft_dialog, world.delivery):
        heidekreis_objects.setdefault(type(obj), []).append(obj.pk)
    heidekreis_objects[type(world.measure)] = [world.measure.pk]
    by_name = {f"admin:{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}
    urls = []
    for name, pattern in admin_url_patterns():
        params = set(pattern.pattern.converters) or set(pattern.pattern.regex.groupindex)
        if name.endswith("_simple_history"):  # one version of an object (django-simple-history)
            model = by_name[name.removesuffix("_simple_history")]
            for pk in heidekreis_objects.get(model, [1]):
                versions = model.history.filter(id=pk).values_list("history_id", flat=True)
                urls.append((name, reverse(name, args=[pk, versions.first() or 1])))
        elif not params:
            urls.append((name, reverse(name)))
        elif params == {"object_id"}:
            model = by_name[name.rsplit("_", 1)[0]]
            first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            for pk in heidekreis_objects.get(model, [first or 1]):
                urls.append((name, reverse(name, kwargs={"object_id": pk})))
        elif params == {"id"}:  # a user's password
            urls.append((name, reverse(name, kwargs={"id": users["hk"].pk})))
        elif params == {"app_label"}:
            for app_label in sorted({m._meta.app_label for m in admin.site._registry}):
                urls.append((name, reverse(name, kwargs={"app_label": app_label})))
        elif params == {"content_type_id", "object_id"}:
            kwargs = {
                "content_type_id": ContentType.objects.get_for_model(world.agreement).pk,
                "object_id": world.agreement.pk,
            }
            urls.append((name, reverse(name, kwargs=kwargs)))
        else:
            raise AssertionError(f"Admin-URL {name} mit unbekannten Parametern {params}")
    return urls


# The admin's own login form answers everyone; its logout sends whoever is not staff to the
# admin's index (and from there to the admin's login) without logging them out.
ADMIN_EXPECTED = {"admin:login": 200, "admin:logout": 302}


def test_admin_refuses_every_page_and_form_to_everyone_but_administrators(
    client, world, users, admin_user
):
    """Every admin URL, GET and POST, for each role without staff status: the admin's login.

    The URLs come from the admin's resolver, so a newly registered model is walked too.
    """
    urls = admin_urls(world, users)
    walked = {url for _name, url in urls}
    walked_objects = set()
    for obj in (world.agreement, world.approved_dialog, world.delivery):
        meta = obj._meta
        for action in ("change", "delete", "history"):
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=[obj.pk])
            assert url in walked, url
            walked_objects.add(url)
    mismatches = []
    for role in ROLES:
        browser = client_for(role, client, users)
        for name, url in urls:
            for method in ("GET", "POST"):
                response = browser.get(url) if method == "GET" else browser.post(url, {})
                want = ADMIN_EXPECTED.get(name, "admin-login")
                if (got := outcome(response)) != want:
                    mismatches.append(f"{method} {url} als {role}: {got}, erwartet {want}")
        if role != "anon":  # nothing in the admin logged the person out on the way
            assert browser.session.get("_auth_user_id") == str(users[role].pk), role
    assert not mismatches, "\n".join(mismatches)
    # The walked object URLs are real: an administrator reaches them (deleting what is
    # immutable is refused even to an administrator, with a message or a 403).
    client.force_login(admin_user)
    for url in sorted(walked_objects):
        got = outcome(client.get(url))
        assert got == 200 or (url.endswith("/delete/") and got in (302, 403)), (url, got)
    world.approved_dialog.refresh_from_db()
    assert world.approved_dialog.status == "freigegeben"
    world.agreement.refresh_from_db()
    assert world.agreement.status == AgreementStatus.SIGNED


PUBLIC = {"login", "publication:index", "publication:year", "api:openapi-json"}


def test_anonymous_reaches_only_the_public_pages():
    """Without login the login page, the published pages and the API's schema (which holds no
    data) answer; everything else sends to the login, 401 (the API) or 404/405."""
    reachable = {name for name, expected in EXPECTED.items() if expected["GET"]["anon"] == 200}
    assert reachable == PUBLIC


API_URLS = ["api:years", "api:agreements", "api:agreement", "api:attainments"]


def test_the_api_answers_each_token_as_its_organisations_users(client, world, mw, verden):
    """Every API URL with the token of a ministry, of Heidekreis, of Verden, a revoked one and
    none: a ministry's and Heidekreis' token read Heidekreis, Verden's never does."""
    from api.services import create_token, revoke

    tokens = {
        "mw": create_token(mw, "Statistik")[1],
        "hk": create_token(world.agreement.traeger, "Fachverfahren")[1],
        "vd": create_token(verden, "Fachverfahren")[1],
    }
    revoked_token, revoked = create_token(mw, "alt")
    revoke(type(revoked_token).objects.filter(pk=revoked_token.pk))
    want = {"mw": 200, "hk": 200, "vd": 200, "revoked": 401, "none": 401}
    mismatches, leaks = [], []
    for name in API_URLS:
        url = reverse(name, args=ARGS.get(name, lambda w: [])(world))
        for who, secret in [*tokens.items(), ("revoked", revoked), ("none", None)]:
            headers = {"Authorization": f"Bearer {secret}"} if secret else {}
            response = client.get(url, {"jahr": 2020}, headers=headers)
            expected = 404 if who == "vd" and name == "api:agreement" else want[who]
            if response.status_code != expected:
                mismatches.append(
                    f"{url} mit Token {who}: {response.status_code}, erwartet {expected}"
                )
            shown = "03358" in response.text
            if who in ("mw", "hk") and name != "api:years" and not shown:
                mismatches.append(f"{url} mit Token {who} zeigt Heidekreis nicht")
            if who in ("vd", "revoked", "none") and shown:
                leaks.append(f"{url} mit Token {who} zeigt Heidekreis")
            post = client.post(url, {}, headers=headers)
            if post.status_code not in (401, 405):
                mismatches.append(f"POST {url} mit Token {who}: {post.status_code}")
    assert not mismatches, "\n".join(mismatches)
    assert not leaks, "\n".join(leaks)
