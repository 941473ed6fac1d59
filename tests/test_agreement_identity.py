"""Year and Landkreis of an agreement with dialogs are fixed everywhere, and the JSON import
follows the editor's status rules (issue 14 point 3); a file nested too deep is refused."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from agreements.models import Agreement, AgreementStatus
from agreements.serialization import ImportRefused, export_agreements, import_agreements
from tests.dialogs_world import make_agreement, make_dialog

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(heidekreis):
    return make_agreement(heidekreis)


@pytest.fixture
def with_dialog(agreement, ministry_user):
    make_dialog(agreement, ministry_user)
    return agreement


def test_the_admin_shows_year_and_landkreis_read_only_once_dialogs_exist(
    admin_client, with_dialog, verden
):
    url = reverse("admin:agreements_agreement_change", args=[with_dialog.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="year"' not in page.text
    assert 'name="traeger"' not in page.text


def test_the_admin_still_edits_year_and_landkreis_without_dialogs(admin_client, agreement):
    page = admin_client.get(reverse("admin:agreements_agreement_change", args=[agreement.pk]))
    assert 'name="year"' in page.text and 'name="traeger"' in page.text


def test_the_model_refuses_to_move_an_agreement_with_dialogs(with_dialog, verden):
    with_dialog.traeger = verden
    with pytest.raises(ValidationError, match="Jahr und Landkreis"):
        with_dialog.full_clean()
    with pytest.raises(ValidationError, match="Jahr und Landkreis"):
        with_dialog.save()
    with_dialog.refresh_from_db()
    assert with_dialog.traeger.key == "03358"


def test_the_year_of_an_agreement_with_dialogs_cannot_change(with_dialog):
    with_dialog.year = 2021
    with pytest.raises(ValidationError):
        with_dialog.save()
    assert Agreement.objects.get(pk=with_dialog.pk).year == 2020


def test_an_agreement_without_dialogs_may_still_be_corrected(agreement):
    agreement.year = 2021
    agreement.save()
    assert Agreement.objects.get(pk=agreement.pk).year == 2021


def exported_with(agreement, **changes):
    data = export_agreements(Agreement.objects.filter(pk=agreement.pk))
    data["agreements"][0].update(changes)
    return data


def test_the_import_never_takes_a_signed_agreement_back_to_draft(agreement):
    with pytest.raises(ImportRefused) as refusal:
        import_agreements(exported_with(agreement, status="entwurf"), reason="zurück")
    assert refusal.value.errors == [
        "Vereinbarung 2020/03358, Feld „status“: von „unterzeichnet“ nach „Entwurf“ ist kein "
        "erlaubter Statuswechsel (erlaubt: „abgeschlossen“); nichts importiert."
    ]
    assert Agreement.objects.get(pk=agreement.pk).status == AgreementStatus.SIGNED


def test_the_import_changes_a_signed_agreement_only_with_a_reason(agreement):
    data = exported_with(agreement, preamble="Geänderte Grundsätze.")
    with pytest.raises(ImportRefused) as refusal:
        import_agreements(data)
    assert "ist unterzeichnet; eine Änderung braucht" in refusal.value.errors[0]
    assert Agreement.objects.get(pk=agreement.pk).version == agreement.version

    ((updated, _),) = import_agreements(data, reason="Grundsätze nach Abstimmung ergänzt")
    assert updated.preamble == "Geänderte Grundsätze."
    assert updated.history.first().history_change_reason == "Grundsätze nach Abstimmung ergänzt"


def test_the_import_takes_an_allowed_status_step(agreement):
    agreement.status = AgreementStatus.NEGOTIATION
    agreement.save()
    ((updated, _),) = import_agreements(exported_with(agreement, status="entwurf"))
    assert updated.status == AgreementStatus.DRAFT


def test_json_nested_100_000_deep_is_refused_with_a_message(tmp_path):
    path = tmp_path / "tief.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_agreements", str(path), stdout=io.StringIO(), stderr=err)
    assert "zu tief verschachtelt" in err.getvalue()


def test_json_nested_deeper_than_the_format_is_refused_before_reading_it():
    deep = {"format": "zielsteuerung.agreements/1", "agreements": []}
    inner = deep
    for _ in range(50):
        inner["x"] = {}
        inner = inner["x"]
    with pytest.raises(ImportRefused, match="zu tief verschachtelt"):
        import_agreements(json.loads(json.dumps(deep)))
