"""Bytes → sheets of strings: file kind, decoding, CSV and XLSX."""

import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from defusedxml import DefusedXmlException, ElementTree
from django.conf import settings

from indicators.imports.cells import NATIVE, _shown
from indicators.imports.layout import _header_score, _is_header, _no_header_problem
from indicators.imports.problems import Problem, Refused
from zielsteuerung import formats

# ---------------------------------------------------------------------------------------------
# Reading: bytes → sheets of strings


@dataclass(eq=False)
class Sheet:
    """One table's cells below the header row, as strings, column by column.

    Row i of each column is line `first_line + i` of the file (or row of the worksheet). A
    column is a list of str (XLSX) or a NumPy array of str objects (CSV, as pandas reads it)."""

    name: str | None  # the worksheet's name (None for CSV)
    header: list[str]  # the header row's cells, as written
    header_line: int
    columns: list[list[str] | np.ndarray] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def first_line(self):
        return self.header_line + 1


def read_sheets(data, file_name, codes, progress=None):
    """The tables in `data`, found by content (not by the file name's extension).

    `codes` is the catalogue ({spelling: Indicator}); it tells a header row from a title."""
    limit = settings.UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise Refused(
            f"Die Datei ist {file_size(len(data))} groß; erlaubt sind höchstens {file_size(limit)}."
        )
    if not data or data.isspace():  # as data.strip(), without copying the file
        raise Refused("Die Datei ist leer.")
    kind = _file_kind(data)
    extension = file_name.rpartition(".")[2].lower() if "." in file_name else ""
    sheets = _read_xlsx(data, codes, progress) if kind == "xlsx" else [_read_csv(data, codes)]
    if extension in {"xlsx", "xlsm", "xls"} and kind == "csv":
        sheets[0].notes.insert(
            0, f"Die Datei heißt .{extension}, enthält aber Text; sie wurde als CSV gelesen."
        )
    elif extension in {"csv", "txt"} and kind == "xlsx":
        sheets[0].notes.insert(
            0, f"Die Datei heißt .{extension}, ist aber eine Excel-Arbeitsmappe."
        )
    return sheets


def file_size(size):
    """`61,2 MB`, `12,3 kB` or `404 Byte`."""
    if size >= 1024 * 1024:
        return f"{formats.number(size / 1024 / 1024, 1)} MB"
    if size >= 1024:
        return f"{formats.number(size / 1024, 1)} kB"
    return f"{size} Byte"


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


def _decode(data):
    """(text for pandas as bytes, pandas encoding, encoding label) of a text file."""
    if data.startswith(b"\xef\xbb\xbf"):
        payload, label = data[3:], "UTF-8 (mit BOM)"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8"), "utf-8", "UTF-16"
        except UnicodeDecodeError:
            raise Refused("Die Datei ist keine gültige UTF-16-Textdatei.") from None
    else:
        payload, label = data, "UTF-8"
    if payload.isascii():  # ASCII is UTF-8; checked without making a copy of the text
        return payload, "utf-8", label
    try:
        payload.decode("utf-8")
        return payload, "utf-8", label
    except UnicodeDecodeError:
        pass
    try:
        payload.decode("cp1252")
        return payload, "cp1252", "Windows-1252"
    except UnicodeDecodeError:
        return payload, "latin-1", "ISO-8859-1"


def _read_csv(data, codes):
    payload, encoding, label = _decode(data)
    head_text = payload[:262144].decode(encoding, errors="ignore")
    head_lines = LINE_BREAK.split(head_text, maxsplit=HEADER_SCAN_ROWS)[:HEADER_SCAN_ROWS]
    for number, line in enumerate(head_lines, start=1):
        widest = max(line.count(sep) for sep in SEPARATORS) + 1
        if widest > MAX_COLUMNS:
            raise Refused(
                Problem(
                    f"Die Zeile hat mehr als {MAX_COLUMNS} Spalten, zu viele für eine "
                    "Kennzahlentabelle. Die Datei wurde nicht weiter gelesen.",
                    line=number,
                )
            )
    header_index, separator, header = _find_csv_header(head_lines, codes)
    columns = _csv_columns(payload, encoding, separator, header_index, len(header))
    if len(columns[0]) > settings.UPLOAD_MAX_ROWS:  # read up to one row more than allowed
        line_count = payload.count(b"\n")
        if b"\r" in payload:  # Windows or old Macintosh line ends
            line_count = max(line_count, payload.count(b"\r"))
        raise Refused(
            f"Die Datei hat {formats.number(line_count - header_index - 1)} Zeilen; erlaubt "
            f"sind höchstens {formats.number(settings.UPLOAD_MAX_ROWS)}."
        )
    return Sheet(
        name=None,
        header=header,
        header_line=header_index + 1,
        columns=columns,
        notes=[f"Zeichensatz {label}, Trennzeichen {SEPARATORS[separator]}."],
    )


def _find_csv_header(lines, codes):
    """(index, separator, cells) of the first line that reads as a header row."""
    candidates = []
    for index, line in enumerate(lines):
        for separator in SEPARATORS:
            if separator not in line:
                continue
            cells = next(csv.reader([line], delimiter=separator), [])
            candidates.append((index, separator, cells))
            if _is_header([c.strip() for c in cells], codes):
                return index, separator, [c.strip() for c in cells]
    if not any(len(c[2]) >= 3 for c in candidates):  # traeger, monat and a value at least
        raise Refused(
            "Die Datei enthält keine Tabelle: keine der ersten Zeilen hat drei oder mehr "
            "durch Semikolon, Komma oder Tabulator getrennte Spalten."
        )
    rows = [[c.strip() for c in cells] for _, _, cells in candidates]
    raise Refused(_no_header_problem(rows, [index + 1 for index, _, _ in candidates], codes))


def _csv_columns(payload, encoding, separator, header_index, width):
    """The data rows below the header, as one array of str objects per column; at most one
    row more than UPLOAD_MAX_ROWS, so that a file too long is not read to its end.

    pandas' C parser with dtype=object (the texts as written, like dtype=str, but quicker);
    blank lines are kept so that row i is line header + 1 + i. Lines with more fields than the
    header are refused with their line numbers, except trailing empty fields (Excel writes
    `…;6000;;`)."""
    names = [f"c{i}" for i in range(width)]
    read = dict(
        sep=separator,
        header=None,
        skiprows=header_index + 1,
        nrows=settings.UPLOAD_MAX_ROWS + 1,
        dtype=object,
        na_filter=False,
        skip_blank_lines=False,
        encoding=encoding,
        quotechar='"',
        engine="c",
    )
    try:
        frame = pd.read_csv(io.BytesIO(payload), names=names, **read)
        if isinstance(frame.index, pd.RangeIndex):
            return [frame[name].to_numpy() for name in names]
    except pd.errors.ParserError as error:
        if "Expected" not in str(error):
            raise Refused(_parser_problem(error)) from None
    # Some lines have more fields than the header: allow empty extra fields, refuse others.
    spare = [f"x{i}" for i in range(16)]
    try:
        frame = pd.read_csv(io.BytesIO(payload), names=names + spare, **read)
    except pd.errors.ParserError:
        frame = None
    if frame is not None and isinstance(frame.index, pd.RangeIndex):
        extra = frame[spare].ne("").any(axis=1)
        if not extra.any():
            return [frame[name].to_numpy() for name in names]
    raise Refused(*_extra_field_problems(payload, encoding, separator, header_index, width))


def _parser_problem(error):
    match = re.search(r"row (\d+)", str(error))
    if "EOF inside string" in str(error) and match:
        line = int(match.group(1)) + 1  # pandas counts rows from 0 at the start of the file
        return Problem(
            "Hier beginnt ein Feld mit einem Anführungszeichen, das bis zum Dateiende nicht "
            "geschlossen wird.",
            line=line,
        )
    return Problem("Die Datei ist keine lesbare CSV-Tabelle.")


def _extra_field_problems(payload, encoding, separator, header_index, width):
    """Every line with more non-empty fields than the header (up to 1000 of them)."""
    hint = ""
    if separator == ",":
        hint = (
            " In einer durch Kommas getrennten Datei müssen Zahlen mit Dezimalkomma in "
            "Anführungszeichen stehen („1234,5“) – oder speichern Sie die Datei mit Semikolon."
        )
    problems = []
    lines = LINE_BREAK.split(payload.decode(encoding))
    for number, line in enumerate(lines[header_index + 1 :], start=header_index + 2):
        if line.count(separator) < width:
            continue
        if line.count(separator) >= MAX_COLUMNS:
            message = f"Die Zeile hat mehr als {MAX_COLUMNS} Spalten."
        else:
            cells = next(csv.reader([line], delimiter=separator))
            extra = [c.strip() for c in cells[width:] if c.strip()]
            if not extra:
                continue
            shown = ", ".join(f"„{_shown(c)}“" for c in extra[:3])
            message = (
                f"Die Zeile hat {len(cells)} Felder, die Kopfzeile nur {width}; zu viel: "
                f"{shown}.{hint}"
            )
        problems.append(Problem(message, line=number))
        if len(problems) >= 1000:
            break
    return problems or [Problem("Die Datei ist keine lesbare CSV-Tabelle.")]


def _read_xlsx(data, codes, progress):
    limit = settings.UPLOAD_MAX_BYTES * XLSX_MAX_EXPANSION
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Refused(
            "Die Datei ist ein beschädigtes ZIP-Archiv, keine lesbare Excel-Datei."
        ) from None
    names = {part.filename for part in parts}
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            raise Refused(
                "Die Datei ist eine OpenDocument-Tabelle (.ods). Bitte als Excel-Arbeitsmappe "
                "(.xlsx) oder als CSV speichern."
            )
        raise Refused("Die Datei ist ein ZIP-Archiv, aber keine Excel-Arbeitsmappe (.xlsx).")
    unpacked = sum(part.file_size for part in parts)
    dense = [
        p
        for p in parts
        if p.file_size > 1_000_000 and p.file_size > XLSX_MAX_RATIO * max(p.compress_size, 1)
    ]
    if len(parts) > 10_000 or unpacked > limit or dense:
        raise Refused(
            f"Die Excel-Datei wäre ausgepackt {file_size(unpacked)} groß"
            + (" und ungewöhnlich dicht gepackt" if dense else "")
            + "; sie wird aus Sicherheitsgründen nicht gelesen."
        )
    if any(_declares_entities(archive, part) for part in parts):
        raise Refused(ENTITY_REFUSAL)
    import openpyxl  # only needed for Excel files (and reads XML through defusedxml)

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except DefusedXmlException:
        raise Refused(ENTITY_REFUSAL) from None
    except Exception:  # openpyxl raises many kinds of errors for broken workbooks
        raise Refused("Die Excel-Datei ist beschädigt und kann nicht gelesen werden.") from None
    sheets, scanned, empty = [], [], False
    try:
        for worksheet in workbook.worksheets:
            if worksheet.sheet_state != "visible":
                continue
            try:
                sheet, rows, numbers = _read_worksheet(worksheet, codes, progress)
            except DefusedXmlException:  # an entity declaration the check above missed
                raise Refused(ENTITY_REFUSAL) from None
            except ValueError:  # openpyxl cannot read a number cell such as <v>NaN</v>
                raise Refused(*_unreadable_number_cells(archive, worksheet)) from None
            if sheet is not None:
                empty = empty or not sheet.columns[0]
                if sheet.columns[0]:  # sheets with a header but no rows (the template) are left
                    sheets.append(sheet)
            elif rows:
                scanned.append((worksheet.title, rows, numbers))
    finally:
        workbook.close()
    if sheets:
        return sheets
    if empty:
        raise Refused("Die Datei enthält keine Werte (nur Kopfzeilen).")
    if not scanned:
        raise Refused("Die Excel-Datei enthält keine Daten.")
    title, rows, numbers = max(
        scanned, key=lambda s: max(_header_score(row, codes) for row in s[1])
    )
    raise Refused(_no_header_problem(rows, numbers, codes, sheet=title))


ENTITY_REFUSAL = (
    "Die Excel-Datei enthält XML-Entity-Deklarationen (<!DOCTYPE …>), wie sie Excel nie "
    "schreibt; sie wird aus Sicherheitsgründen nicht gelesen."
)


def _declares_entities(archive, part):
    """Whether an XML part of the workbook starts with a document type declaration: the
    way to an entity expansion ("billion laughs", ~100 MB from 5 KB), refused before any
    parsing. Excel never writes one; defusedxml (used by openpyxl) is the second line."""
    if part.is_dir() or not part.filename.endswith((".xml", ".rels", ".vml")):
        return False
    with archive.open(part) as stream:
        head = stream.read(4096)
    text = head.replace(b"\x00", b"").upper()  # also UTF-16 text
    return b"<!DOCTYPE" in text or b"<!ENTITY" in text


def _read_worksheet(worksheet, codes, progress):
    """(sheet, None, None) for a worksheet with a header row, else (None, the non-empty
    rows searched for a header, their row numbers)."""
    rows = worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    scanned, numbers = [], []
    header = None
    for number, row in enumerate(rows, start=1):
        cells = [_cell_text(v).removeprefix(NATIVE) for v in row]
        if any(cells):
            scanned.append(cells)
            numbers.append(number)
            if _is_header(cells, codes):
                header = cells
                break
        if number >= HEADER_SCAN_ROWS:
            break
    if header is None:
        return None, scanned, numbers
    while header and not header[-1]:
        header.pop()
    sheet = Sheet(name=worksheet.title, header=header, header_line=numbers[-1])
    width = len(header)
    columns = [[] for _ in range(width)]
    limit = settings.UPLOAD_MAX_ROWS
    total = worksheet.max_row or 0
    filled = 0
    last_filled = 0
    for number, row in enumerate(rows, start=sheet.first_line):
        texts = [_cell_text(v) for v in row[:width]]
        texts.extend([""] * (width - len(texts)))
        for column, text in zip(columns, texts, strict=True):
            column.append(text)
        if any(texts):
            filled += 1
            last_filled = len(columns[0])
            if filled > limit:
                raise Refused(
                    f"Das Blatt „{worksheet.title}“ hat mehr als {formats.number(limit)} "
                    "Zeilen mit Daten; mehr werden nicht angenommen."
                )
        if progress and number % 20000 == 0:
            progress("Lesen", number, total)
    # Rows that are only formatted, below the data, are no data.
    sheet.columns = [column[:last_filled] for column in columns]
    return sheet, None, None


def _unreadable_number_cells(archive, worksheet):
    """The number cells of `worksheet` whose value is no finite number (`<v>NaN</v>`,
    `<v>0x10</v>`, `<v>1E+400</v>`), each as a problem with its row and column letter. Only
    read when openpyxl failed on the sheet, so good files are parsed once."""
    problems = []
    path = worksheet._worksheet_path  # openpyxl keeps no public name of the sheet's XML part
    with archive.open(path) as part:
        for _, element in ElementTree.iterparse(part):
            if element.tag.rpartition("}")[2] != "c":
                continue
            if element.get("t", "n") == "n":
                raw = next((child.text for child in element if child.tag.endswith("}v")), None)
                if raw is not None and not _finite_number(raw):
                    coordinate = element.get("r", "")
                    column = coordinate.rstrip("0123456789")
                    problems.append(
                        Problem(
                            f"„{_shown(raw)}“ ist als Zahl gespeichert, aber keine Zahl.",
                            line=int(coordinate[len(column) :] or 0) or None,
                            column=column or None,
                            sheet=worksheet.title,
                        )
                    )
                    if len(problems) >= 1000:
                        break
            element.clear()
    return problems or [Problem("Die Excel-Datei ist beschädigt und kann nicht gelesen werden.")]


def _finite_number(text):
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _cell_text(value):
    """An Excel cell as text; numbers keep their exact value behind the NATIVE marker."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip().replace(NATIVE, "")
    if isinstance(value, bool):
        return "WAHR" if value else "FALSCH"
    if isinstance(value, int):
        return NATIVE + str(value)
    if isinstance(value, float):
        if not math.isfinite(value):  # <v>1E+400</v> is read as infinity: no number to store
            return str(value)
        if value.is_integer() and abs(value) < 1e16:
            return NATIVE + str(int(value))
        return NATIVE + format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time | timedelta):
        return str(value)
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# The header row and the layout


HEADER_SCAN_ROWS = 30  # the header row must be among the first 30 rows of a sheet


MAX_COLUMNS = 500  # a table of indicators never has more columns than this


XLSX_MAX_EXPANSION = 10  # unpacked XLSX may be at most 10 × UPLOAD_MAX_BYTES …


XLSX_MAX_RATIO = 200  # … and no part may be packed more densely than 1 : 200 (zip bomb)


SEPARATORS = {";": "Semikolon", "\t": "Tabulator", ",": "Komma"}


LINE_BREAK = re.compile(r"\r\n|\r|\n")
