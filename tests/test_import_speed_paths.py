"""Whole files in which the cells that are read in bulk (`1234`, `-3`, `1234.5`, `1234,5`,
`1.234`, empty) and the cells that are read one by one (everything else) meet: the values, notes
and messages are those the rules give for each cell alone (docs/import.md)."""

from datetime import date
from decimal import Decimal

import pytest

from indicators import imports

pytestmark = pytest.mark.django_db

LADESTAND = date(2020, 3, 17)
HEADER = "traeger;kennzahl;monat;wert\n"


def check_text(text, **options):
    return imports.check_file(text.encode(), "test.csv", ladestand=LADESTAND, **options)


def values_of(result):
    assert [str(p) for p in result.problems] == []
    return [(code, f"{month:%Y-%m}", value) for _, code, month, _, value in result.cells()]


def test_a_plain_file_reads_every_form_of_number_exactly():
    result = check_text(
        HEADER + "03358;LLU;2020-01;12.5 %\n"  # one by one: a plain number, the file's example
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
    assert result.value_column[:5] == ["12.5", "1234567.89", "-3", "-0.25", "1.234"]
    assert "Zahlen mit Dezimalpunkt gelesen (wie „12.5 %“)." in result.notes
    assert "1 Wert mit mehr als 4 Nachkommastellen auf 4 Stellen gerundet." in result.notes
    assert "1 Zeile ohne Wert oder mit Summen übergangen." in result.notes


def test_a_german_file_reads_thousands_dots_and_decimal_commas():
    result = check_text(
        HEADER + "03358;LLU;2020-01;12.345,67\n"  # one by one: the file's example
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
    assert result.value_column[:2] == ["12345.67", "1.5"]
    assert "Zahlen im deutschen Format gelesen (wie „12.345,67“)." in result.notes


def test_a_german_file_refuses_every_decimal_point_with_its_line():
    result = check_text(
        HEADER + "03358;LLU;2020-01;1.234,5\n"
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
        HEADER + "03358;ELB;2020-01;5\n03358;ELB;2020-02;²\n03358;ELB;2020-03;١٢\n"
        "03358;INT;2020-01;１２\n03358;INT;2020-02;6\n"
    )
    assert [str(p) for p in result.problems] == [
        "Zeile 3, Spalte „wert“: „²“ ist keine Zahl.",
        "Zeile 4, Spalte „wert“: „١٢“ ist keine Zahl.",
        "Zeile 5, Spalte „wert“: „１２“ ist keine Zahl.",
    ]


def test_too_many_digits_and_negative_counts_among_ordinary_values():
    result = check_text(
        HEADER + "03358;LLU;2020-01;12345678901234567\n"
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
    result = check_text(HEADER + '03358;ELB;2020-01;5\n03358;ELB;2020-02;"6\n7"\n')
    assert [str(p) for p in result.problems] == ["Zeile 3, Spalte „wert“: „6\n7“ ist keine Zahl."]


def test_kreisschluessel_are_compared_as_written_not_as_numbers(heidekreis_user):
    result = check_text(
        HEADER + "03358;ELB;2020-01;5\n3358;ELB;2020-02;6\n03361;ELB;2020-01;7\n"
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
        HEADER + "03358;ELB;2020-01;5\n03358;INT;2020-01;1\n03358;INT;2020-01;2\n"
        "03358;ELB;2020-02;6\n03358;ELB;2020-02;6\n"
    )
    assert [str(p) for p in result.problems] == [
        "Zeile 4, Spalte „wert“: Den Wert für 03358 INT Januar 2020 (gesamt) gibt es schon in "
        "Zeile 3 mit „1“, hier aber „2“."
    ]
    repeated = "1 Wert steht doppelt mit gleichem Wert in der Datei; gespeichert wird jeder einmal."
    assert repeated in result.notes


def test_a_file_in_the_usual_order_has_no_repeats():
    text = HEADER + "".join(
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
    """Units and months that repeat row after row (a national file sorted by unit and month)
    are read by their runs; a wrong key in the middle of a run is named at its own line."""
    lines, expected = [HEADER], []
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
    at_the_end = check_text(HEADER + "".join(lines) + "\n\n;;;\n")
    assert values_of(at_the_end) == expected
    inside = check_text(HEADER + "".join(lines[:5]) + "\n;;;\n" + "".join(lines[5:]) + "\n")
    assert values_of(inside) == expected
    gaps = check_text(
        HEADER + "".join(line.replace("0\n", "0\n03358;INT;2019-01;\n") for line in lines)
    )
    assert values_of(gaps) == expected
