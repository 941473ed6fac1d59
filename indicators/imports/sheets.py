"""Bytes → sheets of strings: the file kind from the content; CSV in textfiles.py, XLSX in
workbooks.py."""

from typing import NamedTuple

from django.conf import settings

from indicators.imports.cells import file_size
from indicators.imports.problems import Refused
from indicators.imports.textfiles import _csv_head_rows, _read_csv
from indicators.imports.workbooks import _read_xlsx, _xlsx_head_rows


def read_sheets(data, file_name, codes, progress=None, mapping=None):
    """The tables in `data`, found by content (not by the file name's extension).

    `codes` is the catalogue ({spelling: Indicator}); it tells a header row from a title. A
    `mapping` (mapping.Mapping) names the header row (and worksheet) instead."""
    limit = settings.UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise Refused(
            f"Die Datei ist {file_size(len(data))} groß; erlaubt sind höchstens {file_size(limit)}."
        )
    if not data or data.isspace():  # as data.strip(), without copying the file
        raise Refused("Die Datei ist leer.")
    kind = _file_kind(data)
    extension = file_name.rpartition(".")[2].lower() if "." in file_name else ""
    if kind == "xlsx":
        sheets = _read_xlsx(data, codes, progress, mapping)
    else:
        sheets = [_read_csv(data, codes, mapping)]
    if extension in {"xlsx", "xlsm", "xls"} and kind == "csv":
        sheets[0].notes.insert(
            0, f"Die Datei heißt .{extension}, enthält aber Text; sie wurde als CSV gelesen."
        )
    elif extension in {"csv", "txt"} and kind == "xlsx":
        sheets[0].notes.insert(
            0, f"Die Datei heißt .{extension}, ist aber eine Excel-Arbeitsmappe."
        )
    return sheets


class Head(NamedTuple):
    """The first rows of a table, for the mapping step: the header's candidates and a few rows
    below them as (line, cells); the worksheet they are from and all visible worksheets' names
    (None and () for a text file)."""

    sheet: str | None
    sheets: tuple[str, ...]
    rows: list[tuple[int, list[str]]]


def head_rows(data, sheet=None):
    """The Head of the worksheet `sheet` (else the first with data) or of the text file.
    Refused as `read_sheets` refuses."""
    if _file_kind(data) == "xlsx":
        return Head(*_xlsx_head_rows(data, sheet))
    return Head(None, (), _csv_head_rows(data))


def _file_kind(data):
    head = data[:8]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "xlsx"
    if head.startswith(b"%PDF"):
        raise Refused(
            "Die Datei ist ein PDF-Dokument, keine Tabelle. Bitte die Daten als Excel-Datei "
            "(.xlsx) oder CSV speichern."
        )
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise Refused(
            "Die Datei ist im alten Excel-Format (.xls) oder mit einem Kennwort geschützt. "
            "Bitte in Excel als „Excel-Arbeitsmappe (.xlsx)“ ohne Kennwort oder als CSV speichern."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"  # UTF-16 text, as Excel's "Unicode-Text" writes it
    sample = data[:65536]
    if b"\x00" in sample:
        raise Refused(
            "Die Datei ist weder eine CSV-Datei noch eine Excel-Arbeitsmappe (.xlsx), sondern "
            "eine andere Binärdatei."
        )
    if sample.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        raise Refused(
            "Die Datei ist eine HTML- oder XML-Datei, keine Tabelle im CSV- oder Excel-Format. "
            "Bitte in Excel als „Excel-Arbeitsmappe (.xlsx)“ oder als CSV speichern."
        )
    return "csv"
