"""A large upload is stored by a background task: in-process without a worker (the default),
or queued in the database and run by django-tasks-db's `db_worker`, followed on a status page."""

import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from indicators import tasks
from indicators.models import DataDelivery

CORPUS = Path(__file__).parent / "data" / "import"
UPLOAD = reverse("indicators:upload")
CONFIRM = reverse("indicators:upload_confirm")
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _every_upload_is_large(settings, tmp_path):
    settings.UPLOAD_PENDING_DIR = str(tmp_path / "pending")
    settings.IMPORT_TASK_MIN_VALUES = 1


def upload_and_confirm(client, name="lang_semikolon.csv"):
    response = client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile(name, (CORPUS / name).read_bytes()),
            "ladestand": "2020-03-17",
            "waiting_months": "0",
        },
    )
    token = re.search(r'name="token" value="([^"]+)"', response.text).group(1)
    return token, client.post(CONFIRM, {"token": token})


def status_urls(token):
    return (
        reverse("indicators:upload_status", args=[token]),
        reverse("indicators:upload_status_json", args=[token]),
    )


@pytest.mark.django_db
def test_without_a_worker_the_task_runs_in_process_and_shows_the_delivery(
    as_user, heidekreis_user, settings
):
    client = as_user(heidekreis_user)
    token, response = upload_and_confirm(client)
    delivery = DataDelivery.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:delivery_detail", args=[delivery.pk])
    assert delivery.values.figure_count() == 16
    assert delivery.delivered_by == heidekreis_user
    page = client.get(response["Location"])
    assert "Gespeichert: Ladestand 17.03.2020 (ohne Wartezeit), 16 Werte für 03358" in page.text
    assert list(Path(settings.UPLOAD_PENDING_DIR).iterdir()) == []


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_with_a_worker_the_import_waits_runs_and_reports_progress(
    client, heidekreis_user, verden_user, reader
):
    client.force_login(heidekreis_user)
    token, response = upload_and_confirm(client)
    page_url, json_url = status_urls(token)
    assert response.status_code == 302
    assert response["Location"] == page_url
    assert DataDelivery.objects.count() == 0  # queued, not yet stored

    page = client.get(page_url)
    assert page.status_code == 200
    assert "Der Import wartet auf den Hintergrunddienst." in page.text
    assert 'src="/static/js/import-status.js"' in page.text
    assert 'data-status-url="' + json_url + '"' in page.text
    waiting = client.get(json_url).json()
    assert waiting["state"] == "waiting"
    assert waiting["percent"] == 0
    assert waiting["url"] is None

    client.force_login(verden_user)  # another Landkreis' Jobcenter: no such import
    assert client.get(page_url).status_code == 404
    assert client.get(json_url).status_code == 404
    client.force_login(reader)
    assert client.get(page_url).status_code == 403

    call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)

    delivery = DataDelivery.objects.get()
    assert delivery.values.figure_count() == 16
    assert delivery.delivered_by == heidekreis_user
    client.force_login(heidekreis_user)
    done = client.get(json_url).json()
    assert done["state"] == "done"
    assert done["percent"] == 100
    assert done["url"] == reverse("indicators:delivery_detail", args=[delivery.pk])
    assert done["text"].startswith("Gespeichert: Ladestand 17.03.2020")
    page = client.get(page_url)
    assert "Zur gespeicherten Lieferung" in page.text
    assert "import-status.js" not in page.text  # nothing left to follow


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_worker_refuses_a_file_that_was_stored_while_it_waited(client, heidekreis_user):
    client.force_login(heidekreis_user)
    first, _ = upload_and_confirm(client)
    second, _ = upload_and_confirm(client)  # the same file, previewed before either is stored
    call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)

    assert DataDelivery.objects.count() == 1
    states = {token: tasks.read_status(token)["state"] for token in (first, second)}
    assert sorted(states.values()) == ["done", "failed"]
    failed = next(token for token, state in states.items() if state == "failed")
    status = client.get(status_urls(failed)[1]).json()
    assert any("bereits" in problem for problem in status["problems"])
    page = client.get(status_urls(failed)[0])
    assert "Die Datei wurde nicht gespeichert" in page.text
    assert "Andere Datei hochladen" in page.text


def test_progress_counts_checking_as_a_third_and_storing_as_the_rest():
    assert tasks.percent({"state": "waiting"}) == 0
    assert tasks.percent({"state": "running", "step": "Prüfen", "done": 3, "total": 3}) == 33
    assert tasks.percent({"state": "running", "step": "Speichern", "done": 50, "total": 100}) == 66
    assert tasks.percent({"state": "done"}) == 100


def test_status_file_is_written_whole(settings, tmp_path):
    settings.UPLOAD_PENDING_DIR = str(tmp_path)
    token = "A" * 43
    tasks.write_status(token, user=1, state="running", step="Speichern", done=1, total=2)
    assert json.loads(tasks.status_path(token).read_text())["done"] == 1
    assert [p.name for p in tmp_path.iterdir()] == [f"{token}.status.json"]
    with pytest.raises(ValueError):
        tasks.status_path("../../etc/passwd")


@pytest.mark.django_db
def test_a_second_run_of_the_same_job_leaves_the_stored_delivery_and_its_status(
    as_user, heidekreis_user
):
    client = as_user(heidekreis_user)
    token, _ = upload_and_confirm(client)
    delivery = DataDelivery.objects.get()
    # As a worker leaves it: the status page still shows the finished job.
    tasks.write_status(token, user=heidekreis_user.pk, state="done", delivery=delivery.pk)
    details = {"file_name": "lang_semikolon.csv", "ladestand": "2020-03-17"}
    again = tasks.store_upload.func(token, details, heidekreis_user.pk)
    assert again == delivery.pk
    assert tasks.read_status(token)["state"] == "done"
    assert DataDelivery.objects.count() == 1
