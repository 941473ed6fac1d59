"""The column mapping (docs/import.md, „Spalten zuordnen“): a header the product does not
recognise is mapped by the user on the web or with `--zuordnung` on the command line, checked
like any file, saved per organisation and source and offered again; and the button that takes
over a BA table's Datenstand."""

import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from indicators import imports
from indicators.imports.layout import _indicator_codes
from indicators.imports.mapping import (
    Mapping,
    default_header_line,
    fingerprint,
    guessed_roles,
    parse_json,
)
from indicators.models import ColumnMapping, DataDelivery, Values
from indicators.views import PENDING
from tests import test_import_views
from tests.test_import_views import token_of

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "data" / "import"
NAME = "eigene_kopfzeile.csv"  # header in line 3: Kreis;Name;Berichtsmonat;Erwerbsfähige LB;…
UPLOAD = reverse("indicators:upload")
MAPPING = reverse("indicators:upload_mapping")
CONFIRM = reverse("indicators:upload_confirm")
TITLES = reverse("indicators:upload_titles")
JSON = {
    "kopfzeile": 3,
    "spalten": {
        "Kreis": "traeger",
        "Name": "name",
        "Berichtsmonat": "monat",
        "Erwerbsfähige LB": "ELB",
        "Integrationen": "INT",
        "JFW Integrationsquote": "K2:jfw",
        "Bemerkung": "ignorieren",
    },
}
# The mapping step's fields for the header of eigene_kopfzeile.csv, as a user fills them.
FIELDS = {
    "kopfzeile": "3",
    "rolle_0": "traeger",
    "rolle_1": "name",
    "rolle_2": "monat",
    "rolle_3": "ELB",
    "rolle_4": "INT",
    "rolle_5": "K2",
    "variante_5": "jfw",
    "rolle_6": "ignorieren",
}


@pytest.fixture(autouse=True)
def _pending_files_in_tmp(settings, tmp_path):
    settings.UPLOAD_PENDING_DIR = str(tmp_path / "pending")


def parsed(data):
    return parse_json(json.dumps(data), _indicator_codes())


def refusal(data):
    with pytest.raises(imports.Refused) as refused:
        parse_json(data if isinstance(data, str) else json.dumps(data), _indicator_codes())
    return [str(problem) for problem in refused.value.problems]


def check(name=NAME, mapping=None, **options):
    data = (CORPUS / name).read_bytes()
    return imports.check_file(data, name, ladestand=date(2020, 3, 17), mapping=mapping, **options)


def upload(client, name=NAME, **fields):
    return test_import_views.upload(client, name, **fields)


def mapped(client, fields):
    """The mapping step sent for the file that waits (its form carries the upload's token)."""
    return client.post(MAPPING, {"token": client.session[PENDING]["token"], **fields})


# -- the mapping as data ----------------------------------------------------------------------


def test_an_unrecognised_header_asks_for_a_mapping():
    result = check()
    assert not result.ok
    assert result.problems[0].layout
    assert "Keine Kopfzeile gefunden" in result.problems[0].message


def test_a_mapping_reads_the_file_with_the_ordinary_check():
    result = check(mapping=parsed(JSON))
    assert result.ok, [str(p) for p in result.problems]
    assert result.describe() == "6 Werte für 03358 (K2, ELB, INT), 01/2020 bis 02/2020"
    cells = result.cells()
    assert ("03358", "K2 (Jahresfortschrittswert)", date(2020, 2, 1), "g", Decimal("13.1")) in cells
    assert ("03358", "ELB", date(2020, 1, 1), "g", Decimal("5950")) in cells
    assert "Nicht gelesene Spalten: „Bemerkung“." in result.notes
    assert result.notes[0].startswith("Spaltenzuordnung verwendet: Kopfzeile in Zeile 3;")


def test_a_mapped_file_keeps_every_rule_of_the_check():
    """Months after the Ladestand, wrong numbers: the same messages as for any file."""
    text = (CORPUS / NAME).read_text().replace("02/2020", "05/2020").replace("13,1", "viel")
    mapping = parsed(JSON)
    data = text.encode()
    result = imports.check_file(data, "x.csv", ladestand=date(2020, 3, 17), mapping=mapping)
    problems = [str(p) for p in result.problems]
    assert any(
        "Zeile 5, Spalte „Berichtsmonat“" in p and "liegt nach dem Ladestand" in p for p in problems
    )
    assert any("Spalte „JFW Integrationsquote“" in p and "„viel“" in p for p in problems)


def test_a_long_form_mapping_reads_the_code_and_value_columns():
    mapping = parsed(
        {
            "kopfzeile": 1,
            "spalten": {"Kreis": "traeger", "Größe": "kennzahl", "Zeit": "monat", "Zahl": "wert"},
        }
    )
    result = check("keine_kopfzeile.csv", mapping=mapping)
    assert result.ok, [str(p) for p in result.problems]
    assert result.describe() == "16 Werte für 03358 (LLU, ELB, INT, LZB), 12/2018 bis 02/2020"


def test_json_errors_are_told_in_german_with_the_entry():
    assert refusal("{") == ["Die Zuordnung ist kein gültiges JSON (Zeile 1, Zeichen 2)."]
    assert refusal([]) == [
        'Die Zuordnung muss ein JSON-Objekt sein: {"kopfzeile": 3, "spalten": {"Kreis": "traeger", …}}.'
    ]
    problems = refusal(
        {"kopfzeile": 31, "spalten": {"Kreis": "kreis", "A": "K9:jfw", "B": "K2:jahr"}, "x": 1}
    )
    assert problems[0] == (
        "„x“ ist kein Eintrag der Zuordnung; erlaubt sind „kopfzeile“, „spalten“ und „blatt“."
    )
    assert "„kopfzeile“ ist 31; erwartet wird eine Zeile von 1 bis 30." in problems
    assert any(
        p.startswith("Spalte „Kreis“: „kreis“ ist keine Rolle. Erlaubt sind traeger")
        for p in problems
    )
    assert any(p.startswith("Spalte „A“: „K9“ ist keine bekannte Kennzahl.") for p in problems)
    assert (
        "Spalte „B“: „jahr“ ist keine Variante; erlaubt sind jfw, zwoelf_monate, vorjahresmonat."
        in problems
    )


def test_a_mapping_must_name_unit_month_and_values_once():
    problems = refusal({"kopfzeile": 1, "spalten": {"A": "ELB", "B": "elb", "C": "wert"}})
    assert "Keine Spalte ist „Träger-Schlüssel“ oder „Träger-Name“ zugeordnet." in problems
    assert "Keine Spalte ist „Monat“ zugeordnet." in problems
    assert "ELB ist 2 Spalten zugeordnet („A“, „B“); erlaubt ist eine." in problems
    assert any("lange Form" in p and "zugleich Spalten einer Kennzahl" in p for p in problems)
    problems = refusal({"kopfzeile": 1, "spalten": {"A": "traeger", "B": "traeger", "C": "monat"}})
    assert "„Träger-Schlüssel“ ist 2 Spalten zugeordnet („A“, „B“); erlaubt ist eine." in problems
    assert any(p.startswith("Keine Spalte enthält Werte") for p in problems)


def test_a_mapping_for_another_header_is_refused_naming_the_columns():
    mapping = parsed(
        {"kopfzeile": 3, "spalten": {"Kreis": "traeger", "Monat": "monat", "ELB": "ELB"}}
    )
    result = check(mapping=mapping)
    assert not result.ok
    message = str(result.problems[0])
    assert message.startswith(
        "Zeile 3: Die Kopfzeile passt nicht zur Zuordnung: die Zuordnung nennt „Monat“, „ELB“, die Kopfzeile nicht;"
    )
    assert "für „Name“, „Berichtsmonat“" in message


def test_the_mapping_step_guesses_header_row_and_roles():
    rows = imports.head_rows((CORPUS / NAME).read_bytes()).rows
    codes = _indicator_codes()
    assert default_header_line(rows, codes) == 3
    header = rows[2][1]
    assert guessed_roles(header, codes) == [
        "traeger", "name", "monat", "ignorieren", "ignorieren", "ignorieren", "ignorieren"
    ]  # fmt: skip
    assert guessed_roles(["Kreis", "Monat", "K2 Jahresfortschrittswert", "elb"], codes)[2:] == [
        "K2:jfw",
        "ELB",
    ]
    assert fingerprint(["Kreis ", "NAME", ""]) == fingerprint(["kreis", "Name"])


# -- the command line ---------------------------------------------------------------------------


def test_command_imports_with_zuordnung(tmp_path):
    path = tmp_path / "zuordnung.json"
    path.write_text(json.dumps(JSON, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_indicators",
        CORPUS / NAME,
        "--ladestand",
        "2020-03-17",
        "--zuordnung",
        path,
        stdout=out,
    )
    assert "Spaltenzuordnung verwendet: Kopfzeile in Zeile 3;" in out.getvalue()
    assert "Gespeichert: Ladestand 17.03.2020 (ohne Wartezeit), 6 Werte für 03358" in out.getvalue()
    assert DataDelivery.objects.get().values.figure_count() == 6


def test_command_tells_a_wrong_zuordnung_and_stores_nothing(tmp_path):
    path = tmp_path / "zuordnung.json"
    path.write_text('{"kopfzeile": 3, "spalten": {"Kreis": "landkreis"}}', encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "import_indicators",
            CORPUS / NAME,
            "--ladestand",
            "2020-03-17",
            "--zuordnung",
            path,
            stderr=err,
        )
    assert (
        "Zuordnung zuordnung.json: Spalte „Kreis“: „landkreis“ ist keine Rolle." in err.getvalue()
    )
    assert DataDelivery.objects.count() == 0


def test_command_without_zuordnung_points_to_it():
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_indicators", CORPUS / NAME, "--ladestand", "2020-03-17", stderr=err)
    assert "ordnen Sie mit --zuordnung DATEI zu" in err.getvalue()


# -- the web ------------------------------------------------------------------------------------


def test_unrecognised_header_leads_to_the_mapping_step(as_user, heidekreis_user):
    client = as_user(heidekreis_user)
    response = upload(client)
    assert response.status_code == 302
    assert response["Location"] == MAPPING
    page = client.get(MAPPING)
    assert page.status_code == 200
    assert "Die Kopfzeile dieser Datei wurde nicht erkannt." in page.text
    assert '<option value="3" selected>Zeile 3: Kreis | Name | Berichtsmonat' in page.text
    assert "<code>5.950</code>, <code>5.900</code>" in page.text  # sample values
    assert '<option value="traeger" selected>Träger-Schlüssel</option>' in page.text
    assert client.session[PENDING]["token"]  # the file waits while it is mapped


def test_mapping_preview_confirm_stores_the_values_and_the_mapping(
    as_user, heidekreis_user, heidekreis
):
    client = as_user(heidekreis_user)
    upload(client)
    response = mapped(client, FIELDS)
    assert response.status_code == 200
    assert "Die Spalten wurden nach Ihrer Zuordnung gelesen" in response.text
    assert "6 Werte für 03358 (K2, ELB, INT), 01/2020 bis 02/2020" in response.text
    assert "Zuordnung ändern" in response.text
    assert ColumnMapping.objects.count() == 0  # saved on confirmation only
    confirmed = client.post(CONFIRM, {"token": token_of(response)})
    delivery = DataDelivery.objects.get()
    assert confirmed["Location"] == reverse("indicators:delivery_detail", args=[delivery.pk])
    stored = list(Values.objects.of_delivery(delivery).cells())
    assert len(stored) == 6
    saved = ColumnMapping.objects.get()
    assert saved.organisation == heidekreis
    assert saved.source == "jobcenter"
    assert saved.header[:3] == ["Kreis", "Name", "Berichtsmonat"]
    assert saved.roles == ["traeger", "name", "monat", "ELB", "INT", "K2:jfw", "ignorieren"]
    assert saved.created_by == heidekreis_user


def test_a_wrong_mapping_is_told_on_the_mapping_step(as_user, heidekreis_user):
    client = as_user(heidekreis_user)
    upload(client)
    response = mapped(client, {**FIELDS, "rolle_2": "ignorieren"})
    assert response.status_code == 400
    assert "Keine Spalte ist „Monat“ zugeordnet." in response.text
    assert DataDelivery.objects.count() == 0


def test_the_saved_mapping_is_used_for_the_same_header_with_a_note(as_user, heidekreis_user):
    client = as_user(heidekreis_user)
    upload(client)
    client.post(CONFIRM, {"token": token_of(mapped(client, FIELDS))})
    # Next month's file: the same header, one title row fewer, other values.
    text = (CORPUS / NAME).read_text().split("\n", 1)[1].replace("5.950", "5.960")
    data = {
        "file": SimpleUploadedFile("maerz.csv", text.encode()),
        "ladestand": "2020-03-18",
        "waiting_months": "0",
    }
    response = client.post(UPLOAD, data, follow=True)
    assert (
        "Die Spalten wurden nach der gespeicherten Zuordnung Ihrer Organisation (gespeichert am"
        in response.text
    )
    assert "von Hanna Heide" in response.text
    assert "Kopfzeile in Zeile 2" in response.text
    assert "6 Werte für 03358" in response.text
    change = client.get(MAPPING + "?aendern=1")  # the way to change it: the step, pre-filled
    assert '<option value="K2" selected>' in change.text
    assert '<option value="jfw" selected>' in change.text


def test_a_saved_mapping_is_not_offered_to_another_organisation(
    as_user, heidekreis_user, verden_user
):
    client = as_user(heidekreis_user)
    upload(client)
    client.post(CONFIRM, {"token": token_of(mapped(client, FIELDS))})
    other = as_user(verden_user)
    text = (CORPUS / NAME).read_text().replace("03358", "03361").replace("Heidekreis", "Verden")
    data = {
        "file": SimpleUploadedFile("verden.csv", text.encode()),
        "ladestand": "2020-03-17",
        "waiting_months": "0",
    }
    response = other.post(UPLOAD, data, follow=True)
    assert "Die Kopfzeile dieser Datei wurde nicht erkannt." in response.text
    assert "gespeicherten Zuordnung" not in response.text


def test_a_jobcenter_cannot_map_another_landkreis_data(as_user, heidekreis_user):
    client = as_user(heidekreis_user)
    text = (CORPUS / NAME).read_text().replace("03358", "03361").replace("Heidekreis", "Verden")
    data = {
        "file": SimpleUploadedFile("verden.csv", text.encode()),
        "ladestand": "2020-03-17",
        "waiting_months": "0",
    }
    client.post(UPLOAD, data)
    response = mapped(client, FIELDS)
    assert "Sie dürfen nur Daten für Landkreis Heidekreis (03358) liefern" in response.text
    assert 'action="/kennzahlen/hochladen/bestaetigen/"' not in response.text
    assert DataDelivery.objects.count() == 0


def test_mapping_step_refuses_readers_wrong_methods_and_no_waiting_file(
    as_user, reader, heidekreis_user
):
    assert as_user(reader).get(MAPPING).status_code == 403
    assert as_user(reader).post(MAPPING, FIELDS).status_code == 403
    client = as_user(heidekreis_user)
    assert client.put(MAPPING).status_code == 405
    response = client.get(MAPPING)
    assert response.status_code == 302 and response["Location"] == UPLOAD


def test_the_ministry_maps_a_file_of_several_landkreise(as_user, ministry_user):
    client = as_user(ministry_user)
    text = (CORPUS / NAME).read_text() + "03361;Verden;01/2020;4.000;90;11,0;\n"
    data = {
        "file": SimpleUploadedFile("land.csv", text.encode()),
        "ladestand": "2020-03-17",
        "waiting_months": "0",
        "source": "land",
    }
    client.post(UPLOAD, data)
    response = mapped(client, FIELDS)
    assert "9 Werte für 2 Träger (K2, ELB, INT)" in response.text
    client.post(CONFIRM, {"token": token_of(response)})
    assert ColumnMapping.objects.get().source == "land"


# -- the file's Datenstand --------------------------------------------------------------------


def test_the_files_datenstand_is_taken_over_on_the_button_only(as_user, ministry_user):
    client = as_user(ministry_user)
    name = "ba_kennzahlen.xlsx"
    data = {
        "file": SimpleUploadedFile(name, (CORPUS / name).read_bytes()),
        "ladestand": "2020-11-02",
        "waiting_months": "0",
        "source": "ba",
    }
    response = client.post(UPLOAD, data)
    assert "Datenstand der Datei übernehmen (01.10.2020, Wartezeit 3 Monate)" in response.text
    assert client.session[PENDING]["ladestand"] == "2020-11-02"  # not applied by itself
    response = client.post(TITLES, {"token": token_of(response)})
    assert response.status_code == 200
    assert "Datenstand der Datei übernommen: 01.10.2020, Wartezeit 3 Monate." in response.text
    assert "Datenstand der Datei übernehmen" not in response.text
    client.post(CONFIRM, {"token": token_of(response)})
    delivery = DataDelivery.objects.get()
    assert (delivery.ladestand, delivery.waiting_months) == (date(2020, 10, 1), 3)


def test_the_datenstand_button_needs_the_waiting_upload(as_user, ministry_user, reader):
    assert as_user(reader).post(TITLES, {"token": "x" * 43}).status_code == 403
    client = as_user(ministry_user)
    assert client.get(TITLES).status_code == 405
    response = client.post(TITLES, {"token": "x" * 43})
    assert response.status_code == 302 and response["Location"] == UPLOAD


def test_mapping_round_trips_through_the_session():
    mapping = parsed(JSON)
    assert Mapping.from_data(json.loads(json.dumps(mapping.to_data()))) == mapping


def _workbook(rows, title="Daten"):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_is_read_with_a_mapping_on_its_sheet():
    data = _workbook(
        [["Auswertung"], ["KS", "Periode", "Bestand ELB"], ["03358", date(2020, 1, 31), 5950]]
    )
    assert imports.head_rows(data).sheet == "Daten"
    spalten = {"KS": "traeger", "Periode": "monat", "Bestand ELB": "ELB"}
    mapping = parsed({"kopfzeile": 2, "blatt": "Daten", "spalten": spalten})
    result = imports.check_file(data, "x.xlsx", ladestand=date(2020, 3, 17), mapping=mapping)
    assert result.ok, [str(p) for p in result.problems]
    assert result.cells() == [("03358", "ELB", date(2020, 1, 1), "g", Decimal("5950"))]
    wrong = parsed({"kopfzeile": 2, "blatt": "Tabelle1", "spalten": spalten})
    result = imports.check_file(data, "x.xlsx", ladestand=date(2020, 3, 17), mapping=wrong)
    assert [str(p) for p in result.problems] == [
        "Die Arbeitsmappe hat kein Blatt „Tabelle1“, für das die Zuordnung gilt (vorhanden: „Daten“)."
    ]


def test_a_large_mapped_upload_is_stored_in_the_background_with_its_mapping(
    as_user, heidekreis_user, settings
):
    settings.IMPORT_TASK_MIN_VALUES = 1  # every upload goes to the task (ImmediateBackend)
    client = as_user(heidekreis_user)
    upload(client)
    response = client.post(CONFIRM, {"token": token_of(mapped(client, FIELDS))})
    delivery = DataDelivery.objects.get()
    assert response["Location"] == reverse("indicators:delivery_detail", args=[delivery.pk])
    assert delivery.values.figure_count() == 6
    assert ColumnMapping.objects.count() == 1


def test_a_saved_mapping_is_kept_per_source_and_replaced_by_a_new_one(as_user, ministry_user):
    client = as_user(ministry_user)
    upload(client, source="land")
    client.post(CONFIRM, {"token": token_of(mapped(client, FIELDS))})
    text = (CORPUS / NAME).read_text().replace("5.950", "5.970")
    data = {
        "file": SimpleUploadedFile("ba.csv", text.encode()),
        "ladestand": "2020-03-17",
        "waiting_months": "0",
        "source": "ba",
    }
    response = client.post(UPLOAD, data, follow=True)
    assert "Die Kopfzeile dieser Datei wurde nicht erkannt." in response.text  # not for BA
    text = text.replace("5.970", "5.980")
    data = {**data, "file": SimpleUploadedFile("land2.csv", text.encode()), "source": "land"}
    response = client.post(UPLOAD, data, follow=True)
    assert "nach der gespeicherten Zuordnung Ihrer Organisation" in response.text
    mapped(client, {**FIELDS, "rolle_4": "ignorieren"})  # changed: INT not read
    client.post(CONFIRM, {"token": client.session[PENDING]["token"]})
    saved = ColumnMapping.objects.get()  # replaced, not a second one
    assert saved.roles[4] == "ignorieren"


def test_the_mapping_step_offers_the_worksheets_of_a_workbook(as_user, heidekreis_user):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Hinweise"
    workbook.active.append(["Diese Mappe enthält die Bestände."])
    data_sheet = workbook.create_sheet("Daten")
    for row in [["KS", "Periode", "Bestand ELB"], ["03358", date(2020, 1, 31), 5950]]:
        data_sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = as_user(heidekreis_user)
    files = {"file": SimpleUploadedFile("mappe.xlsx", buffer.getvalue())}
    client.post(UPLOAD, {**files, "ladestand": "2020-03-17", "waiting_months": "0"})
    page = client.get(MAPPING + "?blatt=Daten")
    assert '<option value="Daten" selected>Daten</option>' in page.text
    assert '<input type="hidden" name="blatt" value="Daten">' in page.text
    fields = {"blatt": "Daten", "kopfzeile": "1", "rolle_0": "traeger", "rolle_1": "monat"}
    response = mapped(client, {**fields, "rolle_2": "ELB"})
    assert "1 Wert für 03358 (ELB), 01/2020 bis 01/2020" in response.text
    assert "Kopfzeile in Zeile 1 des Blatts „Daten“" in response.text


def test_an_unknown_column_of_a_wide_file_leads_to_the_mapping_step_too(as_user, heidekreis_user):
    client = as_user(heidekreis_user)
    response = upload(client, "breit_unbekannte_spalte.csv")  # traeger;monat;ELB;ELB_AE2
    assert response["Location"] == MAPPING
    page = client.get(MAPPING)
    assert "„ELB_AE2“ ist keine bekannte Kennzahl." in page.text
    assert '<option value="ELB" selected>' in page.text  # the known code is preset
    fields = {"kopfzeile": "1", "rolle_0": "traeger", "rolle_1": "monat", "rolle_2": "ELB"}
    response = mapped(client, {**fields, "rolle_3": "ignorieren"})
    assert "1 Wert für 03358 (ELB), 01/2020 bis 01/2020" in response.text
    assert "Nicht gelesene Spalten: „ELB_AE2“." in response.text


@pytest.mark.parametrize(
    ("change", "told"),
    [
        ({"kopfzeile": "99"}, "Die Kopfzeile muss eine der ersten 30 Zeilen der Datei sein"),
        ({"kopfzeile": "abc"}, "Die Kopfzeile muss eine der ersten 30 Zeilen der Datei sein"),
        ({"variante_5": "quartal"}, "Diese Variante gibt es nicht; bitte eine der Liste wählen."),
    ],
)
def test_a_tampered_field_of_the_mapping_step_is_told_and_nothing_kept(
    as_user, heidekreis_user, change, told
):
    client = as_user(heidekreis_user)
    upload(client)
    response = mapped(client, {**FIELDS, **change})
    assert response.status_code == 400
    assert told in response.text
    assert "mapping" not in client.session[PENDING]
    assert ColumnMapping.objects.count() == 0
    assert '<input type="hidden" name="kopfzeile" value="3">' in response.text  # sent again: read


def test_a_mapping_page_of_an_earlier_file_is_not_applied_to_the_next(as_user, heidekreis_user):
    client = as_user(heidekreis_user)
    upload(client)
    earlier = client.session[PENDING]["token"]
    upload(client, "breit_unbekannte_spalte.csv")  # in another tab, before sending the first
    response = client.post(MAPPING, {"token": earlier, **FIELDS})
    assert response.status_code == 302 and response["Location"] == MAPPING
    page = client.get(MAPPING)
    assert "Diese Zuordnung galt einer anderen, zuvor hochgeladenen Datei." in page.text
    assert "mapping" not in client.session[PENDING]
    assert client.post(MAPPING, FIELDS).status_code == 302  # no token: the same


def test_a_very_long_header_cell_is_shown_cut_short(as_user, heidekreis_user):
    long = "Bemerkung " + "sehr " * 200
    text = (CORPUS / NAME).read_text().replace("Bemerkung", long)
    client = as_user(heidekreis_user)
    client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile("lang.csv", text.encode()),
            "ladestand": "2020-03-17",
            "waiting_months": "0",
        },
    )
    page = client.get(MAPPING)
    assert page.status_code == 200
    assert "Bemerkung sehr sehr" in page.text
    assert long.strip() not in page.text


def test_a_column_named_twice_in_json_differing_in_case_or_spaces_is_told():
    problems = refusal(
        {
            "kopfzeile": 1,
            "spalten": {
                "traeger": "traeger",
                "monat": "monat",
                "ELB": "ELB",
                " elb ": "ignorieren",
            },
        }
    )
    assert problems == ["Spalte „elb“ steht zweimal in der Zuordnung."]


def test_a_code_given_to_three_columns_is_told_with_their_number():
    problems = refusal(
        {
            "kopfzeile": 1,
            "spalten": {"T": "traeger", "M": "monat", "A": "ELB", "B": "ELB", "C": "ELB"},
        }
    )
    assert problems == ["ELB ist 3 Spalten zugeordnet („A“, „B“, „C“); erlaubt ist eine."]
