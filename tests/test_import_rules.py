"""The reading rules of the indicator import, one behaviour at a time (docs/import.md)."""

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from indicators import imports

pytestmark = pytest.mark.django_db

LADESTAND = date(2020, 3, 17)
LONG_HEADER = "traeger;kennzahl;monat;wert\n"


def check_text(text, encoding="utf-8", **options):
    return imports.check_file(text.encode(encoding), "test.csv", ladestand=LADESTAND, **options)


def one_value(text):
    """The single value a one-row file gives, or its problems."""
    result = check_text(text)
    if result.problems:
        return [str(p) for p in result.problems]
    [cell] = result.cells()
    return cell


def value_of(cell, header="traeger;kennzahl;monat;wert"):
    return one_value(f"{header}\n03358;K1;2020-01;{cell}\n")


def values_of(result):
    assert [str(p) for p in result.problems] == []
    return [(code, f"{month:%Y-%m}", value) for _, code, month, _, value in result.cells()]


def xlsx(*sheets):
    """An XLSX file from {title: rows}."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@pytest.mark.parametrize(
    "header",
    [
        "traeger;kennzahl;monat;wert",
        "Träger;Kennzahl;Monat;Wert",
        "TRAEGER ; KENNZAHL ; BERICHTSMONAT ; WERT ",
        "Kreisschlüssel;Code;Berichts-Monat;Wert (Anzahl)",
        "Jobcenter;Kennzahl;Monat;Wert",
        "Kreisschluessel;Jobcenter;Kennzahl;Monat;Wert",
        "Trager;Kennzahl;Monat;Wert",
    ],
)
def test_header_names_are_matched_regardless_of_case_spaces_and_umlaut_spelling(header):
    row = "03358;Jobcenter Heidekreis;ELB;2020-01;5950" if header.count(";") == 4 else None
    text = f"{header}\n{row or '03358;ELB;2020-01;5950'}\n"
    assert one_value(text) == ("03358", "ELB", date(2020, 1, 1), "g", Decimal(5950))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-01", date(2020, 1, 1)),
        ("2020-1", date(2020, 1, 1)),
        ("01/2020", date(2020, 1, 1)),
        ("1/2020", date(2020, 1, 1)),
        ("01.2020", date(2020, 1, 1)),
        ("Jan 2020", date(2020, 1, 1)),
        ("Jan. 2020", date(2020, 1, 1)),
        ("Januar 2020", date(2020, 1, 1)),
        ("Februar 2020", date(2020, 2, 1)),
        ("März 2020", date(2020, 3, 1)),
        ("Maerz 2020", date(2020, 3, 1)),
        ("Mrz 20", date(2020, 3, 1)),
        ("Dezember 2019", date(2019, 12, 1)),
        ("Dez-19", date(2019, 12, 1)),
        ("202001", date(2020, 1, 1)),
        ("2020-01-31", date(2020, 1, 1)),
        ("31.01.2020", date(2020, 1, 1)),
        ("2020-01-01 00:00:00", date(2020, 1, 1)),
        ("43831", date(2020, 1, 1)),
    ],
)
def test_months_are_read_in_the_forms_controllers_write_them(text, expected):
    cell = one_value(f"traeger;kennzahl;monat;wert\n03358;ELB;{text};1\n")
    assert cell[2] == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "13/2020",
            "„13/2020“ ist kein Monat; erwartet z. B. 2020-01, 01/2020, 01.2020 oder Januar 2020.",
        ),
        (
            "Sommer 2020",
            "„Sommer 2020“ ist kein Monat; erwartet z. B. 2020-01, 01/2020, 01.2020 oder Januar 2020.",
        ),
        (
            "2004-12",
            "„2004-12“: Monate vor Januar 2005 (Beginn des SGB II) werden nicht angenommen.",
        ),
        ("2020-04", "„2020-04“: April 2020 liegt nach dem Ladestand 17.03.2020."),
    ],
)
def test_impossible_months_are_refused(text, message):
    assert one_value(f"traeger;kennzahl;monat;wert\n03358;ELB;{text};1\n") == [
        f"Zeile 2, Spalte „monat“: {message}"
    ]


def test_the_month_of_the_ladestand_itself_is_accepted():
    assert one_value("traeger;kennzahl;monat;wert\n03358;ELB;2020-03;1\n")[2] == date(2020, 3, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234567", "1234567"),
        ("1.234.567,89", "1234567.89"),
        ("1234567,89", "1234567.89"),
        ("1234567.89", "1234567.89"),
        ("1.234", "1234"),  # German file: the dot groups thousands
        ("0,5", "0.5"),
        ("-2,5", "-2.5"),
        ("−2,5", "-2.5"),  # typographic minus
        ("3,1 %", "3.1"),
        ("1 234 567", "1234567"),
        ("  6000  ", "6000"),
        ("5,123456", "5.1235"),  # rounded to the four stored decimal places
        ("1,5E+06", "1500000"),
    ],
)
def test_numbers_in_german_and_plain_notation(text, expected):
    cell = value_of(f'"{text}"')
    assert cell[4] == Decimal(expected)


@pytest.mark.parametrize("text", ["12,3,4", "1.23.4", "1,234.5", "zwölf", "6000EUR", "0x10", "²"])
def test_what_is_not_a_number_is_refused_with_line_and_column(text):
    assert value_of(text) == [f"Zeile 2, Spalte „wert“: „{text}“ ist keine Zahl."]


def test_ambiguous_thousands_dot_follows_the_rest_of_a_plain_file():
    result = check_text(
        "traeger;kennzahl;monat;wert\n03358;K2;2020-01;1.234\n03358;K3;2020-01;12.5\n"
    )
    assert [cell[4] for cell in result.cells()] == [Decimal("1.234"), Decimal("12.5")]
    assert "Zahlen mit Dezimalpunkt gelesen (wie „12.5“)." in result.notes


def test_a_german_file_with_a_decimal_point_number_names_the_conflict():
    result = check_text(
        "traeger;kennzahl;monat;wert\n03358;K2;2020-01;1.234,5\n03358;K3;2020-01;12.5\n"
    )
    assert [str(p) for p in result.problems] == [
        "Zeile 3, Spalte „wert“: „12.5“ ist keine Zahl im deutschen Format dieser Datei (mit "
        "Dezimalkomma wie „1.234,5“ in Zeile 2)."
    ]


def test_too_many_digits_are_refused():
    assert value_of("12345678901234567") == [
        "Zeile 2, Spalte „wert“: „12345678901234567“ ist zu groß (höchstens 16 Stellen vor dem Komma)."
    ]


def test_negative_changes_in_percent_are_fine_but_negative_counts_are_not():
    result = check_text(
        "traeger;kennzahl;monat;wert\n03358;K1;2020-01;-0,6\n03358;ELB;2020-01;-5\n"
    )
    assert [str(p) for p in result.problems] == [
        "Zeile 3, Spalte „wert“: „-5“ ist negativ; ELB ist eine Anzahl und kann nicht negativ sein."
    ]


def test_a_thousands_dot_read_as_decimal_point_in_a_count_is_refused():
    """`6.100` in a file of plain numbers would be 6,1 persons: refused, with the reason."""
    result = check_text(
        "traeger;kennzahl;monat;wert\n03358;ELB;2020-01;6.100\n03358;LLU;2020-01;3400000.50\n"
    )
    assert [str(p) for p in result.problems] == [
        "Zeile 2, Spalte „wert“: „6.100“ wurde als 6,1 gelesen, keine ganze Zahl; ELB ist eine "
        "Anzahl. Die Datei wurde mit Dezimalpunkt gelesen (wie „3400000.50“); ist der Punkt ein "
        "Tausenderpunkt, schreiben Sie die Zahlen bitte einheitlich."
    ]
    assert result.value_count == 0 or not result.ok


def test_counts_must_be_whole_but_money_and_quotas_may_have_decimals():
    result = check_text(
        "traeger;kennzahl;monat;wert\n03358;INT;2020-01;1,5\n03358;LLU;2020-01;3,5\n"
        "03358;K2;2020-01;2,25\n03358;ELB;2020-01;6.100\n"
    )
    assert [str(p) for p in result.problems] == [
        "Zeile 2, Spalte „wert“: „1,5“ ist keine ganze Zahl; INT ist eine Anzahl."
    ]
    whole = check_text("traeger;kennzahl;monat;wert\n03358;ELB;2020-01;6.100\n")
    assert [cell[4] for cell in whole.cells()] == [Decimal("6100")]


def test_the_advice_after_unknown_keys_is_not_counted_as_an_error():
    result = check_text(
        "traeger;kennzahl;monat;wert\n03101;ELB;2020-01;5\n03241;ELB;2020-01;6\n",
        unknown_hint="So geht es.",
    )
    assert [str(p) for p in result.problems][-1] == "So geht es."
    assert len(result.problems) == 3
    assert result.error_count == 2


@pytest.mark.parametrize("mark", ["", "*", ".", "x", "-", "–"])
def test_empty_cells_and_statistical_marks_store_nothing(mark):
    result = check_text(
        f"traeger;kennzahl;monat;wert\n03358;ELB;2020-01;{mark}\n03358;INT;2020-01;5\n"
    )
    assert [cell[1] for cell in result.cells()] == ["INT"]


@pytest.mark.parametrize(
    "key",
    [
        "03358",
        "3358",
        "3.358",
        "3358.0",
        " 03358 ",
        "Heidekreis",
        "Landkreis Heidekreis",
        "LK Heidekreis",
    ],
)
def test_kreisschluessel_and_names_of_a_landkreis(key):
    assert one_value(f"traeger;kennzahl;monat;wert\n{key};ELB;2020-01;1\n")[0] == "03358"


def test_a_ministry_is_no_unit_with_values():
    assert one_value("traeger;kennzahl;monat;wert\nMW;ELB;2020-01;1\n") == [
        "Zeile 2, Spalte „traeger“: „MW“ ist Niedersächsisches Ministerium für Wirtschaft, Arbeit, "
        "Verkehr und Digitalisierung, kein Träger und keine Vergleichseinheit."
    ]


@pytest.mark.parametrize(
    ("text", "sex"),
    [("", "g"), ("g", "g"), ("gesamt", "g"), ("Insgesamt", "g"), ("m", "m"), ("Männer", "m"),
     ("maennlich", "m"), ("w", "w"), ("Frauen", "w"), ("weiblich", "w")],
)  # fmt: skip
def test_sex_is_gesamt_men_or_women(text, sex):
    cell = one_value(f"traeger;kennzahl;monat;wert;geschlecht\n03358;ELB;2020-01;1;{text}\n")
    assert cell[3] == sex


def test_an_unknown_sex_is_refused():
    assert one_value("traeger;kennzahl;monat;wert;geschlecht\n03358;ELB;2020-01;1;d\n") == [
        "Zeile 2, Spalte „geschlecht“: „d“ ist kein Geschlecht; erlaubt sind g (gesamt), m (Männer) "
        "und w (Frauen)."
    ]


@pytest.mark.parametrize("code", ["elb", " ELB ", "Elb"])
def test_codes_are_matched_regardless_of_case_and_spaces(code):
    assert one_value(f"traeger;kennzahl;monat;wert\n03358;{code};2020-01;1\n")[1] == "ELB"


@pytest.mark.parametrize("code", ["ELB AE", "elb-ae", "ELB_AE", "ELBAE"])
def test_codes_with_underscores_in_other_spellings(code):
    assert one_value(f"traeger;kennzahl;monat;wert\n03358;{code};2020-01;1\n")[1] == "ELB_AE"


def test_one_problem_per_unknown_value_lists_its_lines():
    text = "traeger;kennzahl;monat;wert\n" + "".join(
        f"03358;XY;2019-{m:02d};1\n" for m in range(1, 10)
    )
    result = check_text(text)
    assert len(result.problems) == 1
    assert str(result.problems[0]).endswith("(ebenso in den Zeilen 3, 4, 5, 6, 7 und 3 weiteren).")


def test_windows_1252_with_umlauts_in_header_and_months():
    result = check_text(
        "Träger;Kennzahl;Monat;Wert\n03358;LLU;März 2020;1.234,5\n", encoding="cp1252"
    )
    assert result.cells() == [("03358", "LLU", date(2020, 3, 1), "g", Decimal("1234.5"))]
    assert "Zeichensatz Windows-1252, Trennzeichen Semikolon." in result.notes


def test_excel_cells_keep_their_exact_values():
    data = xlsx(
        (
            "Tabelle1",
            [
                ["traeger", "kennzahl", "monat", "wert"],
                [3358, "K2", datetime(2020, 1, 31), 5.569620253],
                ["03358", "LLU", 43831, 1.234],  # Excel serial date; a number is no thousands
                ["03358", "INT", "Feb 2020", "1.234"],  # … but text is read like a CSV cell
            ],
        )
    )
    result = imports.check_file(data, "daten.xlsx", ladestand=LADESTAND)
    assert result.cells() == [
        ("03358", "K2", date(2020, 1, 1), "g", Decimal("5.5696")),
        ("03358", "LLU", date(2020, 1, 1), "g", Decimal("1.234")),
        ("03358", "INT", date(2020, 2, 1), "g", Decimal("1234")),
    ]


def test_problems_in_a_workbook_name_the_sheet_when_there_are_several():
    data = xlsx(
        ("Lang", [["traeger", "kennzahl", "monat", "wert"], ["03358", "ELB", "2020-01", 5950]]),
        ("Breit", [["Titel"], ["traeger", "monat", "INT"], ["03358", "2020-01", "viele"]]),
    )
    result = imports.check_file(data, "daten.xlsx", ladestand=LADESTAND)
    assert [str(p) for p in result.problems] == [
        "Blatt „Breit“, Zeile 3, Spalte „INT“: „viele“ ist keine Zahl."
    ]


def test_the_same_cell_on_two_sheets_with_different_values_is_refused():
    data = xlsx(
        ("Lang", [["traeger", "kennzahl", "monat", "wert"], ["03358", "ELB", "2020-01", 5950]]),
        ("Breit", [["traeger", "monat", "ELB"], ["03358", "2020-01", 5960]]),
    )
    result = imports.check_file(data, "daten.xlsx", ladestand=LADESTAND)
    assert [str(p) for p in result.problems] == [
        "Blatt „Breit“, Zeile 2, Spalte „ELB“: Den Wert für 03358 ELB Januar 2020 (gesamt) gibt "
        "es schon in Zeile 2 auf Blatt „Lang“ mit „5950“, hier aber „5960“."
    ]


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("traeger;kennzahl;wert", "die Spalte „monat“"),
        ("traeger;monat;wert", "die Spalte „kennzahl“"),
        ("kennzahl;monat;wert", "die Spalte „traeger“"),
        ("traeger;monat;bemerkung", "„kennzahl“ und „wert“ oder eine Spalte je Kennzahl"),
    ],
)
def test_a_header_that_comes_close_names_the_missing_column(header, missing):
    result = check_text(f"{header}\n03358;ELB;5\n")
    [problem] = result.problems
    assert str(problem).startswith("Keine Kopfzeile gefunden.")
    assert str(problem).endswith(f"Es fehlt: {missing}.")


def test_header_and_layout_conflicts_are_explained():
    result = check_text("traeger;monat;kennzahl;wert;ELB\n03358;2020-01;ELB;1;2\n")
    assert [str(p) for p in result.problems] == [
        "Zeile 1: Die Kopfzeile enthält „kennzahl“ und „wert“ (lange Form) und zugleich Spalten "
        "je Kennzahl (ELB). Bitte nur eine der beiden Formen verwenden."
    ]
    result = check_text("traeger;monat;Monat;ELB\n03358;2020-01;2020-02;1\n")
    assert [str(p) for p in result.problems] == [
        "Zeile 1, Spalte „Monat“: Die Spalte „monat“ kommt zweimal vor („monat“ und „Monat“)."
    ]


def test_unclosed_quote_is_reported_with_its_line():
    result = check_text('traeger;kennzahl;monat;wert\n03358;ELB;2020-01;1\n"03358;ELB;2020-02;1\n')
    assert [str(p) for p in result.problems] == [
        "Zeile 3: Hier beginnt ein Feld mit einem Anführungszeichen, das bis zum Dateiende nicht "
        "geschlossen wird."
    ]


def test_template_workbook_explains_both_layouts_and_lists_the_codes():
    workbook = openpyxl.load_workbook(io.BytesIO(imports.template_workbook()))
    assert workbook.sheetnames == ["Lang", "Breit", "Erläuterung"]
    assert [c.value for c in workbook["Lang"][1]] == [
        "traeger",
        "kennzahl",
        "monat",
        "wert",
        "geschlecht",
    ]
    assert [c.value for c in workbook["Breit"][1]][:3] == ["traeger", "monat", "LLU"]
    codes = {row[0] for row in workbook["Erläuterung"].iter_rows(values_only=True)}
    assert {"K2", "K3E1", "LLU", "INT_LZB"} <= codes


def test_empty_template_is_refused_and_a_filled_one_accepted():
    empty = imports.template_workbook()
    result = imports.check_file(empty, "vorlage.xlsx", ladestand=LADESTAND)
    assert [str(p) for p in result.problems] == ["Die Datei enthält keine Werte (nur Kopfzeilen)."]
    workbook = openpyxl.load_workbook(io.BytesIO(empty))
    workbook["Breit"].append(["03358", "2020-01", 3350000, None, 5950, 160, 3900])
    output = io.BytesIO()
    workbook.save(output)
    result = imports.check_file(output.getvalue(), "vorlage.xlsx", ladestand=LADESTAND)
    assert sorted(cell[1] for cell in result.cells()) == ["ELB", "INT", "LLU", "LZB"]


# Whole files in which many forms of cells meet: each cell is read as the rules say for it
# alone.


def test_a_plain_file_reads_every_form_of_number_exactly():
    result = check_text(
        LONG_HEADER + "03358;LLU;2020-01;12.5 %\n"  # the file's example
        "03358;LLU;2020-02;1234567.89\n"
        "03358;K1;2020-01;-3\n"
        "03358;K1;2020-02;-0.25\n"
        "03358;K2;2020-01;1.234\n"  # a thousands dot or a decimal point: the file decides
        "03358;K2;2020-02;12.34567\n"
        "03358;ELB;2020-01; 7 \n"
        "03358;ELB;2020-02;\n"
        "03358;ELB;2020-03;9999999999999999\n"
        "03358;INT;2020-01;0012\n"
        "03358;INT;2020-02;1e3\n"
    )
    assert values_of(result) == [
        ("LLU", "2020-01", Decimal("12.5")),
        ("LLU", "2020-02", Decimal("1234567.89")),
        ("K1", "2020-01", Decimal(-3)),
        ("K1", "2020-02", Decimal("-0.25")),
        ("K2", "2020-01", Decimal("1.234")),
        ("K2", "2020-02", Decimal("12.3457")),
        ("ELB", "2020-01", Decimal(7)),
        ("ELB", "2020-03", Decimal("9999999999999999")),
        ("INT", "2020-01", Decimal(12)),
        ("INT", "2020-02", Decimal(1000)),
    ]
    assert "Zahlen mit Dezimalpunkt gelesen (wie „12.5 %“)." in result.notes
    assert "1 Wert mit mehr als 4 Nachkommastellen auf 4 Stellen gerundet." in result.notes
    assert "1 Zeile ohne Wert oder mit Summen übergangen." in result.notes


def test_a_german_file_reads_thousands_dots_and_decimal_commas():
    result = check_text(
        LONG_HEADER + "03358;LLU;2020-01;12.345,67\n"  # the file's example
        "03358;LLU;2020-02;1,5\n"
        "03358;K1;2020-01;-2,5\n"
        "03358;K1;2020-02;0,001\n"
        "03358;ELB;2020-01;1.234\n"
        "03358;ELB;2020-02;1.234.567\n"
        "03358;ELB;2020-03;-0\n"
        "03358;INT;2020-01;6000\n"
    )
    assert values_of(result) == [
        ("LLU", "2020-01", Decimal("12345.67")),
        ("LLU", "2020-02", Decimal("1.5")),
        ("K1", "2020-01", Decimal("-2.5")),
        ("K1", "2020-02", Decimal("0.001")),
        ("ELB", "2020-01", Decimal(1234)),
        ("ELB", "2020-02", Decimal(1234567)),
        ("ELB", "2020-03", Decimal(0)),
        ("INT", "2020-01", Decimal(6000)),
    ]
    assert "Zahlen im deutschen Format gelesen (wie „12.345,67“)." in result.notes


def test_a_german_file_refuses_every_decimal_point_with_its_line():
    result = check_text(
        LONG_HEADER + "03358;LLU;2020-01;1.234,5\n"
        "03358;LLU;2020-02;12.5\n"
        "03358;LLU;2020-03;+7.5\n"
        "03358;LLU;2019-12;2000\n"
    )
    conflict = (
        "ist keine Zahl im deutschen Format dieser Datei (mit Dezimalkomma wie „1.234,5“ in "
        "Zeile 2)."
    )
    assert [str(p) for p in result.problems] == [
        f"Zeile 3, Spalte „wert“: „12.5“ {conflict}",
        f"Zeile 4, Spalte „wert“: „+7.5“ {conflict}",
    ]


def test_digits_of_other_scripts_are_no_numbers_among_ordinary_ones():
    result = check_text(
        LONG_HEADER + "03358;ELB;2020-01;5\n03358;ELB;2020-02;²\n03358;ELB;2020-03;١٢\n"
        "03358;INT;2020-01;１２\n03358;INT;2020-02;6\n"
    )
    assert [str(p) for p in result.problems] == [
        "Zeile 3, Spalte „wert“: „²“ ist keine Zahl.",
        "Zeile 4, Spalte „wert“: „١٢“ ist keine Zahl.",
        "Zeile 5, Spalte „wert“: „１２“ ist keine Zahl.",
    ]


def test_too_many_digits_and_negative_counts_among_ordinary_values():
    result = check_text(
        LONG_HEADER + "03358;LLU;2020-01;12345678901234567\n"
        "03358;LLU;2020-02;1234567890123456.5\n"
        "03358;ELB;2020-01;-5\n"
        "03358;ELB;2020-02;5\n"
        "03358;INT;2020-01;-1234.5\n"
    )
    assert [str(p) for p in result.problems] == [
        "Zeile 2, Spalte „wert“: „12345678901234567“ ist zu groß "
        "(höchstens 16 Stellen vor dem Komma).",
        "Zeile 4, Spalte „wert“: „-5“ ist negativ; ELB ist eine Anzahl und kann nicht negativ sein.",
        "Zeile 6, Spalte „wert“: „-1234.5“ ist negativ; INT ist eine Anzahl und kann nicht "
        "negativ sein.",
    ]


def test_a_value_with_a_line_break_is_no_number():
    result = check_text(LONG_HEADER + '03358;ELB;2020-01;5\n03358;ELB;2020-02;"6\n7"\n')
    assert [str(p) for p in result.problems] == ["Zeile 3, Spalte „wert“: „6\n7“ ist keine Zahl."]


def test_kreisschluessel_are_compared_as_written_not_as_numbers(heidekreis_user):
    result = check_text(
        LONG_HEADER + "03358;ELB;2020-01;5\n3358;ELB;2020-02;6\n03361;ELB;2020-01;7\n"
        "3361;ELB;2020-02;8\n03361;ELB;2020-03;9\n",
        user=heidekreis_user,
    )
    assert [str(p) for p in result.problems] == [
        "Zeile 4, Spalte „traeger“: Sie dürfen nur Daten für Landkreis Heidekreis (03358) "
        "liefern; „03361“ ist Landkreis Verden (ebenso in Zeile 6).",
        "Zeile 5, Spalte „traeger“: Sie dürfen nur Daten für Landkreis Heidekreis (03358) "
        "liefern; „3361“ ist Landkreis Verden.",
    ]


def test_a_repeated_cell_next_to_its_first_is_found():
    result = check_text(
        LONG_HEADER + "03358;ELB;2020-01;5\n03358;INT;2020-01;1\n03358;INT;2020-01;2\n"
        "03358;ELB;2020-02;6\n03358;ELB;2020-02;6\n"
    )
    assert [str(p) for p in result.problems] == [
        "Zeile 4, Spalte „wert“: Den Wert für 03358 INT Januar 2020 (gesamt) gibt es schon in "
        "Zeile 3 mit „1“, hier aber „2“."
    ]
    repeated = "1 Wert steht doppelt mit gleichem Wert in der Datei; gespeichert wird jeder einmal."
    assert repeated in result.notes


def test_a_file_in_the_usual_order_has_no_repeats():
    text = LONG_HEADER + "".join(
        f"{unit};{code};2019-{month:02d};{month}\n"
        for unit in ("03358", "03361")
        for month in range(1, 13)
        for code in ("ELB", "INT", "LLU")
    )
    result = check_text(text)
    assert result.problems == []
    assert result.value_count == 72
    assert not any("doppelt" in note for note in result.notes)


def test_a_wide_file_with_gaps_totals_and_a_footnote():
    result = check_text(
        "traeger;monat;ELB;INT\n03358;2020-01;5;\n03358;2020-02;;7\nSumme;;5;7\n;;;\n"
        "Quelle: Statistik der BA;;;\n"
    )
    assert values_of(result) == [
        ("ELB", "2020-01", Decimal(5)),
        ("INT", "2020-02", Decimal(7)),
    ]
    assert "2 Zeilen ohne Wert oder mit Summen übergangen." in result.notes


def test_a_long_sorted_file_keeps_every_unit_and_month_in_its_row():
    """Units and months that repeat row after row (a national file sorted by unit and month):
    a wrong key in the middle of a run is named at its own line."""
    lines, expected = [LONG_HEADER], []
    for unit in ("03358", "03361"):
        for month in range(1, 13):
            for code in ("ELB", "INT", "LZB", "LLU", "LUH", "ELB_AE", "INT_AE", "INT_LZB"):
                value = f"{month}{len(lines)}"
                lines.append(f"{unit};{code};2019-{month:02d};{value}\n")
                expected.append((unit, code, f"2019-{month:02d}", Decimal(value)))
    result = check_text("".join(lines))
    assert [
        (unit, code, f"{month:%Y-%m}", value) for unit, code, month, _, value in result.cells()
    ] == expected
    broken = lines.copy()
    broken[100] = broken[100].replace("03361", "99999", 1).replace("03358", "99999", 1)
    broken[101] = broken[101].replace("2019-", "2019/13-", 1)
    result = check_text("".join(broken))
    messages = [str(p) for p in result.problems if not p.hint]
    assert len(messages) == 2
    assert messages[0].startswith("Zeile 101, Spalte „traeger“: „99999“")
    assert messages[1].startswith("Zeile 102, Spalte „monat“: „2019/13-")


def test_blank_lines_inside_and_at_the_end_leave_every_value_in_its_row():
    """Rows without a value are left out of the values without moving any other."""
    lines = [f"03358;ELB;2019-{month:02d};{month}0\n" for month in range(1, 13)]
    expected = [("ELB", f"2019-{month:02d}", Decimal(f"{month}0")) for month in range(1, 13)]
    at_the_end = check_text(LONG_HEADER + "".join(lines) + "\n\n;;;\n")
    assert values_of(at_the_end) == expected
    inside = check_text(LONG_HEADER + "".join(lines[:5]) + "\n;;;\n" + "".join(lines[5:]) + "\n")
    assert values_of(inside) == expected
    gaps = check_text(
        LONG_HEADER + "".join(line.replace("0\n", "0\n03358;INT;2019-01;\n") for line in lines)
    )
    assert values_of(gaps) == expected
