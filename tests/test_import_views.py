"""The upload pages (file → preview → confirm), the delivery pages and the template."""

import hashlib
import io
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from indicators import imports
from indicators.models import DataDelivery, Values
from indicators.views import PENDING

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "data" / "import"
UPLOAD = reverse("indicators:upload")
CONFIRM = reverse("indicators:upload_confirm")


@pytest.fixture(autouse=True)
def _pending_files_in_tmp(settings, tmp_path):
    settings.UPLOAD_PENDING_DIR = str(tmp_path / "pending")


def upload(client, name="lang_semikolon.csv", **fields):
    data = {
        "file": SimpleUploadedFile(name, (CORPUS / name).read_bytes()),
        "ladestand": "2020-03-17",
        "waiting_months": "0",
        **fields,
    }
    return client.post(UPLOAD, data)


def token_of(response):
    return re.search(r'name="token" value="([^"]+)"', response.text).group(1)


def store(client, name="lang_semikolon.csv", **fields):
    response = upload(client, name, **fields)
    return client.post(CONFIRM, {"token": token_of(response)})


def stored_by(user, name="lang_semikolon.csv", **options):
    data = (CORPUS / name).read_bytes()
    check = imports.check_file(data, name, ladestand=date(2020, 3, 17), user=user, **options)
    return imports.store_delivery(check, waiting_months=0, source="ba", user=user)


# -- upload ------------------------------------------------------------------------------------


def test_jobcenter_uploads_previews_and_confirms(as_user, heidekreis_user, heidekreis):
    client = as_user(heidekreis_user)
    response = upload(client)
    assert response.status_code == 200
    assert "Was gespeichert wird" in response.text
    assert "16 Werte für 03358 (LLU, ELB, INT, LZB), 12/2018 bis 02/2020" in response.text
    assert "13.520.000,00" in response.text  # the sum of LLU, as Excel would show it
    assert DataDelivery.objects.count() == 0  # nothing before the confirmation

    response = client.post(CONFIRM, {"token": token_of(response)})
    delivery = DataDelivery.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:delivery_detail", args=[delivery.pk])
    assert delivery.organisation == heidekreis
    assert delivery.delivered_by == heidekreis_user
    assert delivery.source == "jobcenter"
    assert delivery.file_name == "lang_semikolon.csv"
    assert (
        delivery.sha256 == hashlib.sha256((CORPUS / "lang_semikolon.csv").read_bytes()).hexdigest()
    )
    assert delivery.values.figure_count() == 16
    page = client.get(response["Location"])
    assert "Gespeichert: Ladestand 17.03.2020 (ohne Wartezeit)" in page.text


def test_ministry_chooses_source_and_may_create_comparison_units(as_user, ministry_user):
    client = as_user(ministry_user)
    page = client.get(UPLOAD)
    assert "Unbekannte Schlüssel als Vergleichseinheiten anlegen" in page.text
    response = store(
        client, "vergleichseinheiten.csv", source="ba", waiting_months="3", create_units="on"
    )
    assert response.status_code == 302
    delivery = DataDelivery.objects.get()
    assert (delivery.source, delivery.waiting_months, delivery.organisation) == ("ba", 3, None)
    assert delivery.values.figure_count() == 3


def test_ministry_without_the_checkbox_is_told_how_to_declare_units(as_user, ministry_user):
    response = upload(as_user(ministry_user), "vergleichseinheiten.csv", source="ba")
    assert "„03101“ ist weder einer der zugelassenen kommunalen Träger" in response.text
    assert "wenn Sie „Unbekannte Schlüssel als Vergleichseinheiten anlegen“ ankreuzen" in (
        response.text
    )
    assert 'name="token"' not in response.text


def test_jobcenter_form_has_no_source_or_unit_choice(as_user, heidekreis_user):
    page = as_user(heidekreis_user).get(UPLOAD)
    assert page.status_code == 200
    assert 'name="source"' not in page.text
    assert 'name="create_units"' not in page.text
    assert "Daten hochladen" in page.text  # the navigation link


def test_jobcenter_uploading_another_landkreis_is_refused_with_the_message(as_user, verden_user):
    response = upload(as_user(verden_user))
    assert response.status_code == 200
    assert (
        "Zeile 2, Spalte „traeger“: Sie dürfen nur Daten für Landkreis Verden (03361) liefern; "
        "„03358“ ist Landkreis Heidekreis" in response.text
    )
    assert 'name="token"' not in response.text
    assert DataDelivery.objects.count() == 0


def test_errors_are_all_shown_and_nothing_can_be_confirmed(as_user, heidekreis_user):
    response = upload(as_user(heidekreis_user), "fehler_mehrere.csv")
    assert "Die Datei wird nicht gespeichert: 3 Fehler" in response.text
    assert "Zeile 2, Spalte „wert“: „zwölf“ ist keine Zahl." in response.text
    assert "Zeile 3, Spalte „kennzahl“: Die Kennzahl fehlt." in response.text
    assert 'name="token"' not in response.text


def test_reader_gets_403_on_every_upload_page(as_user, reader):
    client = as_user(reader)
    assert client.get(UPLOAD).status_code == 403
    assert upload(client).status_code == 403
    assert client.post(CONFIRM, {"token": "x" * 43}).status_code == 403
    assert client.get(reverse("indicators:upload_template")).status_code == 403
    assert "Daten hochladen" not in client.get(reverse("indicators:delivery_list")).text


def test_anonymous_is_sent_to_login(client):
    for url in (UPLOAD, CONFIRM, reverse("indicators:delivery_list")):
        response = client.get(url) if url != CONFIRM else client.post(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("put", UPLOAD),
        ("delete", UPLOAD),
        ("get", CONFIRM),
        ("post", reverse("indicators:delivery_list")),
        ("post", reverse("indicators:upload_template")),
    ],
)
def test_wrong_method_is_405(as_user, ministry_user, method, url):
    assert getattr(as_user(ministry_user), method)(url).status_code == 405


def test_confirmation_needs_the_token_of_this_session(as_user, heidekreis_user, client):
    client = as_user(heidekreis_user)
    upload(client)
    response = client.post(CONFIRM, {"token": "A" * 43}, follow=True)
    assert "Diese Vorschau ist nicht mehr gültig" in response.text
    assert DataDelivery.objects.count() == 0


def test_token_cannot_name_another_path(as_user, heidekreis_user):
    client = as_user(heidekreis_user)
    upload(client)
    session = client.session
    session[PENDING] = {**session[PENDING], "token": "../../etc/passwd"}
    session.save()
    response = client.post(CONFIRM, {"token": "../../etc/passwd"}, follow=True)
    assert "Diese Vorschau ist nicht mehr gültig" in response.text


def test_confirmation_checks_again_and_refuses_a_file_stored_meanwhile(
    as_user, heidekreis_user, ministry_user
):
    client = as_user(heidekreis_user)
    token = token_of(upload(client))
    stored_by(ministry_user)  # the same file, stored by someone else in between
    response = client.post(CONFIRM, {"token": token})
    assert response.status_code == 200
    assert "Diese Datei wurde bereits am" in response.text
    assert DataDelivery.objects.count() == 1


def test_waiting_file_is_removed_after_confirmation(as_user, heidekreis_user, settings):
    client = as_user(heidekreis_user)
    store(client)
    assert list(Path(settings.UPLOAD_PENDING_DIR).iterdir()) == []
    assert PENDING not in client.session


def test_ladestand_in_the_future_is_refused(as_user, heidekreis_user):
    response = upload(as_user(heidekreis_user), ladestand="2999-01-01")
    assert response.status_code == 400
    assert "Der Ladestand liegt in der Zukunft." in response.text


def test_oversized_request_is_refused_before_reading_it(as_user, heidekreis_user, settings):
    settings.UPLOAD_MAX_BYTES = 100
    client = as_user(heidekreis_user)
    response = client.post(
        UPLOAD,
        data=b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH="5000000",
    )
    assert response.status_code == 413
    assert "Die Datei ist zu groß; erlaubt sind höchstens 100 Byte." in response.text


def test_file_over_the_limit_is_refused_by_the_form(as_user, heidekreis_user, settings):
    settings.UPLOAD_MAX_BYTES = 300
    response = upload(as_user(heidekreis_user))
    assert response.status_code == 400
    assert "Die Datei ist 404 Byte groß; erlaubt sind höchstens 300 Byte." in response.text


def test_template_download(as_user, heidekreis_user):
    response = as_user(heidekreis_user).get(reverse("indicators:upload_template"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="vorlage-kennzahlen.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Lang", "Breit", "Erläuterung"]


# -- deliveries ----------------------------------------------------------------------------------


def test_delivery_list_shows_each_role_what_it_may_see(
    as_user, heidekreis_user, verden_user, reader, ministry_user
):
    delivery = stored_by(heidekreis_user)
    url = reverse("indicators:delivery_detail", args=[delivery.pk])
    assert url in as_user(heidekreis_user).get(reverse("indicators:delivery_list")).text
    assert url in as_user(reader).get(reverse("indicators:delivery_list")).text
    assert url in as_user(ministry_user).get(reverse("indicators:delivery_list")).text
    assert url not in as_user(verden_user).get(reverse("indicators:delivery_list")).text


def test_delivery_detail_of_another_landkreis_is_404(as_user, heidekreis_user, verden_user):
    delivery = stored_by(heidekreis_user)
    url = reverse("indicators:delivery_detail", args=[delivery.pk])
    assert as_user(verden_user).get(url).status_code == 404


def test_delivery_detail_names_everything_about_the_delivery(as_user, heidekreis_user, reader):
    delivery = stored_by(heidekreis_user)
    page = as_user(reader).get(reverse("indicators:delivery_detail", args=[delivery.pk]))
    assert page.status_code == 200
    for text in (
        "Ladestand 17.03.2020",
        "ohne Wartezeit",
        "Bundesagentur für Arbeit",
        "Hanna Heide",
        "lang_semikolon.csv",
        delivery.sha256,
        "03358 Landkreis Heidekreis",
        "13.520.000,00",
    ):
        assert text in page.text


def test_national_delivery_shows_a_jobcenter_only_its_own_values(
    as_user, ministry_user, heidekreis_user
):
    data = b"traeger;kennzahl;monat;wert\n03358;ELB;2020-01;5950\n03361;ELB;2020-01;4700\n"
    check = imports.check_file(data, "land.csv", ladestand=date(2020, 3, 17))
    delivery = imports.store_delivery(check, waiting_months=0, source="land", user=ministry_user)
    page = as_user(heidekreis_user).get(reverse("indicators:delivery_detail", args=[delivery.pk]))
    assert page.status_code == 200
    assert "03358 Landkreis Heidekreis" in page.text
    assert "03361" not in page.text and "Verden" not in page.text
    assert Values.objects.of_delivery(delivery).figure_count() == 2


def test_upload_without_csrf_token_is_refused(heidekreis_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(heidekreis_user)
    assert upload(client).status_code == 403
    assert DataDelivery.objects.count() == 0


# -- waiting uploads are bounded (issue 14 point 5) --------------------------------------------


def waiting_uploads(settings):
    return sorted(Path(settings.UPLOAD_PENDING_DIR).glob("*.upload"))


def test_one_upload_waits_per_user_whatever_the_session(heidekreis_user, settings):
    first, second = Client(), Client()
    first.force_login(heidekreis_user)
    second.force_login(heidekreis_user)
    old_token = token_of(upload(first))
    token_of(upload(second, "lang_komma.csv"))
    assert len(waiting_uploads(settings)) == 1
    response = first.post(CONFIRM, {"token": old_token})
    assert response.status_code == 302
    assert not DataDelivery.objects.exists()  # the replaced preview stores nothing


def test_many_previews_in_one_session_leave_one_waiting_file(as_user, heidekreis_user, settings):
    client = as_user(heidekreis_user)
    for _ in range(5):
        upload(client)
    assert len(waiting_uploads(settings)) == 1


def test_each_user_has_a_waiting_upload_of_their_own(
    as_user, heidekreis_user, ministry_user, settings
):
    upload(as_user(heidekreis_user))
    other = Client()
    other.force_login(ministry_user)
    token_of(upload(other, source="ba"))
    assert len(waiting_uploads(settings)) == 2


def test_a_full_waiting_folder_refuses_to_keep_another_upload(as_user, heidekreis_user, settings):
    settings.UPLOAD_PENDING_MAX_BYTES = 100  # smaller than the file
    response = upload(as_user(heidekreis_user))
    assert response.status_code == 200
    assert "Zu viele hochgeladene Dateien warten" in response.text
    assert 'name="token"' not in response.text
    assert waiting_uploads(settings) == []
