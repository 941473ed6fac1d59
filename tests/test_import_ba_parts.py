"""The building blocks for the BA's files (issue 17, docs/import.md „Dateien der BA“): months, statistical
marks and flags, the BA's variable names, region labels, title rows, two-row headers, numbered
column rows, footnotes and notes sheets — on the texts of domain.md § 7 and on the BA files of
the corpus (tests/data/import, written by make_corpus.py)."""

import csv
import importlib.util
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from indicators.imports import marks as ba_cells
from indicators.imports.ba_layout import (
    Column,
    find_table,
    is_column_numbers,
    is_footnote,
    is_notes_sheet,
    merge_header,
    read_titles,
)
from indicators.imports.cells import parse_month as read_month
from indicators.imports.marks import base_code_of, split_mark
from indicators.imports.regions import classify_key, read_region, split_label
from indicators.models import Flag, Variant

CORPUS = Path(__file__).parent / "data" / "import"
_spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
make_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_corpus)

# The 16 zkT of Niedersachsen as the organisations table names them.
ZKT = {key: f"Landkreis {name}" for key, name in make_corpus.ZKT_NIEDERSACHSEN}


# ---------------------------------------------------------------------------------------------
# Months


@pytest.mark.parametrize(
    "text",
    [
        "Juni 2020",
        "juni 2020",
        "Jun 20",
        "Jun. 2020",
        "June 2020",
        "06/2020",
        "6/2020",
        "06.2020",
        "2020/06",
        "2020-06",
        "2020-06-30",  # an Excel date cell as read_sheets gives it
        "30.06.2020",
        "44012",  # Excel's serial number of 2020-06-30
        "\x0044012",  # … as a number cell
    ],
)
def test_a_month_as_the_ba_writes_it(text):
    assert read_month(text) == (2020, 6)


def test_a_month_from_excel_values():
    assert read_month(datetime(2020, 6, 30, 0, 0)) == (2020, 6)
    assert read_month(date(2021, 3, 1)) == (2021, 3)
    assert read_month(44012) == (2020, 6)
    assert read_month("März 2021") == (2021, 3)
    assert read_month("Dez 19") == (2019, 12)


@pytest.mark.parametrize(
    "text", ["", "Juno 2020", "13/2020", "2020/13", "Summe", "12345", "K2", None, True]
)
def test_no_month(text):
    assert read_month(text) is None


# ---------------------------------------------------------------------------------------------
# Marks and flags


@pytest.mark.parametrize(
    "text, mark, meaning",
    [
        ("-", "-", "nichts vorhanden"),
        ("x", "x", "Nachweis nicht sinnvoll"),
        ("*", "*", "Geheimhaltung"),
        (".", ".", "Zahlenwert unbekannt"),
        ("…", "…", "Angabe fällt später an"),
        ("•", "•", "keine Angabe"),
        (" k.A. ", "k.A.", "keine Angabe"),
        ("n.v.", "n.v.", "nicht vorhanden"),
    ],
)
def test_a_mark_instead_of_a_number_is_no_value_with_its_meaning(text, mark, meaning):
    assert split_mark(text) == (None, "", mark)
    assert ba_cells.mark_meaning(mark) == meaning


@pytest.mark.parametrize(
    "text, number, flag",
    [
        ("12,3", "12,3", ""),
        ("(12,3)", "12,3", "("),
        ("( -2,1 )", "-2,1", "("),
        ("12,3 p", "12,3", "p"),
        ("12,3p", "12,3", "p"),
        ("12,3 P", "12,3", "p"),
        ("r 12,3", "12,3", "r"),
        ("r -2,4", "-2,4", "r"),
        ("1.234 s", "1.234", "s"),
    ],
)
def test_a_flag_beside_a_number_keeps_the_number(text, number, flag):
    assert split_mark(text) == (number, flag, "")


def test_flags_are_the_letters_values_stores():
    assert {split_mark(t).flag for t in ["(1)", "1 p", "1 r", "1 s"]} == set(Flag.values)
    assert ba_cells.mark_meaning("p") == "vorläufig"
    assert ba_cells.mark_meaning("(") == "Aussagewert eingeschränkt"
    assert ba_cells.mark_meaning("12") == ""


def test_other_texts_go_unchanged_to_the_number_parser():
    assert split_mark("") == (None, "", "")
    assert split_mark("zwölf") == ("zwölf", "", "")
    assert split_mark("p") == ("p", "", "")  # a flag without a number is no value
    assert split_mark("\x00-3.5") == ("\x00-3.5", "", "")  # an Excel number has no mark


# ---------------------------------------------------------------------------------------------
# The BA's variable names


def test_the_ba_variable_names_are_the_base_quantities():
    names = ["llu", "luh", "elb", "int", "lzb", "elb_allein", "int_allein", "int_lzb"]
    codes = ["LLU", "LUH", "ELB", "INT", "LZB", "ELB_AE", "INT_AE", "INT_LZB"]
    assert [base_code_of(name) for name in names] == codes
    assert base_code_of(" ELB_Allein ") == "ELB_AE"
    assert base_code_of("elb allein") == "ELB_AE"
    assert base_code_of("Region") is None


@pytest.mark.django_db
def test_every_ba_variable_names_a_catalogue_code():
    from indicators.models import Indicator

    catalogue = set(Indicator.objects.values_list("code", flat=True))
    assert set(ba_cells.BA_VARIABLES.values()) <= catalogue


# ---------------------------------------------------------------------------------------------
# Region labels


@pytest.mark.parametrize(
    "label, key, name",
    [
        ("03358 Heidekreis", "03358", "Heidekreis"),
        ("03358 LK Heidekreis", "03358", "LK Heidekreis"),
        ("03358 - Heidekreis", "03358", "Heidekreis"),
        ("zkT 03452", "03452", ""),
        ("Heidekreis (03358)", "03358", "Heidekreis"),
        ("Heidekreis", "", "Heidekreis"),
        ("3358", "03358", ""),
        ("\x003358", "03358", ""),
        ("03 Niedersachsen", "03", "Niedersachsen"),
    ],
)
def test_a_label_splits_into_key_and_name(label, key, name):
    assert split_label(label) == (key, name)


@pytest.mark.parametrize(
    "label", ["03358 Heidekreis", "03358 LK Heidekreis", "Heidekreis", "LK Heidekreis", "3358"]
)
def test_a_label_names_a_zkt(label):
    assert read_region(label, ZKT) == ("03358", "Landkreis Heidekreis", "zkt", "")


def test_zkt_and_key_alone():
    assert read_region("zkT 03452", ZKT) == ("03452", "Landkreis Aurich", "zkt", "")


def test_key_and_name_in_two_columns():
    assert read_region("03358", ZKT, name="Heidekreis").key == "03358"
    assert read_region("", ZKT, name="Landkreis Leer").key == "03457"


def test_a_name_must_match_exactly_one_organisation():
    known = {**ZKT, "03403": "Oldenburg (Oldb), Stadt", "03999": "Oldenburg"}
    region = read_region("Oldenburg", known)
    assert region.kind is None
    assert region.message == (
        "„Oldenburg“ passt auf mehrere Träger: Landkreis Oldenburg (03458), Oldenburg (03999). "
        "Bitte den Schlüssel angeben."
    )
    assert read_region("Stadt Oldenburg", ZKT).kind is None  # not the Landkreis Oldenburg
    region = read_region("Hannover", ZKT)
    assert (region.kind, region.message) == (
        None,
        "„Hannover“ ist kein Träger und kein Aggregat; bitte den Kreisschlüssel angeben.",
    )


@pytest.mark.parametrize(
    "label, key, name",
    [
        ("Deutschland", "D", "Deutschland"),
        ("D Deutschland", "D", "Deutschland"),
        ("Bund", "D", "Deutschland"),
        ("Westdeutschland", "W", "Westdeutschland"),
        ("Ost", "O", "Ostdeutschland"),
        ("03 Niedersachsen", "03", "Niedersachsen"),
        ("09 Bayern", "09", "Bayern"),
        ("VT IIb", "VT IIb", "Vergleichstyp IIb"),
        ("Vergleichstyp IIIa", "VT IIIa", "Vergleichstyp IIIa"),
    ],
)
def test_aggregates_are_their_own_kind(label, key, name):
    assert read_region(label, ZKT) == (key, name, "aggregat", "")


def test_another_jobcenter_is_a_comparison_unit():
    region = read_region("03101 Braunschweig, Stadt", ZKT)
    assert region == (
        "03101",
        "Braunschweig, Stadt",
        "vergleich",
        "„03101 Braunschweig, Stadt“ ist kein Landkreis dieser Zielsteuerung, sondern ein "
        "anderes Jobcenter (Kreisschlüssel): als Vergleichseinheit übernehmen.",
    )
    region = read_region("33301234", ZKT)
    assert region.kind == "vergleich"
    assert "Jobcenter-Schlüssel der BA" in region.message


def test_what_a_key_is_says_the_message():
    assert classify_key("03", "Niedersachsen").message == (
        "„03 Niedersachsen“ ist das Aggregat Niedersachsen: eine Vergleichslinie, kein "
        "Jobcenter (wird nicht in Ranglisten geführt)."
    )
    unknown = classify_key("123")
    assert unknown.kind is None
    assert unknown.message.startswith("„123“ ist weder ein Kreisschlüssel (5 Ziffern)")


# ---------------------------------------------------------------------------------------------
# Title rows, headers, numbered rows, footnotes, notes (domain.md § 7)


def test_title_rows_give_month_ladestand_and_waiting_time():
    rows = [
        ["Kennzahlen nach § 48a SGB II", ""],
        ["", "Berichtsmonat: Juni 2020"],
        ["Datenstand: Oktober 2020 (Daten nach einer Wartezeit von 3 Monaten)"],
    ]
    assert read_titles(rows) == ((2020, 6), date(2020, 10, 1), 3)
    assert read_titles([["Stand: 17.03.2020"], ["Wartezeit: 0 Monate"]]) == (
        None,
        date(2020, 3, 17),
        0,
    )
    assert read_titles([["Bestand an Langzeitleistungsbeziehenden"]]) == (None, None, None)
    # label and value in two cells; two titles in one row
    assert read_titles([["Berichtsmonat:", "", "Jun 20", "Datenstand", "19.10.2020"]]) == (
        (2020, 6),
        date(2020, 10, 19),
        None,
    )
    assert read_titles([["Berichtsmonat: 06/2020, Datenstand: 10/2020"]]) == (
        (2020, 6),
        date(2020, 10, 1),
        None,
    )


def test_a_kennzahl_label_spans_its_sub_columns():
    labels = [
        "Region",
        "K2 – Integrationsquote",
        "",
        "K3 – Veränderung LZB",
        "K3 – Veränderung LZB",
    ]
    names = [
        "",
        "12-Monats-Wert in %",
        "Jahresfortschrittswert in %",
        "Veränderung zum Vorjahresmonat in %",
        "Jahresfortschrittswert in %",
    ]
    header = merge_header(labels, names)
    assert [(c.code, c.variant) for c in header] == [
        (None, None),
        ("K2", Variant.TWELVE_MONTHS),
        ("K2", Variant.JFW),
        ("K3", Variant.PREVIOUS_YEAR_MONTH),
        ("K3", Variant.JFW),
    ]
    assert header[0] == Column("Region", None, None)
    assert header[2].label == "K2 – Integrationsquote / Jahresfortschrittswert in %"


def test_a_one_row_header_may_name_code_and_variant():
    header = merge_header(["Region", "K2 – 12-Monats-Wert in %", "K2 Jahresfortschrittswert"], [])
    assert [(c.code, c.variant) for c in header] == [
        (None, None),
        ("K2", Variant.TWELVE_MONTHS),
        ("K2", Variant.JFW),
    ]


def test_variable_names_under_labels():
    header = merge_header(
        ["Region", "Monat", "Erwerbsfähige Leistungsberechtigte", "", "Bemerkung"],
        ["", "", "elb", "elb_allein"],
    )
    assert [(c.code, c.variant) for c in header] == [
        (None, None),
        (None, None),
        ("ELB", ""),
        ("ELB_AE", ""),
        (None, None),
    ]
    assert header[1].label == "Monat" and header[4].label == "Bemerkung"


def test_numbered_column_rows():
    assert is_column_numbers(["1", "2", "3", "4"])
    assert is_column_numbers(["\x001", "\x002", "\x003", ""])
    assert is_column_numbers(["(1)", "(2)", "(3)"])
    assert not is_column_numbers(["1", "3", "4"])
    assert not is_column_numbers(["03358", "12", "13"])
    assert not is_column_numbers(["1", "2"])


@pytest.mark.parametrize(
    "row",
    [
        ["1) Vorläufige Werte", "", ""],
        ["*) Geheimhaltung nach § 16 BStatG"],
        ["Quelle: Statistik der Bundesagentur für Arbeit"],
        ["Hinweise: Daten nach Wartezeit"],
        ["© Statistik der Bundesagentur für Arbeit"],
    ],
)
def test_footnote_rows(row):
    assert is_footnote(row)


@pytest.mark.parametrize(
    "row", [["03358 Heidekreis", "1,5"], ["Deutschland", "x", "*"], ["1", "2", "3"], []]
)
def test_data_rows_are_no_footnotes(row):
    assert not is_footnote(row)


# ---------------------------------------------------------------------------------------------
# The corpus files


def cell_text(value):
    """A cell as `read_sheets` gives it (`_cell_text`): numbers behind NATIVE, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, int | float):
        return "\x00" + (str(int(value)) if float(value).is_integer() else repr(value))
    return str(value).strip()


def xlsx_sheets(name):
    workbook = openpyxl.load_workbook(CORPUS / name, read_only=True)
    return {
        sheet.title: [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def csv_rows(name):
    text = (CORPUS / name).read_bytes().decode("cp1252")
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=";")]


def number(text):
    """The value of a number text as the package's parser will read it (test-only)."""
    if text.startswith("\x00"):
        return Decimal(text[1:])
    return Decimal(text.replace(".", "").replace(",", "."))


def read_cells(rows, month=None):
    """{(key, code, variant, year, month): (value, flag) or mark} of a BA table, built only
    from the building blocks."""
    table = find_table(rows)
    month_column = next((i for i, c in enumerate(table.header) if c.label == "Berichtsmonat"), None)
    found = {}
    for index in table.data:
        cells = rows[index]
        region = read_region(cells[0], ZKT)
        assert region.kind in ("zkt", "aggregat"), region.message
        row_month = read_month(cells[month_column]) if month_column else month
        for column, cell in zip(table.header, cells, strict=False):
            if column.code is None:
                continue
            split = split_mark(cell)
            value = split.mark if split.number is None else (number(split.number), split.flag)
            found[region.key, column.code, column.variant, *row_month] = value
    return table, found


def expected_cells(name):
    found = {}
    for place, text in make_corpus.BA_EXPECTED[name]["cells"].items():
        split = split_mark(text)
        found[place] = split.mark if split.number is None else (number(split.number), split.flag)
    return found


def test_published_kennzahlen_file():
    sheets = xlsx_sheets("ba_kennzahlen.xlsx")
    rows = sheets["Kennzahlen"]
    table = find_table(rows)
    assert table.titles == make_corpus.BA_EXPECTED["ba_kennzahlen.xlsx"]["titles"]
    assert rows[table.header_rows[1] + 1][:3] == ["\x001", "\x002", "\x003"]  # numbered row
    assert len(table.data) == 18  # Deutschland, Niedersachsen and the 16 zkT; no footnotes
    assert [c.code for c in table.header] == [None, "K1", "K1", "K2", "K2", "K3", "K3"]
    _, found = read_cells(rows, month=table.titles.month)
    assert found == expected_cells("ba_kennzahlen.xlsx")
    heidekreis = {k[1:3]: v for k, v in found.items() if k[0] == "03358"}
    assert heidekreis["K1", "vorjahresmonat"] == (Decimal("1.5"), "(")
    assert heidekreis["K1", "jfw"] == "x"
    assert heidekreis["K2", "zwoelf_monate"] == (Decimal("21.0"), "p")
    assert is_notes_sheet(sheets["Hinweise"], "Hinweise")
    assert is_notes_sheet(sheets["Hinweise"])  # also without its name
    assert not is_notes_sheet(rows, "Kennzahlen")


@pytest.mark.parametrize("name", ["ba_grunddaten.xlsx", "ba_grunddaten.csv"])
def test_base_data_file_with_variable_names(name):
    rows = xlsx_sheets(name)["Grunddaten"] if name.endswith("xlsx") else csv_rows(name)
    expected = make_corpus.BA_EXPECTED[name]
    table = find_table(rows)
    assert table.titles == expected["titles"]
    codes = [c.code for c in table.header if c.variant == Variant.BASE]
    assert codes == ["LLU", "LUH", "ELB", "INT", "LZB", "ELB_AE", "INT_AE", "INT_LZB"]
    _, found = read_cells(rows, month=table.titles.month)
    assert found == {k: (Decimal(v), "") for k, v in expected["cells"].items()}
    assert found["03358", "ELB", "", 2020, 1] == (Decimal(5950), "")  # domain.md § 5.5


def test_no_two_row_header_in_our_own_templates():
    assert (
        find_table([["traeger", "kennzahl", "monat", "wert"], ["03358", "ELB", "2020-01", "1"]])
        is None
    )
    assert find_table(csv_rows("lang_semikolon.csv")) is None
