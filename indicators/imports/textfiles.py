"""Text files (CSV): encoding, separator, header line and the columns, read by pandas."""

import csv
import io
import re

import pandas as pd
from django.conf import settings

from indicators.imports.ba_layout import ba_sheet, find_table
from indicators.imports.cells import _shown
from indicators.imports.keys import _Keys
from indicators.imports.layout import (
    HEAD_SAMPLE_ROWS,
    HEADER_SCAN_ROWS,
    MAX_COLUMNS,
    Sheet,
    _is_header,
    _no_header_problem,
)
from indicators.imports.problems import Problem, Refused
from zielsteuerung import formats


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


def _read_csv(data, codes, mapping=None):
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
    if mapping is not None:  # the user named the header line: no guess, no BA table
        header_index, separator, header = _mapped_csv_header(head_lines, mapping)
    else:
        try:
            header_index, separator, header = _find_csv_header(head_lines, codes)
        except Refused:
            sheet = _ba_table(payload, encoding, head_lines)
            if sheet is None:
                raise
            sheet.notes[0] = f"Zeichensatz {label}, {sheet.notes[0]}"
            return sheet
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


def _ba_table(payload, encoding, head_lines):
    """A BA table (two header rows, ba_layout.find_table) as a Sheet, or None. Such files are
    small: read whole with the csv module, split by the separator of the widest head line."""
    separator = _widest_separator(head_lines)
    lines = LINE_BREAK.split(payload.decode(encoding))
    rows, numbers = [], []
    for number, line in enumerate(lines[: settings.UPLOAD_MAX_ROWS + HEADER_SCAN_ROWS], 1):
        if line.strip():
            rows.append([c.strip() for c in next(csv.reader([line], delimiter=separator))])
            numbers.append(number)
    table = find_table(rows)
    if table is None:
        return None
    sheet = ba_sheet(None, rows, numbers, table)
    sheet.notes.insert(0, f"Trennzeichen {SEPARATORS[separator]}.")
    return sheet


def _widest_separator(lines):
    """The separator that splits one of `lines` into the most cells."""
    return max(SEPARATORS, key=lambda sep: max((line.count(sep) for line in lines), default=0))


def _mapped_csv_header(lines, mapping):
    """(index, separator, cells) of the header line a mapping names; the separator is the one
    the mapping step split the file's first lines by."""
    index = mapping.header_line - 1
    if index >= len(lines) or not lines[index].strip():
        raise Refused(
            Problem(
                "Die Zuordnung nennt diese Zeile als Kopfzeile, aber sie ist leer oder fehlt.",
                line=mapping.header_line,
            )
        )
    separator = _widest_separator(lines)
    cells = next(csv.reader([lines[index]], delimiter=separator), [])
    return index, separator, [c.strip() for c in cells]


def _csv_head_rows(data):
    """The first lines of a text file as (line, cells), split as `_mapped_csv_header` does."""
    payload, encoding, _ = _decode(data)
    text = payload[:262144].decode(encoding, errors="ignore")
    lines = LINE_BREAK.split(text, maxsplit=HEADER_SCAN_ROWS + HEAD_SAMPLE_ROWS)
    lines = lines[: HEADER_SCAN_ROWS + HEAD_SAMPLE_ROWS]
    separator = _widest_separator(lines[:HEADER_SCAN_ROWS])
    return [
        (number, [c.strip() for c in next(csv.reader([line], delimiter=separator), [])])
        for number, line in enumerate(lines, start=1)
    ]


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
    """The data rows below the header, one factorised column (keys._Keys) per header cell; at
    most one row more than UPLOAD_MAX_ROWS, so that a file too long is not read to its end.

    pandas' C parser with dtype=object (the texts as written, like dtype=str, but quicker),
    CHUNK_ROWS rows at a time: only one chunk's strings are held as Python objects. Blank
    lines are kept so that row i is line header + 1 + i. Lines with more fields than the
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
        chunksize=CHUNK_ROWS,
    )
    try:
        columns = _factorised(pd.read_csv(io.BytesIO(payload), names=names, **read), names)
        if columns is not None:
            return columns
    except pd.errors.ParserError as error:
        if "Expected" not in str(error):
            raise Refused(_parser_problem(error)) from None
    # Some lines have more fields than the header: allow empty extra fields, refuse others.
    spare = [f"x{i}" for i in range(16)]
    try:
        chunks = pd.read_csv(io.BytesIO(payload), names=names + spare, **read)
        columns = _factorised(chunks, names, spare)
    except pd.errors.ParserError:
        columns = None
    if columns is not None:
        return columns
    raise Refused(*_extra_field_problems(payload, encoding, separator, header_index, width))


def _factorised(chunks, names, spare=()):
    """The columns `names` of pandas' chunks, each as one `_Keys`; None when a line has more
    fields than `names` and `spare` (pandas then takes the first fields for an index) or a
    spare field is not empty."""
    parts = {name: [] for name in names}
    for chunk in chunks:
        if not isinstance(chunk.index, pd.RangeIndex):
            return None
        if spare and chunk[spare].ne("").to_numpy().any():
            return None
        for name in names:
            parts[name].append(_Keys.of(chunk[name].to_numpy()))
    if not parts[names[0]]:  # no line below the header
        return [_Keys.of([]) for _ in names]
    return [_Keys.joined(parts[name]) for name in names]


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


CHUNK_ROWS = 50_000  # rows pandas reads at a time (docs/security.md: the memory of an upload)

SEPARATORS = {";": "Semikolon", "\t": "Tabulator", ",": "Komma"}


LINE_BREAK = re.compile(r"\r\n|\r|\n")
