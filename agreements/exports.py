"""Tables as CSV and XLSX downloads: German headers, German numbers in CSV, real numbers in XLSX.

Generic: a `Table` is a title, columns and rows of plain Python values (str, int, Decimal,
float, date, None); any page can hand one to `csv_response` or `xlsx_response`.

Spreadsheet programs execute a text cell that starts with `=`, `+`, `-` or `@` as a formula
(and tab or carriage return can smuggle one in). Every *text* cell starting with one of these is
neutralised with a leading apostrophe; numbers are written as numbers and are never touched.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    places: int | None = None  # decimals a number is rounded to (as the page shows it)


@dataclass(frozen=True)
class Number:
    """A number with its own rounding, for a column whose rows differ in unit (Euro, %)."""

    value: int | float | Decimal
    places: int

    @property
    def number_format(self):
        return _number_format(self.places)


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)

    @property
    def headers(self):
        return [column.header for column in self.columns]


def neutralise(text):
    """`=SUMME(A1)` → `'=SUMME(A1)`: a text cell that a spreadsheet would run as a formula.
    (Non-breaking spaces of the page, as in `3,1 %`, become plain spaces.)"""
    text = str(text).replace("\u00a0", " ")
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _is_number(value):
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _rounded(value, places):
    if places is None:
        return value
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded  # no "-0,0"


def _csv_cell(value, places):
    """German CSV: decimal comma, no thousands separator (Excel reads it back as a number)."""
    if isinstance(value, Number):
        value, places = value.value, value.places
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if _is_number(value):
        return format(Decimal(str(_rounded(value, places))), "f").replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return neutralise(value)


def csv_bytes(table):
    """`;`-separated, UTF-8 with BOM: what German Excel opens without an import dialog."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(header) for header in table.headers])
    for row in table.rows:
        writer.writerow(
            [
                _csv_cell(value, column.places)
                for value, column in zip(row, table.columns, strict=True)
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _number_format(places):
    return "#,##0" if not places else "#,##0." + "0" * places


def _sheet_title(title):
    return re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Tabelle"


def xlsx_bytes(table):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(table.title)
    sheet.append([neutralise(header) for header in table.headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row_number, row in enumerate(table.rows, start=2):
        for column_number, (value, column) in enumerate(
            zip(row, table.columns, strict=True), start=1
        ):
            cell = sheet.cell(row=row_number, column=column_number)
            places = column.places
            number_format = None
            if isinstance(value, Number):
                value, places, number_format = value.value, value.places, value.number_format
            if value is None:
                continue
            if isinstance(value, bool):
                cell.value = "ja" if value else "nein"
            elif _is_number(value):
                cell.value = _rounded(value, places)
                cell.number_format = number_format or _number_format(places)
            elif isinstance(value, datetime):
                cell.value = value.replace(tzinfo=None)
                cell.number_format = "DD.MM.YYYY HH:MM"
            elif isinstance(value, date):
                cell.value = value
                cell.number_format = "DD.MM.YYYY"
            else:
                cell.value = neutralise(value)
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(12, len(column.header) + 2), 48
        )
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _attachment(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(table, filename):
    return _attachment(csv_bytes(table), CSV_TYPE, f"{filename}.csv")


def xlsx_response(table, filename):
    return _attachment(xlsx_bytes(table), XLSX_TYPE, f"{filename}.xlsx")


def download(table, filename, file_format):
    """The response for `?format=csv|xlsx`, or None for any other format (the page itself)."""
    if file_format == "csv":
        return csv_response(table, filename)
    if file_format == "xlsx":
        return xlsx_response(table, filename)
    return None
