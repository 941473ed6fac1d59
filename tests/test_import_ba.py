"""The BA's files import without a mapping (issue 17, docs/import.md „Dateien der BA“): the
three BA files of the corpus are checked and stored with exactly the values of BA_EXPECTED
(variants, flags, aggregates, marks counted), through the upload pages and the command line;
the published values then show in `manage.py kennzahlen`."""

import importlib.util
import io
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from indicators import imports
from indicators.imports.marks import split_mark
from indicators.models import MONTH_FIELDS, NO_FLAG, DataDelivery, Values
from zielsteuerung.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "data" / "import"
_spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
make_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_corpus)
LADESTAND = date(2020, 10, 1)


def expected(name):
    """{(key, code, variant, year, month): (value, flag)} and {mark: count} of a corpus file."""
    values, marks = {}, {}
    for cell, text in make_corpus.BA_EXPECTED[name]["cells"].items():
        split = split_mark(text)
        if split.mark:
            marks[split.mark] = marks.get(split.mark, 0) + 1
        else:
            values[cell] = (Decimal(split.number.replace(",", ".")), split.flag)
    return values, marks


def stored(delivery):
    """What a delivery holds, in the form of `expected`."""
    found = {}
    rows = Values.objects.filter(delivery=delivery).values_list(
        "unit__key", "indicator__code", "variant", "year", "flags", *MONTH_FIELDS
    )
    for key, code, variant, year, flags, *months in rows:
        for number, value in enumerate(months, start=1):
            if value is not None:
                flag = flags[number - 1] if flags else NO_FLAG
                found[key, code, variant, year, number] = (value, "" if flag == NO_FLAG else flag)
    return found


def check(name, **options):
    data = (CORPUS / name).read_bytes()
    return imports.check_file(data, name, ladestand=LADESTAND, **options)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["ba_kennzahlen.xlsx", "ba_grunddaten.xlsx", "ba_grunddaten.csv"])
def test_each_ba_file_is_checked_and_stored_with_its_values(name):
    values, marks = expected(name)
    result = check(name)
    assert [str(p) for p in result.problems] == []
    assert result.value_count == len(values)
    assert result.skipped_marks == marks
    assert tuple(result.file_titles) == make_corpus.BA_EXPECTED[name]["titles"]
    delivery = imports.store_delivery(result, waiting_months=3, source="ba")
    assert stored(delivery) == values
    # Deutschland and Niedersachsen are aggregate units, not Jobcenter
    kinds = dict(Organisation.objects.filter(key__in=["D", "03"]).values_list("key", "kind"))
    assert kinds == {"D": OrganisationKind.AGGREGATE, "03": OrganisationKind.AGGREGATE}
    assert delivery.ladestand == LADESTAND  # the user's choice, not the file's Datenstand


def test_the_preview_counts_marks_with_meaning_and_offers_the_datenstand():
    notes = check("ba_kennzahlen.xlsx").notes
    assert "Laut Datei: Datenstand 01.10.2020, Wartezeit 3 Monate." in notes
    assert "Blatt „Hinweise“ enthält Erläuterungen, keine Werte: übergangen." in notes
    assert (
        "5 Zellen ohne Zahl übergangen (1 × „*“ (Geheimhaltung), 1 × „-“ (nichts vorhanden), "
        "1 × „.“ (Zahlenwert unbekannt), 1 × „x“ (Nachweis nicht sinnvoll), 1 × „…“ (Angabe "
        "fällt später an)); für diese Monate liefert die Datei keinen Wert."
    ) in notes


def test_the_preview_counts_the_values_kept_with_a_flag_with_meaning():
    values, _ = expected("ba_kennzahlen.xlsx")
    flags = {}
    for _, flag in values.values():
        if flag:
            flags[flag] = flags.get(flag, 0) + 1
    assert flags  # the corpus file holds flagged values
    meanings = {"(": "Aussagewert eingeschränkt", "p": "vorläufig", "r": "berichtigt"}
    shown = {"(": "( )", "p": "p", "r": "r"}
    listed = ", ".join(
        f"{n} × „{shown[flag]}“ ({meanings[flag]})"
        for flag, n in sorted(flags.items(), key=lambda item: "(prs".index(item[0]))
    )
    total = sum(flags.values())
    assert (
        f"{total} {'Wert' if total == 1 else 'Werte'} mit Kennzeichen übernommen ({listed}); "
        "sie werden mit dem Kennzeichen gespeichert und angezeigt."
    ) in check("ba_kennzahlen.xlsx").notes


def test_a_datenstand_other_than_the_chosen_ladestand_is_told_not_applied():
    data = (CORPUS / "ba_kennzahlen.xlsx").read_bytes()
    result = imports.check_file(data, "ba.xlsx", ladestand=date(2020, 11, 2))
    assert (
        "Laut Datei: Datenstand 01.10.2020, Wartezeit 3 Monate. Gewählt ist der Ladestand "
        "02.11.2020; gespeichert wird so."
    ) in result.notes
    assert result.ladestand == date(2020, 11, 2)


def test_a_key_that_is_no_zkt_is_told_what_it_is(tmp_path):
    text = (CORPUS / "ba_grunddaten.csv").read_bytes().decode("cp1252")
    text = text.replace("03358 Heidekreis", "03241 Region Hannover", 1)
    result = imports.check_file(text.encode("cp1252"), "hannover.csv", ladestand=LADESTAND)
    messages = [p.message for p in result.problems if not p.hint]
    assert messages == [
        "„03241 Region Hannover“ ist kein Landkreis dieser Zielsteuerung, sondern ein anderes "
        "Jobcenter (Kreisschlüssel): als Vergleichseinheit übernehmen."
    ]
    assert result.problems[0].column == "traeger"
    assert (result.problems[0].line, result.problems[0].more_lines) == (18, ())  # one line
    assert DataDelivery.objects.count() == 0


def test_a_jobcenter_may_not_deliver_a_ba_table_of_all_regions(heidekreis_user):
    result = check("ba_grunddaten.xlsx", user=heidekreis_user)
    assert not result.ok
    assert any("Sie dürfen nur Daten für" in p.message for p in result.problems)


# -- the upload pages and the command line ---------------------------------------------------


@pytest.fixture
def _pending_files_in_tmp(settings, tmp_path):
    settings.UPLOAD_PENDING_DIR = str(tmp_path / "pending")


@pytest.mark.usefixtures("_pending_files_in_tmp")
def test_ministry_uploads_previews_and_confirms_the_published_kennzahlen(as_user, ministry_user):
    client = as_user(ministry_user)
    name = "ba_kennzahlen.xlsx"
    response = client.post(
        reverse("indicators:upload"),
        {
            "file": SimpleUploadedFile(name, (CORPUS / name).read_bytes()),
            "ladestand": "2020-10-01",
            "waiting_months": "3",
            "source": "ba",
        },
    )
    assert response.status_code == 200
    assert "Laut Datei: Datenstand 01.10.2020, Wartezeit 3 Monate." in response.text
    assert "1 × „*“ (Geheimhaltung)" in response.text
    assert "1 × „x“ (Nachweis nicht sinnvoll)" in response.text
    assert "K2 (12-Monats-Wert)" in response.text  # each variant its own line, not summed
    assert "K2 (Jahresfortschrittswert)" in response.text
    assert DataDelivery.objects.count() == 0
    token = re.search(r'name="token" value="([^"]+)"', response.text).group(1)
    response = client.post(reverse("indicators:upload_confirm"), {"token": token})
    assert response.status_code == 302
    delivery = DataDelivery.objects.get()
    assert delivery.source == "ba"
    assert stored(delivery) == expected(name)[0]
    page = client.get(response["Location"]).text
    assert "K2 (12-Monats-Wert)" in page and "K2 (Jahresfortschrittswert)" in page

    rows = json.loads(kennzahlen("--year", 2020, "--month", 6, "--format", "json"))
    shown = {(r["traeger"], r["indicator"], r["variant"]): r for r in rows}
    heidekreis = shown["03358", "K2", "zwoelf_monate"]
    assert heidekreis["published"] == 21.0
    assert heidekreis["kind"] == "zkt"
    assert heidekreis["published_ladestand"] == "2020-10-01"
    germany = shown["D", "K2", "jfw"]
    assert germany["kind"] == "aggregat" and germany["rank"] is None
    assert germany["published"] == 20.4
    assert shown["03452", "K1", "vorjahresmonat"]["published"] is not None
    assert ("03358", "K1", "jfw") not in shown or shown["03358", "K1", "jfw"]["published"] is None


def kennzahlen(*args):
    out = io.StringIO()
    call_command("kennzahlen", *map(str, args), stdout=out)
    return out.getvalue()


def test_the_command_line_imports_a_ba_file_with_quelle_ba():
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_indicators",
        str(CORPUS / "ba_kennzahlen.xlsx"),
        "--ladestand",
        "2020-10-01",
        "--wartezeit",
        "3",
        "--quelle",
        "ba",
        stdout=out,
        stderr=err,
    )
    text = out.getvalue()
    assert "Laut Datei: Datenstand 01.10.2020, Wartezeit 3 Monate." in text
    assert "1 × „*“ (Geheimhaltung)" in text
    assert "Gespeichert: Ladestand 01.10.2020 (Wartezeit 3), 103 Werte für 16 Träger und 2 " in text
    assert "Aggregate (K1, K2, K3), 06/2020 bis 06/2020 (Lieferung" in text
    delivery = DataDelivery.objects.get()
    assert delivery.source == "ba"
    assert stored(delivery) == expected("ba_kennzahlen.xlsx")[0]


def test_another_jobcenter_of_a_ba_label_becomes_a_comparison_unit_with_its_name():
    text = (CORPUS / "ba_grunddaten.csv").read_bytes().decode("cp1252")
    text = text.replace("03358 Heidekreis", "03241 Region Hannover")
    result = imports.check_file(
        text.encode("cp1252"), "hannover.csv", ladestand=LADESTAND, create_units=True
    )
    assert result.ok
    assert [(u.key, u.name) for u in result.new_units] == [("03241", "Region Hannover")]
    imports.store_delivery(result, waiting_months=3, source="ba")
    hannover = Organisation.objects.get(key="03241")
    assert (hannover.name, hannover.kind) == ("Region Hannover", OrganisationKind.COMPARISON)
