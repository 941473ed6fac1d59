"""The corpus of real-world files (tests/data/import, written by make_corpus.py): each awkward
form is accepted with exactly the right values; each mistake is refused with exactly the
message the user reads, and nothing is stored."""

import time
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from indicators import imports
from indicators.models import DataDelivery, Values
from zielsteuerung.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "data" / "import"
LADESTAND = date(2020, 3, 17)

# docs/domain.md § 5.5: the worked example of Landkreis Heidekreis (03358)
EXAMPLE = [
    ("ELB", "2018-12", "6000"),
    ("ELB", "2019-01", "6100"),
    ("ELB", "2019-12", "5900"),
    ("ELB", "2020-01", "5950"),
    ("INT", "2019-01", "150"),
    ("INT", "2019-02", "160"),
    ("INT", "2020-01", "160"),
    ("INT", "2020-02", "170"),
    ("LZB", "2019-01", "4000"),
    ("LZB", "2019-02", "3990"),
    ("LZB", "2020-01", "3900"),
    ("LZB", "2020-02", "3920"),
    ("LLU", "2019-01", "3400000"),
    ("LLU", "2019-02", "3380000"),
    ("LLU", "2020-01", "3350000"),
    ("LLU", "2020-02", "3390000"),
]
WORKED = {("03358", code, month, "g", Decimal(value)) for code, month, value in EXAMPLE}
WITH_CENTS = {
    (key, code, month, sex, value + Decimal("0.55") if code == "LLU" else value)
    for key, code, month, sex, value in WORKED
}
KNOWN_CODES = (
    "Bekannt sind: K1, K1E1, K1E2, K1E3, K1E4, K2, K2E1, K2E2, K2E3, K2E4, K3, K3E1, K3E2, "
    "K3E3, K3E4, LLU, LUH, ELB, INT, LZB, ELB_AE, INT_AE, INT_LZB."
)


def check(name, user=None, **options):
    path = CORPUS / name
    return imports.check_file(path.read_bytes(), name, ladestand=LADESTAND, user=user, **options)


def stored(delivery):
    keys = dict(Organisation.objects.values_list("pk", "key"))
    return {
        (keys[c.unit_id], c.code, f"{c.month:%Y-%m}", c.sex, c.value)
        for c in Values.objects.of_delivery(delivery).cells()
    }


def assert_nothing_stored():
    assert DataDelivery.objects.count() == 0
    assert Values.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("lang_semikolon.csv", WORKED),
        ("lang_utf8_bom.csv", WORKED),
        ("lang_windows1252.csv", WITH_CENTS),
        ("lang_komma.csv", WITH_CENTS),
        ("lang_tabulator.txt", WORKED),
        ("lang_utf16.txt", WORKED),
        ("kreisschluessel_ohne_null.csv", WORKED),
        ("monatsformate.csv", WORKED),
        ("leerzeilen_und_leerzeichen.csv", WORKED),
        ("breit_deutsch.csv", WORKED),
        ("synonyme_und_namensspalte.csv", WORKED),
        ("deutsch_tausenderpunkt.csv", WORKED),
        ("doppelt_gleicher_wert.csv", WORKED),
        ("summe_und_fussnote.csv", WORKED),
        ("excel_titelzeilen.xlsx", WORKED),
        ("xlsx_mit_endung_csv.csv", WORKED),
        (
            "punkt_als_dezimalzeichen.csv",
            WORKED
            | {
                ("03358", "K2", "2020-02", "g", Decimal("5.57")),
                ("03358", "K3", "2020-02", "g", Decimal("-2.13")),
            },
        ),
        (
            "geschlecht.csv",
            {
                ("03358", "ELB", "2018-12", "g", Decimal(6000)),
                ("03358", "ELB", "2018-12", "m", Decimal(3100)),
                ("03358", "ELB", "2018-12", "w", Decimal(2900)),
            },
        ),
    ],
)
def test_awkward_file_is_stored_with_the_right_values(name, expected):
    result = check(name)
    assert result.problems == []
    delivery = imports.store_delivery(result, waiting_months=0, source="land")
    assert stored(delivery) == expected
    assert delivery.row_count == len(expected)
    assert delivery.file_name == name


def test_excel_file_read_as_excel_whatever_its_name_says():
    result = check("xlsx_mit_endung_csv.csv")
    assert "Die Datei heißt .csv, ist aber eine Excel-Arbeitsmappe." in result.notes


def test_title_rows_above_the_header_are_skipped_and_lines_counted_as_in_excel():
    result = check("excel_titelzeilen.xlsx")
    assert any(note.startswith("Kopfzeile in Zeile 4, darüber 3 Zeilen") for note in result.notes)


def test_repeated_identical_value_is_stored_once():
    result = check("doppelt_gleicher_wert.csv")
    assert result.value_count == 16
    assert (
        "1 Wert steht doppelt mit gleichem Wert in der Datei; gespeichert wird jeder einmal."
        in (result.notes)
    )


REFUSALS = [
    ("fehler_zahl.csv", ["Zeile 7, Spalte „wert“: „12,3,4“ ist keine Zahl."]),
    (
        "fehler_kennzahl.csv",
        [f"Zeile 4, Spalte „kennzahl“: „ELB-XY“ ist keine bekannte Kennzahl. {KNOWN_CODES}"],
    ),
    (
        "fehler_landkreis.csv",
        [
            "Zeile 5, Spalte „traeger“: „99999“ ist weder einer der zugelassenen kommunalen "
            "Träger noch eine angelegte Vergleichseinheit."
        ],
    ),
    (
        "fehler_negativ.csv",
        [
            "Zeile 8, Spalte „wert“: „-160“ ist negativ; INT ist eine Anzahl und kann nicht negativ sein."
        ],
    ),
    (
        "fehler_zukunft.csv",
        ["Zeile 18, Spalte „monat“: „2020-04“: April 2020 liegt nach dem Ladestand 17.03.2020."],
    ),
    (
        "fehler_doppelt.csv",
        [
            "Zeile 18, Spalte „wert“: Den Wert für 03358 ELB Januar 2019 (gesamt) gibt es schon "
            "in Zeile 3 mit „6100“, hier aber „6200“."
        ],
    ),
    (
        "fehler_mehrere.csv",
        [
            "Zeile 2, Spalte „monat“: „13/2020“ ist kein Monat; erwartet z. B. 2020-01, 01/2020, "
            "01.2020 oder Januar 2020.",
            "Zeile 2, Spalte „wert“: „zwölf“ ist keine Zahl.",
            "Zeile 3, Spalte „kennzahl“: Die Kennzahl fehlt.",
        ],
    ),
    (
        "fehler_komma_ohne_anfuehrungszeichen.csv",
        [
            "Zeile 2: Die Zeile hat 5 Felder, die Kopfzeile nur 4; zu viel: „5“. In einer durch "
            "Kommas getrennten Datei müssen Zahlen mit Dezimalkomma in Anführungszeichen stehen "
            "(„1234,5“) – oder speichern Sie die Datei mit Semikolon."
        ],
    ),
    ("leer.csv", ["Die Datei ist leer."]),
    ("nur_kopfzeile.csv", ["Die Datei enthält keine Werte."]),
    (
        "keine_tabelle.txt",
        [
            "Die Datei enthält keine Tabelle: keine der ersten Zeilen hat drei oder mehr durch "
            "Semikolon, Komma oder Tabulator getrennte Spalten."
        ],
    ),
    (
        "keine_kopfzeile.csv",
        [
            "Keine Kopfzeile gefunden. Erwartet wird in den ersten 30 Zeilen eine Zeile mit den "
            "Spalten „traeger“ und „monat“ und entweder „kennzahl“ und „wert“ (lange Form) oder "
            "einer Spalte je Kennzahl wie „ELB“ und „INT“ (breite Form). Erkannt in Zeile 1: "
            "„traeger“ (Kreis)."
        ],
    ),
    (
        "eigene_kopfzeile.csv",  # read with a mapping in tests/test_import_mapping.py
        [
            "Keine Kopfzeile gefunden. Erwartet wird in den ersten 30 Zeilen eine Zeile mit den "
            "Spalten „traeger“ und „monat“ und entweder „kennzahl“ und „wert“ (lange Form) oder "
            "einer Spalte je Kennzahl wie „ELB“ und „INT“ (breite Form). Erkannt in Zeile 3: "
            "„traeger“ (Kreis), „monat“ (Berichtsmonat). Es fehlt: „kennzahl“ und „wert“ oder "
            "eine Spalte je Kennzahl."
        ],
    ),
    (
        "breit_unbekannte_spalte.csv",
        [f"Zeile 1, Spalte „ELB_AE2“: „ELB_AE2“ ist keine bekannte Kennzahl. {KNOWN_CODES}"],
    ),
    (
        "pdf_als_xlsx.xlsx",
        [
            "Die Datei ist ein PDF-Dokument, keine Tabelle. Bitte die Daten als Excel-Datei "
            "(.xlsx) oder CSV speichern."
        ],
    ),
    (
        "altes_excel.xls",
        [
            "Die Datei ist im alten Excel-Format (.xls) oder mit einem Kennwort geschützt. Bitte "
            "in Excel als „Excel-Arbeitsmappe (.xlsx)“ ohne Kennwort oder als CSV speichern."
        ],
    ),
    (
        "zipbombe.xlsx",
        [
            "Die Excel-Datei wäre ausgepackt 200,0 MB groß und ungewöhnlich dicht gepackt; sie "
            "wird aus Sicherheitsgründen nicht gelesen."
        ],
    ),
]


@pytest.mark.parametrize(("name", "messages"), REFUSALS)
def test_faulty_file_is_refused_with_every_problem_and_nothing_stored(name, messages):
    result = check(name)
    assert [str(problem) for problem in result.problems] == messages
    assert not result.ok
    with pytest.raises(imports.Refused):
        imports.store_delivery(result, waiting_months=0, source="land")
    assert_nothing_stored()


def test_jobcenter_may_deliver_for_its_own_landkreis(heidekreis_user, heidekreis):
    result = check("lang_semikolon.csv", user=heidekreis_user)
    delivery = imports.store_delivery(
        result, waiting_months=0, source="jobcenter", user=heidekreis_user
    )
    assert delivery.organisation == heidekreis
    assert delivery.delivered_by == heidekreis_user


def test_jobcenter_may_not_deliver_for_another_landkreis(verden_user):
    result = check("lang_semikolon.csv", user=verden_user)
    assert [str(p) for p in result.problems] == [
        "Zeile 2, Spalte „traeger“: Sie dürfen nur Daten für Landkreis Verden (03361) liefern; "
        "„03358“ ist Landkreis Heidekreis (ebenso in den Zeilen 3, 4, 5, 6, 7 und 10 weiteren)."
    ]
    assert_nothing_stored()


def test_unknown_key_from_a_ministry_is_refused_unless_declared(ministry_user):
    result = check("vergleichseinheiten.csv", user=ministry_user, unknown_hint="So geht es.")
    assert [str(p) for p in result.problems] == [
        "Zeile 3, Spalte „Kreisschlüssel“: „03101“ ist weder einer der zugelassenen kommunalen "
        "Träger noch eine angelegte Vergleichseinheit.",
        "Zeile 4, Spalte „Kreisschlüssel“: „03241“ ist weder einer der zugelassenen kommunalen "
        "Träger noch eine angelegte Vergleichseinheit.",
        "So geht es.",
    ]


def test_declared_comparison_unit_is_accepted(ministry_user):
    Organisation.objects.create(key="03101", name="Braunschweig", kind=OrganisationKind.COMPARISON)
    Organisation.objects.create(key="03241", name="Hannover", kind=OrganisationKind.COMPARISON)
    result = check("vergleichseinheiten.csv", user=ministry_user)
    assert result.ok
    assert result.new_units == []


def test_ministry_can_create_comparison_units_in_the_same_transaction(ministry_user):
    result = check("vergleichseinheiten.csv", user=ministry_user, create_units=True)
    assert [(u.key, u.name) for u in result.new_units] == [
        ("03101", "Braunschweig, Stadt"),
        ("03241", "Region Hannover"),
    ]
    delivery = imports.store_delivery(result, waiting_months=3, source="ba", user=ministry_user)
    created = Organisation.objects.get(key="03241")
    assert created.kind == OrganisationKind.COMPARISON
    assert created.name == "Region Hannover"
    assert ("03241", "ELB", "2020-01", "g", Decimal(61000)) in stored(delivery)
    assert delivery.organisation is None


def test_jobcenter_cannot_create_comparison_units(heidekreis_user):
    result = check("vergleichseinheiten.csv", user=heidekreis_user, create_units=True)
    assert not result.ok
    assert not Organisation.objects.filter(key="03241").exists()


@pytest.mark.parametrize("name", ["lang_semikolon.csv", "excel_titelzeilen.xlsx"])
def test_same_file_twice_is_recognised_and_not_stored_again(name):
    first = imports.store_delivery(check(name), waiting_months=0, source="land")
    again = check(name)
    created = timezone.localtime(first.created_at)
    assert [str(p) for p in again.problems] == [
        f"Diese Datei wurde bereits am {created:%d.%m.%Y} als Ladestand 17.03.2020 "
        "(ohne Wartezeit) geliefert."
    ]
    assert DataDelivery.objects.count() == 1


def test_a_file_delivered_before_is_refused_for_that_alone(verden_user):
    """Verden's Jobcenter may not deliver Heidekreis' values; the file was delivered already,
    and that is the one thing it is told."""
    first = imports.store_delivery(check("lang_semikolon.csv"), waiting_months=0, source="land")
    again = check("lang_semikolon.csv", user=verden_user)
    assert len(again.problems) == 1
    assert str(again.problems[0]).startswith("Diese Datei wurde bereits am")
    assert again.sha256 == first.sha256
    assert again.value_count == 0


def test_same_file_stored_meanwhile_is_refused_at_store_time():
    first, second = check("lang_semikolon.csv"), check("lang_semikolon.csv")
    imports.store_delivery(first, waiting_months=0, source="land")
    with pytest.raises(imports.Refused, match="Diese Datei wurde bereits am"):
        imports.store_delivery(second, waiting_months=0, source="land")
    assert Values.objects.figure_count() == 16


def test_file_over_the_size_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 300
    result = check("lang_semikolon.csv")
    assert [str(p) for p in result.problems] == [
        "Die Datei ist 404 Byte groß; erlaubt sind höchstens 300 Byte."
    ]


def test_file_with_too_many_rows_is_refused(settings):
    settings.UPLOAD_MAX_ROWS = 10
    assert [str(p) for p in check("lang_semikolon.csv").problems] == [
        "Die Datei hat 16 Zeilen; erlaubt sind höchstens 10."
    ]


def test_file_with_as_many_rows_as_allowed_is_read(settings):
    settings.UPLOAD_MAX_ROWS = 16
    assert check("lang_semikolon.csv").problems == []


def test_excel_sheet_with_too_many_rows_is_refused(settings):
    settings.UPLOAD_MAX_ROWS = 3
    assert [str(p) for p in check("excel_titelzeilen.xlsx").problems] == [
        "Das Blatt „Daten“ hat mehr als 3 Zeilen mit Daten; mehr werden nicht angenommen."
    ]


def test_csv_with_a_million_columns_is_refused_quickly_without_memory_blow_up():
    data = b"traeger;monat" + b";ELB" * 1_000_000 + b"\n03358;2020-01" + b";1" * 1_000_000 + b"\n"
    tracemalloc.start()
    started = time.perf_counter()
    result = imports.check_file(data, "breit.csv", ladestand=LADESTAND)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [str(p) for p in result.problems] == [
        "Zeile 1: Die Zeile hat mehr als 500 Spalten, zu viele für eine Kennzahlentabelle. "
        "Die Datei wurde nicht weiter gelesen."
    ]
    assert seconds < 2
    assert peak < 50 * 1024 * 1024


def test_zip_bomb_is_refused_before_unpacking():
    data = (CORPUS / "zipbombe.xlsx").read_bytes()
    tracemalloc.start()
    started = time.perf_counter()
    result = imports.check_file(data, "zipbombe.xlsx", ladestand=LADESTAND)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert not result.ok
    assert seconds < 1
    assert peak < 20 * 1024 * 1024
