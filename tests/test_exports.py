"""CSV/XLSX downloads: German CSV, real numbers in XLSX, formulas neutralised."""

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from agreements.exports import (
    Column,
    Number,
    Table,
    csv_bytes,
    download,
    neutralise,
    xlsx_bytes,
)


def table():
    return Table(
        title="Übersicht: 2020/21",
        columns=[
            Column("Landkreis"),
            Column("JFW (%)", 2),
            Column("Veränderung (%)", 1),
            Column("Ladestand"),
            Column("Wert"),
        ],
        rows=[
            ["Landkreis Heidekreis", Decimal("5.56962"), Decimal("8.6974"), date(2020, 3, 17), 7],
            ['=HYPERLINK("http://x")', Decimal("-0.004"), None, None, Number(Decimal("12.345"), 1)],
            ["-1+1", 3, Decimal("-2.128"), None, "@SUMME(A1)"],
        ],
    )


def test_neutralise_prefixes_text_that_a_spreadsheet_would_run():
    for text in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("Landkreis Heidekreis") == "Landkreis Heidekreis"
    assert neutralise("03358") == "03358"


def test_csv_is_german_excel_csv_with_numbers_as_shown():
    text = csv_bytes(table()).decode("utf-8")
    assert text.startswith("\ufeff")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Landkreis", "JFW (%)", "Veränderung (%)", "Ladestand", "Wert"]
    assert rows[1] == ["Landkreis Heidekreis", "5,57", "8,7", "17.03.2020", "7"]
    # A text cell is neutralised, a negative number is not (and never reads "-0,00").
    assert rows[2] == ['\'=HYPERLINK("http://x")', "0,00", "", "", "12,3"]
    assert rows[3] == ["'-1+1", "3,00", "-2,1", "", "'@SUMME(A1)"]


def test_xlsx_keeps_numbers_as_numbers_and_neutralises_text():
    workbook = load_workbook(io.BytesIO(xlsx_bytes(table())))
    sheet = workbook.active
    assert sheet.title == "Übersicht  2020 21"
    assert [c.value for c in sheet[1]] == [
        "Landkreis",
        "JFW (%)",
        "Veränderung (%)",
        "Ladestand",
        "Wert",
    ]
    row = [c.value for c in sheet[2]]
    assert row[0] == "Landkreis Heidekreis"
    assert row[1] == 5.57 and isinstance(row[1], float)
    assert row[2] == 8.7
    assert row[3].date() == date(2020, 3, 17)
    assert row[4] == 7
    assert sheet["B2"].number_format == "#,##0.00"
    assert sheet["A3"].value == '\'=HYPERLINK("http://x")'
    assert sheet["E3"].value == 12.3 and sheet["E3"].number_format == "#,##0.0"
    assert sheet["A4"].value == "'-1+1"
    assert sheet["C4"].value == -2.1
    assert sheet["E4"].value == "'@SUMME(A1)"


def test_download_answers_csv_and_xlsx_and_nothing_else():
    csv_response = download(table(), "uebersicht-2020", "csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert 'filename="uebersicht-2020.csv"' in csv_response["Content-Disposition"]
    xlsx_response = download(table(), "uebersicht-2020", "xlsx")
    assert xlsx_response["Content-Type"].endswith("spreadsheetml.sheet")
    assert 'filename="uebersicht-2020.xlsx"' in xlsx_response["Content-Disposition"]
    assert download(table(), "x", "pdf") is None
    assert download(table(), "x", None) is None
