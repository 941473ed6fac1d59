"""Import of monthly indicator data from the CSV and Excel files Jobcenter controllers have.

Three steps, as in pretix' model import:

1. `read_sheets` turns the file's bytes into sheets of plain strings. pandas (CSV, strings
   only) and openpyxl (XLSX) are used only here; everything after works on those strings.
2. `check_file` finds the header row and the layout, reads every cell and collects every
   problem at once, in German, with line and column ("Zeile 7, Spalte „wert“: …").
3. `store_delivery` writes the delivery and all its values in one transaction, and only for a
   check without problems.

docs/import.md describes the accepted files for users; the rules below are the same rules.
"""

import csv
import gc
import hashlib
import io
import math
import re
import threading
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import compress
from typing import NamedTuple

import numpy as np
import pandas as pd
from defusedxml import DefusedXmlException, ElementTree
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from indicators import storage
from indicators.models import (
    VALUE_DIGITS,
    VALUE_PLACES,
    DataDelivery,
    DeliverySource,
    Indicator,
    Unit,
)
from zielsteuerung import formats
from zielsteuerung.access import is_ministry, traeger_of
from zielsteuerung.models import Organisation, OrganisationKind

HEADER_SCAN_ROWS = 30  # the header row must be among the first 30 rows of a sheet
MAX_COLUMNS = 500  # a table of indicators never has more columns than this
XLSX_MAX_EXPANSION = 10  # unpacked XLSX may be at most 10 × UPLOAD_MAX_BYTES …
XLSX_MAX_RATIO = 200  # … and no part may be packed more densely than 1 : 200 (zip bomb)
EARLIEST_MONTH = (2005, 1)  # SGB II exists since January 2005
DECIMAL_PLACES = VALUE_PLACES
INTEGER_DIGITS = VALUE_DIGITS - VALUE_PLACES
KEPT_PROBLEMS = 10_000  # further problems of a file are counted, not kept (memory)
NATIVE = "\x00"  # prefix of an Excel number cell's text: exact, not subject to format guessing
NOT_A_VALUE = {"", "*", ".", "x", "X", "-", "–", "—", "…", "...", "k.A.", "k. A.", "n.v."}
TOTAL_ROWS = {"summe", "gesamtsumme", "insgesamt", "gesamt", "total", "gesamtergebnis"}
COUNT_UNITS = {Unit.PERSONS, Unit.COUNT}


def _words(text):
    return frozenset(text.split())


# Header names, compared after `_header_key` (lower case, ä → ae, ß → ss, no spaces or signs).
# A key column wins over a name column: "Kreisschlüssel;Jobcenter;…" keys by Kreisschlüssel.
UNIT_KEY_HEADERS = _words(
    "kreisschluessel schluessel traegerschluessel jobcenterschluessel jcschluessel "
    "regionalschluessel kreiskennziffer kennung ags jcid jobcenterid jobcenternr "
    "jobcenternummer traegernr traegernummer kreisnr kreisnummer"
)
UNIT_HEADERS = _words("traeger trager jobcenter landkreis kreis zkt einheit region")
NAME_HEADERS = _words("name bezeichnung jobcentername traegername kreisname landkreisname")
ROLE_HEADERS = {
    "code": _words("kennzahl code kennzahlcode kz kennziffer indikator merkmal"),
    "month": _words(
        "monat berichtsmonat datum stichtag zeitraum periode berichtszeitraum "
        "berichtsperiode jahrmonat monatjahr month"
    ),
    "value": _words("wert werte value anzahl betrag"),
    "sex": _words("geschlecht sex gender"),
}
# Columns a wide file may carry besides the codes; other unknown columns are refused there,
# because they are most likely misspelt codes.
IGNORED_HEADERS = NAME_HEADERS | _words(
    "bundesland land vergleichstyp typ bemerkung anmerkung hinweis kommentar quelle stand "
    "ladestand datenstand wartezeit jahr nr lfdnr id"
)
ROLE_LABELS = {
    "unit": "traeger",
    "code": "kennzahl",
    "month": "monat",
    "value": "wert",
    "sex": "geschlecht",
}
SEX_WORDS = {
    "g": "g i gesamt insgesamt alle zusammen total",
    "m": "m maenner maennlich mann male",
    "w": "w f frauen weiblich frau female",
}
SEXES = {word: sex for sex, words in SEX_WORDS.items() for word in words.split()} | {"": "g"}
SEX_ORDER = {"g": 0, "m": 1, "w": 2}
MONTH_WORDS = {
    1: "januar jan jaenner jaen january",
    2: "februar feb feber february",
    3: "maerz maer mrz mar march",
    4: "april apr",
    5: "mai may",
    6: "juni jun june",
    7: "juli jul july",
    8: "august aug",
    9: "september sep sept",
    10: "oktober okt oct october",
    11: "november nov",
    12: "dezember dez dec december",
}
MONTH_NUMBERS = {word: number for number, words in MONTH_WORDS.items() for word in words.split()}
SEPARATORS = {";": "Semikolon", "\t": "Tabulator", ",": "Komma"}
LINE_BREAK = re.compile(r"\r\n|\r|\n")
CREATABLE_KEY = re.compile(r"[0-9A-Za-z][0-9A-Za-z._/-]{0,19}")


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, where the user finds it in Excel or an editor.

    `more_lines` are further lines with the same problem (e.g. the same unknown Landkreis)."""

    message: str
    line: int | None = None
    column: str | None = None
    sheet: str | None = None
    more_lines: tuple[int, ...] = ()
    order: tuple = field(default=(), compare=False, repr=False)
    hint: bool = False  # advice on how to mend other problems, not a problem to count

    def __str__(self):
        where = []
        if self.sheet:
            where.append(f"Blatt „{self.sheet}“")
        if self.line is not None:
            where.append(f"Zeile {self.line}")
        if self.column is not None:
            where.append(f"Spalte „{_shown(self.column)}“")
        text = f"{', '.join(where)}: {self.message}" if where else self.message
        if self.more_lines:
            text = text[:-1] if text.endswith(".") else text
            text += f" (ebenso {_line_list(self.more_lines)})."
        return text


def _line_list(lines, shown=5):
    if len(lines) == 1:
        return f"in Zeile {lines[0]}"
    head = ", ".join(str(n) for n in lines[:shown])
    if len(lines) <= shown:
        head, _, last = head.rpartition(", ")
        return f"in den Zeilen {head} und {last}"
    return f"in den Zeilen {head} und {formats.number(len(lines) - shown)} weiteren"


class Refused(Exception):
    """The file as a whole cannot be read; the problems say why."""

    def __init__(self, *problems):
        self.problems = [p if isinstance(p, Problem) else Problem(p) for p in problems]
        super().__init__("\n".join(str(p) for p in self.problems))


class UnitRef(NamedTuple):
    pk: int | None  # None: a comparison unit that storing will create
    key: str
    name: str
    kind: str
    short_name: str = ""


class IndicatorRef(NamedTuple):
    pk: int
    code: str
    unit: str
    sort_order: int


@dataclass
class SummaryRow:
    unit: UnitRef
    code: str
    sex: str
    count: int
    first_month: date
    last_month: date
    total: Decimal


@dataclass
class ImportCheck:
    """What a file would deliver, or every problem that stops it."""

    file_name: str
    sha256: str
    size: int
    ladestand: date
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    units: list[UnitRef] = field(default_factory=list)
    indicators: list[IndicatorRef] = field(default_factory=list)
    # The values, one entry per cell, as parallel columns: unit and indicator are ranks into
    # the lists above, month is year * 12 + month - 1, sex 0/1/2 for g/m/w (SEX_ORDER), and
    # value the exact decimal as text ("1234567.89").
    unit_column: np.ndarray | None = None
    indicator_column: np.ndarray | None = None
    month_column: np.ndarray | None = None
    sex_column: np.ndarray | None = None
    value_column: list[str] = field(default_factory=list)
    unknown_units: list[str] = field(default_factory=list)
    # Cells holding a mark instead of a number (`k.A.`, `n.v.`, `-` …): {mark: count}.
    skipped_marks: dict[str, int] = field(default_factory=dict)
    uncounted_problems: int = 0  # problems beyond KEPT_PROBLEMS: counted, not kept

    @property
    def ok(self):
        return not self.problems and self.value_count > 0

    @property
    def error_count(self):
        return sum(not problem.hint for problem in self.problems) + self.uncounted_problems

    @property
    def value_count(self):
        return len(self.value_column)

    @property
    def new_units(self):
        return [u for u in self.units if u.pk is None]

    @property
    def first_month(self):
        return _month_date(int(self.month_column.min())) if self.value_count else None

    @property
    def last_month(self):
        return _month_date(int(self.month_column.max())) if self.value_count else None

    def used_units(self):
        used = np.bincount(self.unit_column, minlength=len(self.units))
        return [self.units[r] for r in np.flatnonzero(used).tolist()]

    def used_codes(self):
        used = [self.indicators[r] for r in np.unique(self.indicator_column).tolist()]
        return [ref.code for ref in sorted(used, key=lambda ref: (ref.sort_order, ref.code))]

    def describe(self):
        """One German line: how many values, units, codes and which months."""
        units = self.used_units()
        codes = self.used_codes()
        unit_text = units[0].key if len(units) == 1 else f"{formats.number(len(units))} Träger"
        code_text = ", ".join(codes) if len(codes) <= 8 else f"{len(codes)} Kennzahlen"
        return (
            f"{_count(self.value_count, 'Wert', 'Werte')} für {unit_text} ({code_text}), "
            f"{_month_short(self.first_month)} bis {_month_short(self.last_month)}"
        )

    def cells(self):
        """The values as (unit key, code, month, sex, Decimal), in the order of the file."""
        sexes = list(SEX_ORDER)
        return [
            (
                self.units[unit].key,
                self.indicators[indicator].code,
                _month_date(month),
                sexes[sex],
                Decimal(value),
            )
            for unit, indicator, month, sex, value in zip(
                self.unit_column.tolist(),
                self.indicator_column.tolist(),
                self.month_column.tolist(),
                self.sex_column.tolist(),
                self.value_column,
                strict=True,
            )
        ]

    def summary(self):
        """Per unit, code and sex: count, first and last month and the sum of the values."""
        if not self.value_count:
            return []
        groups = self.unit_column * len(self.indicators) + self.indicator_column
        groups = groups * 3 + self.sex_column
        frame = pd.DataFrame(
            {
                "group": groups,
                "month": self.month_column,
                "value": np.array(self.value_column, dtype=np.float64),
            }
        )
        table = frame.groupby("group").agg(
            count=("month", "size"),
            first=("month", "min"),
            last=("month", "max"),
            total=("value", "sum"),
        )
        sex_names = {v: k for k, v in SEX_ORDER.items()}
        rows = []
        for group, count, first, last, total in table.itertuples(name=None):
            rest, sex = divmod(int(group), 3)
            unit, indicator = divmod(rest, len(self.indicators))
            rows.append(
                SummaryRow(
                    unit=self.units[unit],
                    code=self.indicators[indicator].code,
                    sex=sex_names[sex],
                    count=int(count),
                    first_month=_month_date(int(first)),
                    last_month=_month_date(int(last)),
                    total=Decimal(repr(float(total))).quantize(Decimal("0.01")),
                )
            )
        order = {ref.code: ref.sort_order for ref in self.indicators}
        rows.sort(
            key=lambda r: (r.unit.kind != OrganisationKind.TRAEGER, r.unit.key, order[r.code])
        )
        return rows


_month_date = storage.month_date


def _month_short(month):
    return f"{month:%m/%Y}" if month else "–"


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


def _header_key(text):
    text = text.strip().lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = text.replace("ß", "ss")
    text = re.sub(r"\(.*?\)|\[.*?\]", "", text)
    return re.sub(r"[^a-z0-9]", "", text)


def _code_key(text):
    text = text.strip().strip("\"'").upper()
    text = text.replace("Ä", "AE").replace("Ö", "OE").replace("Ü", "UE")
    return re.sub(r"[\s\-./]+", "_", text).strip("_")


def _indicator_codes():
    """{normalised spelling: Indicator} for every code in the catalogue."""
    codes = {}
    for indicator in Indicator.objects.all():
        codes[_code_key(indicator.code)] = indicator
        codes.setdefault(_code_key(indicator.code).replace("_", ""), indicator)
    return codes


@dataclass
class Layout:
    long: bool
    roles: dict[str, int]  # role → column index
    code_columns: list[tuple[int, Indicator]]  # wide layout: column index → indicator
    ignored: list[str]
    problems: list[tuple[str, str | None]]


def _roles_of(cells, codes):
    """Role or indicator of each header cell; None when the cell means nothing to us."""
    found = []
    for cell in cells:
        key = _header_key(cell)
        role = None
        if key in UNIT_KEY_HEADERS:
            role = "unit_key"
        elif key in UNIT_HEADERS:
            role = "unit"
        elif key in NAME_HEADERS:
            role = "name"
        else:
            role = next((r for r, names in ROLE_HEADERS.items() if key in names), None)
        if role is None and cell.strip():
            indicator = codes.get(_code_key(cell))
            if indicator is not None:
                role = indicator
        found.append(role)
    return found


def _is_header(cells, codes):
    return _header_score(cells, codes) >= 10


def _header_score(cells, codes):
    """10 or more: a usable header row; otherwise how close a row comes (for the message)."""
    roles = _roles_of(cells, codes)
    has_unit = "unit" in roles or "unit_key" in roles
    has_month = "month" in roles
    long = "code" in roles and "value" in roles
    wide = any(isinstance(r, Indicator) for r in roles)
    if has_unit and has_month and (long or wide):
        return 10
    return sum([has_unit, has_month, "code" in roles, "value" in roles, wide])


def _no_header_problem(rows, line_numbers, codes, sheet=None):
    best = max(range(len(rows)), key=lambda i: _header_score(rows[i], codes))
    roles = _roles_of(rows[best], codes)
    found = [
        f"„{ROLE_LABELS.get(r, r)}“ ({cell})"
        for cell, r in zip(rows[best], roles, strict=True)
        if isinstance(r, str) and r in ("unit", "unit_key", "code", "month", "value")
    ]
    found = [f.replace("„unit_key“", "„traeger“") for f in found]
    message = (
        "Keine Kopfzeile gefunden. Erwartet wird in den ersten 30 Zeilen eine Zeile mit den "
        "Spalten „traeger“ und „monat“ und entweder „kennzahl“ und „wert“ (lange Form) oder "
        "einer Spalte je Kennzahl wie „ELB“ und „INT“ (breite Form)."
    )
    if found:
        message += f" Erkannt in Zeile {line_numbers[best]}: {', '.join(found)}."
        missing = _missing_columns(roles)
        if missing:
            message += f" Es fehlt: {missing}."
    return Problem(message, sheet=sheet)


def _missing_columns(roles):
    """What a header row lacks when it lacks one thing only, in the words of the message above
    (when more is missing, the row is probably no header, and the message says enough)."""
    missing = []
    if "unit" not in roles and "unit_key" not in roles:
        missing.append("die Spalte „traeger“")
    if "month" not in roles:
        missing.append("die Spalte „monat“")
    if not any(isinstance(r, Indicator) for r in roles):
        if "code" in roles and "value" not in roles:
            missing.append("die Spalte „wert“")
        elif "value" in roles and "code" not in roles:
            missing.append("die Spalte „kennzahl“")
        elif "code" not in roles:
            missing.append("„kennzahl“ und „wert“ oder eine Spalte je Kennzahl")
    return missing[0] if len(missing) == 1 else ""


def _layout(header, codes, columns):
    """The roles of a header row's columns; problems as (message, column header)."""
    roles = _roles_of(header, codes)
    problems = []
    positions = {}
    keyed = "unit_key" in roles  # a key column wins over a "Jobcenter" name column
    for index, (cell, role) in enumerate(zip(header, roles, strict=True)):
        if role is None or isinstance(role, Indicator):
            continue
        if role == "unit" and keyed:
            role = "name"
        elif role == "unit_key":
            role = "unit"
        if role in positions and role != "name":
            problems.append(
                (
                    f"Die Spalte „{ROLE_LABELS[role]}“ kommt zweimal vor "
                    f"(„{_shown(header[positions[role]])}“ und „{_shown(cell)}“).",
                    cell,
                )
            )
        positions.setdefault(role, index)
    code_columns = [(i, r) for i, r in enumerate(roles) if isinstance(r, Indicator)]
    long = "code" in positions and "value" in positions
    if long and code_columns:
        shown = ", ".join(header[i] for i, _ in code_columns[:5])
        problems.append(
            (
                "Die Kopfzeile enthält „kennzahl“ und „wert“ (lange Form) und zugleich Spalten "
                f"je Kennzahl ({shown}). Bitte nur eine der beiden Formen verwenden.",
                None,
            )
        )
    seen = {}
    for index, indicator in code_columns:
        if indicator.code in seen:
            problems.append(
                (
                    f"Die Kennzahl {indicator.code} steht in zwei Spalten "
                    f"(„{_shown(header[seen[indicator.code]])}“ und „{_shown(header[index])}“).",
                    header[index],
                )
            )
        seen.setdefault(indicator.code, index)
    ignored = []
    for index, (cell, role) in enumerate(zip(header, roles, strict=True)):
        if role is not None:
            continue
        if not cell:
            if index < len(columns) and any(_texts(columns[index])):
                ignored.append(f"Spalte {index + 1} (ohne Überschrift)")
        elif long or _header_key(cell) in IGNORED_HEADERS:
            ignored.append(f"„{_shown(cell)}“")
        else:  # wide layout: an unknown column is most likely a misspelt code
            problems.append(
                (f"„{_shown(cell)}“ ist keine bekannte Kennzahl. {_known_codes(codes)}", cell)
            )
    return Layout(long, positions, code_columns, ignored, problems)


# ---------------------------------------------------------------------------------------------
# Cells: units, codes, months, sexes and numbers


def _unit_key(text):
    """`3358` (Excel dropped the zero), `3.358` and `3358.0` all mean Kreisschlüssel 03358."""
    text = text.removeprefix(NATIVE).strip()
    if re.fullmatch(r"\d{1,2}\.\d{3}", text):
        text = text.replace(".", "")
    match = re.fullmatch(r"(\d+)[.,]0+", text)
    if match:
        text = match.group(1)
    if len(text) == 4 and text.isdigit():
        text = "0" + text
    return text


def _name_key(text):
    text = _header_key(text)
    for prefix in ("landkreis", "jobcenter", "lk", "kreis", "jc", "zkt"):
        text = text.removeprefix(prefix)
    return text


_MONTH_PATTERNS = [
    (re.compile(r"(\d{4})[-/.](\d{1,2})"), "ym"),
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"), "ymd"),
    (re.compile(r"(\d{1,2})\s*[./-]\s*(\d{4})"), "my"),
    (re.compile(r"(\d{1,2})\s+(\d{4})"), "my"),
    (re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?"), "dmy"),
    (re.compile(r"(\d{4})(\d{2})"), "ym"),
    (re.compile(r"(\d{5})(?:\.0+)?"), "serial"),
    (re.compile(r"([a-z]+)\.?\s*[-/ ]?\s*'?(\d{4}|\d{2})"), "name"),
]


def _parse_month(text):
    """(year, month) of `2020-01`, `01/2020`, `01.2020`, `Jan 2020`, `Januar 2020`, `März 2020`,
    `202001`, an Excel date (`2020-01-31`) or Excel serial number (`43831`); else None."""
    text = text.removeprefix(NATIVE).strip().lower()
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").rstrip(".")
    for pattern, kind in _MONTH_PATTERNS:
        match = pattern.fullmatch(text)
        if not match:
            continue
        groups = match.groups()
        if kind == "ym" or kind == "ymd":
            year, month = int(groups[0]), int(groups[1])
        elif kind == "my":
            month, year = int(groups[0]), int(groups[1])
        elif kind == "dmy":
            month, year = int(groups[1]), int(groups[2])
        elif kind == "serial":
            serial = int(groups[0])
            if not 36526 <= serial <= 73415:  # 2000-01-01 … 2100-12-31
                return None
            day = date(1899, 12, 30) + timedelta(days=serial)
            year, month = day.year, day.month
        else:
            month = MONTH_NUMBERS.get(groups[0])
            if month is None:
                return None
            year = int(groups[1])
            year += 2000 if year < 100 else 0
        if 1 <= month <= 12 and 1900 <= year <= 2100:
            return year, month
        return None
    return None


_SIMPLE_NUMBER = re.compile(r"(-?)(\d+)([.,])(\d+)", re.ASCII)


def _parse_number(text):
    """(kind, exact decimal text) of a number cell; kind is one of
    "int" (digits only), "native" (an Excel number), "german" (decimal comma or `1.234.567`),
    "plain" (decimal point, `1234.5`), "either" (`1.234`: 1234 in German, 1.234 plain),
    "missing" (empty or a statistical mark like `*`), "bad" (not a number)."""
    simple = _SIMPLE_NUMBER.fullmatch(text)  # the common forms, quickly
    if simple is not None:
        sign, whole, separator, fraction = simple.groups()
        if separator == ",":
            return "german", f"{sign}{whole}.{fraction}"
        if len(fraction) == 3 and len(whole) <= 3 and whole[0] != "0":
            return "either", text
        return "plain", text
    if text[:1] == NATIVE:
        return "native", text[1:]
    text = text.strip()
    if text in NOT_A_VALUE:
        return "missing", None
    text = text.replace("\u2212", "-").removesuffix("%").removesuffix("€").strip()
    if " " in text or "\xa0" in text or "\u202f" in text:
        if not re.fullmatch(r"[+-]?\d{1,3}([ \xa0\u202f]\d{3})+([.,]\d+)?", text):
            return "bad", None
        text = re.sub(r"[ \xa0\u202f]", "", text)
    sign = ""
    if text[:1] in "+-":
        sign = "-" if text[0] == "-" else ""
        text = text[1:]
    if text.isdigit() and text.isascii():
        return "int", sign + text
    if not text or not text.isascii():
        return "bad", None
    if re.fullmatch(r"\d+([.,]\d+)?[eE][+-]?\d{1,2}", text):  # Excel's 1,5E+06
        return "int", sign + format(Decimal(text.replace(",", ".")), "f")
    commas, dots = text.count(","), text.count(".")
    if commas == 1:
        whole, _, fraction = text.partition(",")
        if fraction.isdigit() and (
            whole.isdigit() or whole == "" or (dots and re.fullmatch(r"\d{1,3}(\.\d{3})+", whole))
        ):
            return "german", f"{sign}{whole.replace('.', '') or '0'}.{fraction}"
        return "bad", None
    if commas:
        return "bad", None
    if dots == 1:
        whole, _, fraction = text.partition(".")
        if not fraction.isdigit() or not (whole.isdigit() or whole == ""):
            return "bad", None
        if len(fraction) == 3 and 1 <= len(whole) <= 3 and whole[0] != "0":
            return "either", sign + text
        return "plain", f"{sign}{whole or '0'}.{fraction}"
    if dots and re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        return "german", sign + text.replace(".", "")
    return "bad", None


def _fit(number):
    """The number rounded to the stored decimal places, or None when it has too many digits."""
    whole, _, fraction = number.lstrip("-").partition(".")
    if len(whole.lstrip("0")) > INTEGER_DIGITS:
        return None
    if len(fraction) > DECIMAL_PLACES:
        quantum = Decimal(1).scaleb(-DECIMAL_PLACES)
        return format(Decimal(number).quantize(quantum, rounding=ROUND_HALF_UP), "f")
    return number


# The shapes of value cells that `_number_shapes` tells apart without a Python loop over the
# cells: `1234`, `-1234`, an empty cell, `1234,5`, `1234.5`, `1.234` and everything else.
DIGITS, NEGATIVE, EMPTY, COMMA, POINT, EITHER, OTHER = range(7)


def _number_shapes(values):
    """The shape of each cell of `values` (an int8 array of the constants above).

    Only ASCII cells of at most INTEGER_DIGITS characters and at most DECIMAL_PLACES decimals
    get a shape other than OTHER, so that the few forms of a national file are read in bulk
    with exactly the result `read_numbers` gets from `_SIMPLE_NUMBER` and `_parse_number`;
    every other cell is left to those. The cells are joined to one byte string, in which the
    "signs" (bytes other than the digits 0-9) of each cell are counted and placed."""
    shapes = np.full(len(values), OTHER, dtype=np.int8)
    if not values:
        return shapes
    raw = np.frombuffer("\n".join(values).encode("utf-8", "replace"), dtype=np.uint8)
    breaks = np.flatnonzero(raw == ord("\n"))
    if len(breaks) != len(values) - 1:  # a cell with a line break: all left to Python
        return shapes
    starts = np.concatenate(([0], breaks + 1))
    lengths = np.append(breaks, len(raw)) - starts
    short = lengths <= INTEGER_DIGITS
    signs = np.flatnonzero(((raw < ord("0")) | (raw > ord("9"))) & (raw != ord("\n")))
    rows = np.searchsorted(breaks, signs)  # the row of each sign
    count = np.bincount(rows, minlength=len(values))
    shapes[(count == 0) & short] = DIGITS
    shapes[lengths == 0] = EMPTY
    if not len(signs):
        return shapes
    # The last sign of each row with signs: a minus or the decimal separator, if the row is
    # `-1234` or `-?1234[.,]5`; with two signs the first must be a minus in front.
    last = np.append(rows[1:] != rows[:-1], True)
    position, rows = signs[last], rows[last]
    sign, count, length, start = raw[position], count[rows], lengths[rows], starts[rows]
    at = position - start  # where the sign is in its cell
    minus = (count == 2) & (raw[start] == ord("-"))
    whole = at - minus  # digits before the separator
    fraction = length - at - 1  # digits after it
    separator = (sign == ord(".")) | (sign == ord(","))
    decimal = separator & ((count == 1) | minus) & (whole >= 1) & (fraction >= 1)
    decimal &= short[rows] & (fraction <= DECIMAL_PLACES)
    either = (sign == ord(".")) & (fraction == 3) & (whole <= 3) & (raw[start + minus] != ord("0"))
    shapes[rows[decimal & (sign == ord(","))]] = COMMA
    shapes[rows[decimal & (sign == ord(".")) & ~either]] = POINT
    shapes[rows[decimal & either]] = EITHER
    negative = (count == 1) & (sign == ord("-")) & (at == 0) & (length >= 2) & short[rows]
    shapes[rows[negative]] = NEGATIVE
    return shapes


# ---------------------------------------------------------------------------------------------
# The check


@dataclass(eq=False)
class _Keys:
    """A column of few distinct texts (units, codes, months, sexes, names), factorised: row i
    is `texts[codes[i]]`, so that each distinct text is looked at once."""

    codes: np.ndarray  # int64, one per row
    texts: list[str]

    @classmethod
    def of(cls, column):
        column = np.asarray(column, dtype=object)
        if _long_runs(column[:1000]):  # a sorted file: units and months repeat row after row
            starts = np.flatnonzero(np.concatenate(([True], column[1:] != column[:-1])))
            if len(starts) < len(column) // 4:
                codes, texts = pd.factorize(column[starts])
                codes = np.repeat(codes, np.diff(np.append(starts, len(column))))
                return cls(codes.astype(np.int64, copy=False), texts.tolist())
        codes, texts = pd.factorize(column)
        return cls(codes.astype(np.int64, copy=False), texts.tolist())

    def __len__(self):
        return len(self.codes)

    def __getitem__(self, row):
        return self.texts[self.codes[row]]

    def filled(self, rows):
        """Whether each of `rows` has text other than spaces."""
        filled = np.array([bool(text.strip()) for text in self.texts], dtype=bool)
        return filled[self.codes[rows]]


def _long_runs(sample):
    """Whether equal texts follow each other in runs of four or more, on average."""
    return len(sample) > 1 and np.count_nonzero(sample[1:] != sample[:-1]) < len(sample) // 4


def _texts(column):
    """A sheet's column as a list of str."""
    return column.tolist() if isinstance(column, np.ndarray) else column


@dataclass(eq=False)
class _Block:
    """The value cells of one value column of one sheet (long layout: the `wert` column; wide
    layout: one block per code column). Row i of the columns is line `sheet.first_line + i`."""

    sheet: Sheet
    column: str  # the value column's header, as written
    values: list[str]
    units: _Keys
    months: _Keys
    codes: _Keys | None  # long layout
    code: str | None  # wide layout: the code of the whole column
    sexes: _Keys | None
    names: _Keys | None
    headers: dict[str, str]  # role → header as written, for messages


class _Numbers(NamedTuple):
    """The value cells of one block as read by `read_numbers`."""

    numbers: list[str | None]  # exact decimal text; None: no value, or a problem
    present: np.ndarray  # the cell holds something (a value, or a problem reported)
    ok: np.ndarray  # the cell holds a value without problem
    whole: np.ndarray  # the value is digits only (a count needs no further look)


class _Cells(NamedTuple):
    """The rows of one block with something in the value cell, as `read_keys` resolved them."""

    rows: np.ndarray
    values: list[str | None]
    units: np.ndarray
    codes: np.ndarray
    months: np.ndarray
    sexes: np.ndarray
    ok: np.ndarray
    whole: np.ndarray


SKIP = -2  # a unit rank meaning "a total row, not a unit": the row is left out


def check_file(
    data,
    file_name,
    *,
    ladestand,
    user=None,
    create_units=False,
    unknown_hint="",
    progress=None,
):
    """Read and check everything; nothing is written.

    `user` is the uploader (None: the command line, with ministry rights). A Jobcenter user
    delivers only for its own Landkreis; ministries for the zkT and declared comparison units,
    and with `create_units` a key unknown so far becomes a comparison unit when stored.
    `unknown_hint` is added once when keys are unknown (how to declare them, in the caller's
    words)."""
    # A file delivered before is told so and nothing else. A text file is hashed while it is
    # read; a workbook, which reads far slower than it hashes, is looked up first.
    sha256 = _sha256_meanwhile(data)
    if data.startswith(b"PK") and (
        repeat := _delivered_before(file_name, sha256(), data, ladestand)
    ):
        return repeat
    check = ImportCheck(file_name=file_name, sha256="", size=len(data), ladestand=ladestand)
    codes = _indicator_codes()
    with without_cycle_collection():
        try:
            sheets = read_sheets(data, file_name, codes, progress)
        except Refused as refusal:
            check.problems.extend(refusal.problems)
        else:
            _Checker(check, sheets, codes, user, create_units, progress).run()
    check.sha256 = sha256()
    if repeat := _delivered_before(file_name, check.sha256, data, ladestand):
        return repeat
    if check.unknown_units and unknown_hint:
        check.problems.append(Problem(unknown_hint, order=(99, 0, 0), hint=True))
    check.problems.sort(key=lambda p: p.order)
    return check


def _delivered_before(file_name, sha256, data, ladestand):
    """The check of a file delivered before, with that as its only problem; or None."""
    earlier = DataDelivery.objects.filter(sha256=sha256).first()
    if earlier is None:
        return None
    problem = Problem(already_delivered_message(earlier))
    return ImportCheck(file_name, sha256, len(data), ladestand, problems=[problem])


def _sha256_meanwhile(data):
    """A function that returns the SHA-256 of `data`, which a second thread computes while
    this one reads the file: hashlib lets other threads run while it hashes."""
    digest = []
    thread = threading.Thread(target=lambda: digest.append(hashlib.sha256(data).hexdigest()))
    thread.start()

    def sha256():
        thread.join()
        return digest[0]

    return sha256


@contextmanager
def without_cycle_collection():
    """Python's cycle collector paused: reading a national file makes millions of objects and
    no reference cycles, and the collector's passes over them cost a tenth of the import."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def already_delivered_message(delivery):
    when = ""
    if delivery.created_at:
        when = f" am {timezone.localtime(delivery.created_at):%d.%m.%Y}"
    return (
        f"Diese Datei wurde bereits{when} als Ladestand {delivery.ladestand:%d.%m.%Y} "
        f"({delivery.waiting_label}) geliefert."
    )


class _Checker:
    def __init__(self, check, sheets, codes, user, create_units, progress):
        self.check = check
        self.sheets = sheets
        self.codes = codes
        self.own = traeger_of(user) if user is not None else None
        self.may_create = create_units and (user is None or is_ministry(user))
        self.progress = progress or (lambda *args: None)
        self.latest_month = storage.month_number(check.ladestand)
        self.several_sheets = len(sheets) > 1
        self.unit_ranks = {}
        self.indicator_ranks = {}
        self.skipped = 0
        self._units = self._names = None
        self._organisations = []
        self.number_style = "german"  # or "plain", as read_numbers decides for the file
        self.number_example = None

    def problem(self, message, block=None, row=None, column=None, more_rows=()):
        if len(self.check.problems) >= KEPT_PROBLEMS:  # a wrong column of a million rows
            self.check.uncounted_problems += 1
            return
        sheet = block.sheet if block else None
        line = None if row is None else sheet.first_line + row
        sheet_no = self.sheets.index(sheet) if sheet else 0
        column_no = sheet.header.index(column) if sheet and column in sheet.header else 0
        self.check.problems.append(
            Problem(
                message,
                line=line,
                column=column,
                sheet=sheet.name if sheet and self.several_sheets else None,
                more_lines=tuple(sheet.first_line + r for r in more_rows),
                order=(sheet_no, line or 0, column_no),
            )
        )

    def run(self):
        blocks = []
        for sheet in self.sheets:
            blocks.extend(self.blocks_of(sheet))
        if self.check.problems:
            return
        if not any(b.values for b in blocks):
            self.check.problems.append(Problem("Die Datei enthält keine Werte."))
            return
        self.progress("Prüfen", 0, 3)
        numbers = self.read_numbers(blocks)
        self.progress("Prüfen", 1, 3)
        cells = self.read_keys(blocks, numbers)
        self.progress("Prüfen", 2, 3)
        self.collect(blocks, cells)
        self.progress("Prüfen", 3, 3)
        if self.skipped:
            self.check.notes.append(
                f"{_count(self.skipped, 'Zeile', 'Zeilen')} ohne Wert oder mit Summen übergangen."
            )
        marks = self.check.skipped_marks
        if marks:
            listed = ", ".join(f"{n} × „{mark}“" for mark, n in sorted(marks.items()))
            total = sum(marks.values())
            self.check.notes.append(
                f"{_count(total, 'Zelle', 'Zellen')} ohne Zahl übergangen ({listed}); "
                "für diese Monate liefert die Datei keinen Wert."
            )

    # -- the layout of each sheet ------------------------------------------------------------

    def blocks_of(self, sheet):
        layout = _layout(sheet.header, self.codes, sheet.columns)
        where = f" (Blatt „{sheet.name}“)" if self.several_sheets else ""
        for message, column in layout.problems:
            self.check.problems.append(
                Problem(
                    message,
                    line=sheet.header_line,
                    column=column,
                    sheet=sheet.name if self.several_sheets else None,
                    order=(self.sheets.index(sheet), sheet.header_line, 0),
                )
            )
        if layout.problems:
            return []
        self.check.notes.extend(sheet.notes)
        above = ""
        if sheet.header_line > 1:
            above = f", darüber {_count(sheet.header_line - 1, 'Zeile', 'Zeilen')} übersprungen"
        if layout.long:
            form = "lange Form (je Zeile ein Wert)"
        else:
            shown = ", ".join(i.code for _, i in layout.code_columns)
            form = f"breite Form (je Kennzahl eine Spalte: {shown})"
        self.check.notes.append(f"Kopfzeile in Zeile {sheet.header_line}{where}{above}; {form}.")
        if layout.ignored:
            self.check.notes.append(f"Nicht gelesene Spalten{where}: {', '.join(layout.ignored)}.")
        roles = layout.roles
        headers = {role: sheet.header[index] for role, index in roles.items()}

        def column(role):
            return _Keys.of(sheet.columns[roles[role]]) if role in roles else None

        common = dict(
            sheet=sheet,
            units=column("unit"),
            months=column("month"),
            sexes=column("sex"),
            names=column("name"),
            headers=headers,
        )
        if layout.long:
            return [
                _Block(
                    column=headers["value"],
                    values=_texts(sheet.columns[roles["value"]]),
                    codes=column("code"),
                    code=None,
                    **common,
                )
            ]
        return [
            _Block(
                column=sheet.header[index],
                values=_texts(sheet.columns[index]),
                codes=None,
                code=indicator.code,
                **common,
            )
            for index, indicator in layout.code_columns
        ]

    # -- numbers -------------------------------------------------------------------------------

    def read_numbers(self, blocks):
        """Every value cell as exact decimal text, as a `_Numbers` per block.

        One number format for the whole file: German (`1.234,5`) when any cell has a decimal
        comma or more than one thousands dot; plain (`1234.5`) when any cell has a decimal
        point that cannot be a thousands dot; German when neither, so that `1.234` is 1234.
        Excel number cells are exact and need no guessing."""
        parsed = []
        german_at = plain_at = None
        for block in blocks:
            values = block.values
            numbers = list(values)
            # Most cells have one of a few forms: read those in bulk, the others one by one.
            shapes = _number_shapes(values)
            commas = np.flatnonzero(shapes == COMMA).tolist()  # rows in German notation
            points = []  # rows with a decimal point besides the POINT shapes
            unusual = dict.fromkeys(np.flatnonzero(shapes == EITHER).tolist(), "either")
            for row in commas:
                numbers[row] = values[row].replace(",", ".")
            for row in np.flatnonzero(shapes == EMPTY).tolist():
                numbers[row] = None
            simple = _SIMPLE_NUMBER.fullmatch
            for row in np.flatnonzero(shapes == OTHER).tolist():
                text = values[row]
                if len(text) > INTEGER_DIGITS:
                    unusual[row] = "int"  # perhaps too many digits: checked below
                if text.isdigit() and text.isascii():  # not "²" or "٣"
                    continue
                match = simple(text)
                if match is not None:  # 1234.5 or 1234,5
                    sign, whole, separator, fraction = match.groups()
                    if len(fraction) <= DECIMAL_PLACES and len(whole) <= INTEGER_DIGITS:
                        if separator == ",":
                            numbers[row] = f"{sign}{whole}.{fraction}"
                            commas.append(row)
                        elif len(fraction) == 3 and len(whole) <= 3 and whole[0] != "0":
                            unusual[row] = "either"  # 1.234: decided below
                        else:
                            points.append(row)
                        continue
                kind, numbers[row] = _parse_number(text)
                unusual[row] = kind
                if kind == "german":
                    commas.append(row)
                elif kind == "plain":
                    points.append(row)
            plain = np.flatnonzero(shapes == POINT)  # errors if the file turns out German
            if points:
                plain = np.sort(np.append(plain, points))
            if commas and german_at is None:
                german_at = (block, min(commas))
            if len(plain) and plain_at is None:
                plain_at = (block, int(plain[0]))
            present = shapes != EMPTY
            marks = [row for row, kind in unusual.items() if kind == "missing"]
            present[marks] = False
            for row in marks:
                mark = values[row].strip()
                self.check.skipped_marks[mark] = self.check.skipped_marks.get(mark, 0) + 1
            parsed.append((numbers, unusual, plain, present, shapes == DIGITS))
        german = german_at is not None or plain_at is None
        if german_at is not None:
            block, row = german_at
            self.check.notes.append(
                f"Zahlen im deutschen Format gelesen (wie „{_shown(block.values[row])}“)."
            )
        elif plain_at is not None:
            block, row = plain_at
            self.number_style = "plain"
            self.number_example = _shown(block.values[row])
            self.check.notes.append(
                f"Zahlen mit Dezimalpunkt gelesen (wie „{self.number_example}“)."
            )
        rounded = 0
        result = []
        for block, (numbers, unusual, plain, present, whole) in zip(blocks, parsed, strict=True):
            bad = np.zeros(len(numbers), dtype=bool)
            if german:
                example_block, example_row = german_at or (None, None)
                for row in plain.tolist() if german_at else ():
                    self.problem(
                        f"„{_shown(block.values[row])}“ ist keine Zahl im deutschen Format dieser "
                        "Datei (mit Dezimalkomma wie "
                        f"„{_shown(example_block.values[example_row])}“ in Zeile "
                        f"{example_block.sheet.first_line + example_row}).",
                        block,
                        row,
                        block.column,
                    )
                    numbers[row] = None
                    bad[row] = True
            for row, kind in unusual.items():
                if kind == "bad":
                    text = _shown(block.values[row])
                    self.problem(f"„{text}“ ist keine Zahl.", block, row, block.column)
                    bad[row] = True
                    continue
                if kind == "either" and german:
                    numbers[row] = numbers[row].replace(".", "")
                number = numbers[row]
                if number is None:
                    continue
                dot = number.find(".")
                if len(number) <= INTEGER_DIGITS and (
                    dot < 0 or len(number) - dot - 1 <= DECIMAL_PLACES
                ):
                    continue
                fitted = _fit(number)
                if fitted is None:
                    self.problem(
                        f"„{_shown(block.values[row])}“ ist zu groß "
                        f"(höchstens {INTEGER_DIGITS} Stellen vor dem Komma).",
                        block,
                        row,
                        block.column,
                    )
                    numbers[row] = None
                    bad[row] = True
                elif fitted != number:
                    rounded += 1
                    numbers[row] = fitted
            result.append(_Numbers(numbers, present, present & ~bad, whole))
        if rounded:
            self.check.notes.append(
                f"{_count(rounded, 'Wert', 'Werte')} mit mehr als {DECIMAL_PLACES} "
                f"Nachkommastellen auf {DECIMAL_PLACES} Stellen gerundet."
            )
        return result

    # -- units, codes, months, sexes ---------------------------------------------------------

    def read_keys(self, blocks, numbers):
        """Per block: the rows with a value, and their unit, code, month and sex ranks.

        Each distinct text is resolved once (a national file has 400 units, 8 codes and 200
        months in 600 000 rows); a problem is reported once per distinct text, with the lines
        where it occurs."""
        resolvers = {
            "unit": _Resolver(self.resolve_unit, self),
            "code": _Resolver(self.resolve_code, self),
            "month": _Resolver(self.resolve_month, self),
            "sex": _Resolver(self.resolve_sex, self),
        }
        cells = []
        with_value = {}  # sheet → rows with a value in some column
        totals = {}  # sheet → rows of totals ("Summe")
        for block, read in zip(blocks, numbers, strict=True):
            rows = np.flatnonzero(read.present)
            units = resolvers["unit"].ranks(block, "unit", block.units, rows)
            sheet_rows = with_value.setdefault(id(block.sheet), np.zeros(len(read.present), bool))
            total = units == SKIP
            if total.any():  # a total row is no unit's value: leave it out
                totals.setdefault(id(block.sheet), set()).update(rows[total].tolist())
                sheet_rows[rows[total]] = True
                rows, units = rows[~total], units[~total]
            if len(rows) == len(sheet_rows):  # every row has a value
                sheet_rows[:] = True
            else:
                sheet_rows[rows] = True
            if block.codes is None:
                code = resolvers["code"].resolve_text(block.code)[0]
                codes = np.full(len(rows), code, dtype=np.int64)
            else:
                codes = resolvers["code"].ranks(block, "code", block.codes, rows)
            months = resolvers["month"].ranks(block, "month", block.months, rows)
            if block.sexes is None:
                sexes = np.full(len(rows), SEX_ORDER["g"], dtype=np.int64)
            else:
                sexes = resolvers["sex"].ranks(block, "sex", block.sexes, rows)
            if len(rows) == len(read.numbers):
                values, ok, whole = read.numbers, read.ok, read.whole
            else:
                values = _taken(read.numbers, rows)
                ok, whole = read.ok[rows], read.whole[rows]
            cells.append(_Cells(rows, values, units, codes, months, sexes, ok, whole))
        for sheet in self.sheets:  # rows with text but without any value: notes, footnotes
            rows = with_value.get(id(sheet))
            skipped = len(totals.get(id(sheet), ()))
            if rows is not None and not rows.all():
                block = next(b for b in blocks if b.sheet is sheet)
                skipped += int(np.count_nonzero(_rows_with_text(block, np.flatnonzero(~rows))))
            self.skipped += skipped
        for resolver in resolvers.values():
            resolver.report()
        self.name_new_units(blocks, cells)
        return cells

    def unit_keys(self):
        """{key, and key in capitals: UnitRef} of every organisation."""
        if self._units is None:
            fields = ("pk", "key", "name", "kind", "short_name")
            self._organisations = list(
                map(UnitRef._make, Organisation.objects.values_list(*fields))
            )
            units = {}
            for org in self._organisations:
                units[org.key] = org
                units.setdefault(org.key.upper(), org)
            self._units = units
        return self._units

    def unit_names(self):
        """{normalised name: UnitRef} of the Träger and comparison units whose name is unique
        and no key; built only when a text is not a key."""
        if self._names is None:
            keys, names = self.unit_keys(), {}
            for org in self._organisations:
                if org.kind in (OrganisationKind.TRAEGER, OrganisationKind.COMPARISON):
                    for name in {org.name, org.short_name} - {""}:
                        names.setdefault(_name_key(name), set()).add(org)
            self._names = {
                name: orgs.pop()
                for name, orgs in names.items()
                if name and len(orgs) == 1 and name not in keys
            }
        return self._names

    def find_unit(self, key):
        keys = self.unit_keys()
        unit = keys.get(key) or keys.get(key.upper())
        if unit is None:
            name = _name_key(key)
            unit = keys.get(name) or self.unit_names().get(name)
        return unit

    def resolve_unit(self, text):
        shown = _shown(text)
        key = _unit_key(text)
        if not key:
            return None, "Der Träger fehlt."
        if _header_key(key) in TOTAL_ROWS:
            return SKIP, None
        unit = self.find_unit(key)
        if self.own is not None and (unit is None or unit.pk != self.own.pk):
            other = f"; „{shown}“ ist {unit.name}" if unit is not None else f", nicht für „{shown}“"
            return None, (
                f"Sie dürfen nur Daten für {self.own.name} ({self.own.key}) liefern{other}."
            )
        if unit is not None and unit.kind not in (
            OrganisationKind.TRAEGER,
            OrganisationKind.COMPARISON,
        ):
            return None, f"„{shown}“ ist {unit.name}, kein Träger und keine Vergleichseinheit."
        if unit is not None:
            return self.unit_rank(UnitRef(unit.pk, unit.key, unit.name, unit.kind)), None
        if not self.may_create:
            self.check.unknown_units.append(key)
            return None, (
                f"„{shown}“ ist weder einer der zugelassenen kommunalen Träger noch eine "
                "angelegte Vergleichseinheit."
            )
        if not CREATABLE_KEY.fullmatch(key):
            return None, (
                f"„{shown}“ ist kein bekannter Träger; als Vergleichseinheit angelegt werden kann "
                "nur ein Schlüssel (bis 20 Zeichen, ohne Leerzeichen)."
            )
        return self.unit_rank(UnitRef(None, key, "", OrganisationKind.COMPARISON)), None

    def unit_rank(self, ref):
        rank = self.unit_ranks.get(ref.key)
        if rank is None:
            rank = self.unit_ranks[ref.key] = len(self.check.units)
            self.check.units.append(ref)
        return rank

    def name_new_units(self, blocks, cells):
        """New comparison units take their name from a name column, if the file has one."""
        names = {}
        for block, cell in zip(blocks, cells, strict=True):
            if block.names is None or not len(cell.units):
                continue
            ranks, first = np.unique(cell.units, return_index=True)
            for rank, position in zip(ranks.tolist(), first.tolist(), strict=True):
                if rank >= 0 and not names.get(rank):
                    names[rank] = block.names[cell.rows[position]].strip()
        for rank, ref in enumerate(self.check.units):
            if ref.pk is None:
                name = (names.get(rank) or f"Vergleichseinheit {ref.key}")[:200]
                self.check.units[rank] = UnitRef(None, ref.key, name, ref.kind)

    def resolve_code(self, text):
        if not text.strip():
            return None, "Die Kennzahl fehlt."
        key = _code_key(text.removeprefix(NATIVE))
        indicator = self.codes.get(key) or self.codes.get(key.replace("_", ""))
        if indicator is None:
            return None, f"„{text.strip()}“ ist keine bekannte Kennzahl. {_known_codes(self.codes)}"
        rank = self.indicator_ranks.get(indicator.pk)
        if rank is None:
            rank = self.indicator_ranks[indicator.pk] = len(self.check.indicators)
            self.check.indicators.append(
                IndicatorRef(indicator.pk, indicator.code, indicator.unit, indicator.sort_order)
            )
        return rank, None

    def resolve_month(self, text):
        shown = _shown(text)
        if not shown:
            return None, "Der Monat fehlt."
        parsed = _parse_month(text)
        if parsed is None:
            return None, (
                f"„{shown}“ ist kein Monat; erwartet z. B. 2020-01, 01/2020, 01.2020 oder "
                "Januar 2020."
            )
        if parsed < EARLIEST_MONTH:
            return None, (
                f"„{shown}“: Monate vor Januar 2005 (Beginn des SGB II) werden nicht angenommen."
            )
        year, month = parsed
        number = year * 12 + month - 1
        if number > self.latest_month:
            return None, (
                f"„{shown}“: {formats.month_name(date(year, month, 1))} liegt nach dem "
                f"Ladestand {self.check.ladestand:%d.%m.%Y}."
            )
        return number, None

    def resolve_sex(self, text):
        sex = SEXES.get(_header_key(text.removeprefix(NATIVE)))
        if sex is None:
            return None, (
                f"„{text.strip()}“ ist kein Geschlecht; erlaubt sind g (gesamt), m (Männer) und "
                "w (Frauen)."
            )
        return SEX_ORDER[sex], None

    # -- the rows ------------------------------------------------------------------------------

    def collect(self, blocks, cells):
        """Join the blocks; leave out total rows; refuse negative counts and conflicting
        repeats; keep identical repeats once."""
        check = self.check
        columns = {
            "block": [np.full(len(cell.rows), number) for number, cell in enumerate(cells)],
            "row": [cell.rows for cell in cells],
            "unit": [cell.units for cell in cells],
            "code": [cell.codes for cell in cells],
            "month": [cell.months for cell in cells],
            "sex": [cell.sexes for cell in cells],
        }
        columns = {name: _joined(arrays) for name, arrays in columns.items()}
        ok, whole = _joined([cell.ok for cell in cells]), _joined([cell.whole for cell in cells])
        if len(cells) == 1:
            values = cells[0].values
        else:
            values = [value for cell in cells for value in cell.values]
        self.count_problems(blocks, columns, values, whole)
        valid = (
            ok  # numbers with problems are already reported
            & (columns["unit"] >= 0)
            & (columns["code"] >= 0)
            & (columns["month"] >= 0)
            & (columns["sex"] >= 0)
        )
        if not valid.all():
            keep = np.flatnonzero(valid)
            columns = {name: column[keep] for name, column in columns.items()}
            values = _taken(values, keep)
        keep = self.repeated_cells(blocks, columns, values)
        if keep is not None:
            columns = {name: column[keep] for name, column in columns.items()}
            values = _taken(values, keep)
        if check.problems:
            return
        if not values:
            check.problems.append(Problem("Die Datei enthält keine Werte."))
            return
        check.unit_column = columns["unit"]
        check.indicator_column = columns["code"]
        check.month_column = columns["month"]
        check.sex_column = columns["sex"]
        check.value_column = values

    def count_problems(self, blocks, columns, values, whole):
        """Counts (Personen, Anzahl) are whole and not negative: `-3` is refused, and so is
        `6.100` read as 6,1 in a file whose numbers have a decimal point. `whole` marks the
        values that are digits only, the common case, which need no look."""
        counts = [r for r, ref in enumerate(self.check.indicators) if ref.unit in COUNT_UNITS]
        if not counts:
            return
        is_count = np.isin(columns["code"], counts)
        for position in np.flatnonzero(is_count & ~whole).tolist():
            value = values[position]
            if not value:
                continue
            fraction = value.partition(".")[2].rstrip("0")
            negative = value[0] == "-" and Decimal(value) != 0
            if not negative and not fraction:
                continue
            block = blocks[int(columns["block"][position])]
            row = int(columns["row"][position])
            code = self.check.indicators[int(columns["code"][position])].code
            shown = _shown(block.values[row])
            if negative:
                message = (
                    f"„{shown}“ ist negativ; {code} ist eine Anzahl und kann nicht negativ sein."
                )
            else:
                read = formats.number(Decimal(value), len(fraction))
                message = f"„{shown}“ ist keine ganze Zahl; {code} ist eine Anzahl."
                if read != shown:
                    message = f"„{shown}“ wurde als {read} gelesen, keine ganze Zahl; {code} ist eine Anzahl."
                if self.number_style == "plain" and "." in shown:
                    message += (
                        " Die Datei wurde mit Dezimalpunkt gelesen (wie "
                        f"„{self.number_example}“); ist der Punkt ein Tausenderpunkt, schreiben "
                        "Sie die Zahlen bitte einheitlich."
                    )
            self.problem(message, block, row, block.column)

    def repeated_cells(self, blocks, columns, values):
        """The same cell (unit, code, month, sex) twice: stored once when the values are
        equal, refused when they differ. The positions to keep, or None if nothing repeats."""
        if not values:
            return None
        months = columns["month"]
        span = int(months.max()) - int(months.min()) + 1
        # One number per cell, ascending in the order most files have: by unit, month, code.
        key = (columns["unit"] * span + months - int(months.min())) * len(self.check.indicators)
        key = (key + columns["code"]) * 3 + columns["sex"]
        if (key[1:] > key[:-1]).all():  # in that order, nothing repeats
            return None
        if int(key.max()) < 8 * len(key) + 65536:  # few possible cells: count each
            repeated = np.bincount(key)[key] > 1
        else:
            repeated = pd.Series(key).duplicated(keep=False).to_numpy()
        if not repeated.any():
            return None
        first, drop = {}, []
        sex_names = {0: "gesamt", 1: "Männer", 2: "Frauen"}
        for position in np.flatnonzero(repeated).tolist():
            cell = int(key[position])
            earlier = first.setdefault(cell, position)
            if earlier == position:
                continue
            if Decimal(values[earlier]) == Decimal(values[position]):
                drop.append(position)
                continue
            block = blocks[int(columns["block"][position])]
            row = int(columns["row"][position])
            earlier_block = blocks[int(columns["block"][earlier])]
            earlier_row = int(columns["row"][earlier])
            unit = self.check.units[int(columns["unit"][position])]
            code = self.check.indicators[int(columns["code"][position])].code
            month = formats.month_name(_month_date(int(months[position])))
            sex = sex_names[int(columns["sex"][position])]
            elsewhere = ""
            if earlier_block.sheet is not block.sheet:
                elsewhere = f" auf Blatt „{earlier_block.sheet.name}“"
            self.problem(
                f"Den Wert für {unit.key} {code} {month} ({sex}) gibt es schon in Zeile "
                f"{earlier_block.sheet.first_line + earlier_row}{elsewhere} mit "
                f"„{_shown(earlier_block.values[earlier_row])}“, hier aber "
                f"„{_shown(block.values[row])}“.",
                block,
                row,
                block.column,
            )
        if drop:
            self.check.notes.append(
                f"{_count(len(drop), 'Wert steht', 'Werte stehen')} doppelt mit gleichem Wert "
                "in der Datei; gespeichert wird jeder einmal."
            )
        keep = np.ones(len(values), dtype=bool)
        keep[drop] = False
        return np.flatnonzero(keep)


SHOWN_MAX = 80  # a message quotes at most this many characters of a cell


def _shown(text):
    """A cell as the user sees it in Excel or an editor, cut short if it is long."""
    text = text.removeprefix(NATIVE).strip()
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"


def _count(number, one, many):
    return f"{formats.number(number)} {one if number == 1 else many}"


def _joined(arrays):
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)


def _taken(items, rows):
    """`[items[row] for row in rows]` for ascending `rows`, without a Python step per row: a
    slice when the rows are one run (a file ending in blank lines), else one pass of
    `compress`."""
    if not len(rows):
        return []
    first, last = int(rows[0]), int(rows[-1])
    if last - first + 1 == len(rows):
        return items[first : last + 1]
    chosen = np.zeros(len(items), dtype=bool)
    chosen[rows] = True
    return list(compress(items, chosen))


def _rows_with_text(block, rows):
    """Which of `rows` have text in the unit or month column."""
    found = np.zeros(len(rows), dtype=bool)
    for keys in (block.units, block.months):
        if keys is not None:
            found |= keys.filled(rows)
    return found


def _known_codes(codes):
    known = sorted({i for i in codes.values()}, key=lambda i: (i.sort_order, i.code))
    return f"Bekannt sind: {', '.join(i.code for i in known)}."


class _Resolver:
    """Resolves each distinct text of a column once. A problem is reported once per distinct
    text, at its first line, naming the other lines of the same sheet with the same text."""

    def __init__(self, resolve, checker):
        self.resolve = resolve
        self.checker = checker
        self.results = {}
        self.problems = {}  # text → (message, header, [(block, row), …])

    def resolve_text(self, text):
        found = self.results.get(text)
        if found is None:
            found = self.results[text] = self.resolve(text)
        return found

    def ranks(self, block, role, keys, rows):
        """The rank of each of `rows` of the `_Keys` column (-1 for a problem)."""
        if len(rows) == len(keys):  # all rows: pd.factorize numbered the texts in file order
            codes, order = keys.codes, range(len(keys.texts))
        else:
            codes = keys.codes[rows]
            order = pd.unique(codes).tolist()  # the texts of these rows, in file order
        ranks = np.full(len(keys.texts), -1, dtype=np.int64)
        wrong = np.zeros(len(keys.texts), dtype=bool)
        for code in order:
            rank, message = self.resolve_text(keys.texts[code])
            if message is None:
                ranks[code] = rank
            else:
                wrong[code] = True
        for position in np.flatnonzero(wrong[codes]).tolist() if wrong.any() else ():
            text = keys.texts[codes[position]]
            message = self.results[text][1]
            entry = self.problems.setdefault(text, (message, block.headers[role], []))
            entry[2].append((block, int(rows[position])))
        return ranks[codes]

    def report(self):
        sheets = self.checker.sheets
        for message, header, places in self.problems.values():
            places.sort(key=lambda place: (sheets.index(place[0].sheet), place[1]))
            block, row = places[0]
            more = sorted({r for b, r in places[1:] if b.sheet is block.sheet and r != row})
            self.checker.problem(message, block, row, header, more)


# ---------------------------------------------------------------------------------------------
# Storing


def store_delivery(check, *, waiting_months, source, user=None, progress=None, is_demo=False):
    """Store the checked values as one new delivery, in one transaction.

    Raises Refused if the check had problems, or if the same file was stored meanwhile."""
    if not check.ok:
        raise Refused(*(check.problems or [Problem("Die Datei enthält keine Werte.")]))
    own = traeger_of(user) if user is not None else None
    units = check.used_units()
    organisation_pk = None
    if own is not None:
        organisation_pk = own.pk
    elif source == DeliverySource.JOBCENTER and len(units) == 1 and units[0].pk is not None:
        organisation_pk = units[0].pk if units[0].kind == OrganisationKind.TRAEGER else None
    try:
        with transaction.atomic():
            unit_pks = _unit_pks(check)
            delivery = DataDelivery.objects.create(
                ladestand=check.ladestand,
                waiting_months=waiting_months,
                source=source,
                organisation_id=organisation_pk,
                delivered_by=user,
                file_name=check.file_name[:255],
                sha256=check.sha256,
                row_count=check.value_count,
                is_demo=is_demo,
            )
            with without_cycle_collection():
                storage.write_values(
                    delivery.pk,
                    units=np.asarray(unit_pks, dtype=np.int64)[check.unit_column],
                    indicators=np.asarray([ref.pk for ref in check.indicators])[
                        check.indicator_column
                    ],
                    months=check.month_column,
                    sexes=check.sex_column,
                    values=check.value_column,
                    progress=progress,
                )
    except IntegrityError:
        earlier = DataDelivery.objects.filter(sha256=check.sha256).first()
        if earlier is None:
            raise
        raise Refused(already_delivered_message(earlier)) from None
    return delivery


def _unit_pks(check):
    """Primary key of each unit rank; comparison units new to the product are created now."""
    new = [ref for ref in check.units if ref.pk is None]
    created = {}
    if new:
        taken = set(
            Organisation.objects.filter(key__in=[ref.key for ref in new]).values_list(
                "key", flat=True
            )
        )
        if taken:
            raise Refused(
                f"Inzwischen angelegt: {', '.join(sorted(taken))}. Bitte die Datei neu prüfen."
            )
        Organisation.objects.bulk_create(
            Organisation(key=ref.key, name=ref.name, kind=OrganisationKind.COMPARISON)
            for ref in new
        )
        created = dict(
            Organisation.objects.filter(key__in=[ref.key for ref in new]).values_list("key", "pk")
        )
    return [ref.pk if ref.pk is not None else created[ref.key] for ref in check.units]


# ---------------------------------------------------------------------------------------------
# The template workbook


def template_workbook():
    """An XLSX with an empty sheet for each layout and an explanation listing every code."""
    import openpyxl
    from openpyxl.styles import Font

    indicators = list(Indicator.objects.order_by("sort_order", "code"))
    base_codes = [i.code for i in indicators if i.kind == "basis"]
    workbook = openpyxl.Workbook()
    bold = Font(bold=True)

    def header(sheet, cells, widths):
        sheet.append(cells)
        for cell in sheet[1]:
            cell.font = bold
        for column, width in zip("ABCDEFGHIJKLMNOP", widths, strict=False):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "A2"

    long = workbook.active
    long.title = "Lang"
    header(long, ["traeger", "kennzahl", "monat", "wert", "geschlecht"], [12, 12, 12, 16, 12])
    wide = workbook.create_sheet("Breit")
    header(wide, ["traeger", "monat", *base_codes], [12, 12] + [14] * len(base_codes))
    for sheet in (long, wide):  # keep the leading zero of Kreisschlüssel and months as typed
        sheet.column_dimensions["A"].number_format = "@"
    long.column_dimensions["C"].number_format = "@"
    wide.column_dimensions["B"].number_format = "@"

    notes = workbook.create_sheet("Erläuterung")
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 90
    lines = [
        ("Kennzahlen hochladen", ""),
        (
            "",
            "Füllen Sie eines der Blätter „Lang“ oder „Breit“ aus (oder beide) und laden Sie "
            "die Datei hoch. Eine CSV-Datei mit denselben Spalten geht ebenso.",
        ),
        ("Lang", "Eine Zeile je Wert: traeger; kennzahl; monat; wert; geschlecht (optional)."),
        ("", "Beispiel: 03358 | ELB | 2020-01 | 5950 | g"),
        ("Breit", "Eine Zeile je Träger und Monat, eine Spalte je Kennzahl."),
        ("", "Beispiel: 03358 | 2020-01 | 3350000 | … | 5950 | 160 | …"),
        ("traeger", "Kreisschlüssel, z. B. 03358 (auch 3358, wenn Excel die Null entfernt hat)."),
        (
            "monat",
            "Berichtsmonat: 2020-01, 01/2020, 01.2020, Jan 2020, Januar 2020 oder ein Excel-Datum.",
        ),
        (
            "wert",
            "Zahl, deutsch (1.234.567,89) oder mit Dezimalpunkt (1234567.89); leere "
            "Zellen werden übergangen.",
        ),
        ("geschlecht", "g (gesamt, Standard), m (Männer) oder w (Frauen)."),
        ("", ""),
        ("Kennzahl", "Bezeichnung"),
    ]
    for line in lines:
        notes.append(list(line))
    notes["A1"].font = Font(bold=True, size=14)
    notes.cell(row=len(lines), column=1).font = bold
    notes.cell(row=len(lines), column=2).font = bold
    for indicator in indicators:
        notes.append([indicator.code, f"{indicator.name} ({indicator.get_unit_display()})"])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
