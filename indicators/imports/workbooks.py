"""Excel workbooks (XLSX): checked for zip bombs and XML entities, read by openpyxl."""

import io
import math
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from defusedxml import DefusedXmlException, ElementTree
from django.conf import settings

from indicators.imports.ba_layout import ba_sheet, find_table, is_notes_sheet
from indicators.imports.cells import NATIVE, _shown, file_size
from indicators.imports.layout import (
    HEAD_SAMPLE_ROWS,
    HEADER_SCAN_ROWS,
    MAX_COLUMNS,
    Sheet,
    _header_score,
    _is_header,
    _no_header_problem,
    trimmed,
)
from indicators.imports.problems import Problem, Refused
from zielsteuerung import formats


def _open_workbook(data):
    """(zip archive, openpyxl workbook in read-only mode) of a workbook that passed the checks
    against zip bombs and XML entities."""
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
    return archive, workbook


def _read_xlsx(data, codes, progress, mapping=None):
    archive, workbook = _open_workbook(data)
    sheets, scanned, empty = [], [], False
    header_row = mapping.header_line if mapping is not None else None
    try:
        for worksheet in _mapped_worksheets(workbook, mapping):
            try:
                sheet, rows, numbers = _read_worksheet(worksheet, codes, progress, header_row)
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
        passed = [title for title, rows, _ in scanned if is_notes_sheet(rows, title)]
        if passed:  # a BA notes sheet („Hinweise“, „Zeichenerklärung“ …)
            shown = ", ".join(f"„{title}“" for title in passed)
            sheets[0].notes.append(f"Blatt {shown} enthält Erläuterungen, keine Werte: übergangen.")
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


def _visible(workbook):
    return [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]


def _mapped_worksheets(workbook, mapping):
    """The worksheets to read: all visible ones, or the one a mapping is for (its `sheet`, or
    the first visible one)."""
    visible = _visible(workbook)
    if mapping is None:
        return visible
    if mapping.sheet is None:
        return visible[:1]
    chosen = [sheet for sheet in visible if sheet.title == mapping.sheet]
    if not chosen:
        shown = ", ".join(f"„{sheet.title}“" for sheet in visible)
        raise Refused(
            f"Die Arbeitsmappe hat kein Blatt „{_shown(mapping.sheet)}“, für das die Zuordnung "
            f"gilt (vorhanden: {shown})."
        )
    return chosen


def _xlsx_head_rows(data, sheet_name=None):
    """(worksheet name, names of all visible worksheets, [(row, cells)] of its first rows) of
    the worksheet named (else the first visible one with data), for the mapping step."""
    _, workbook = _open_workbook(data)
    try:
        visible = _visible(workbook)
        titles = tuple(sheet.title for sheet in visible)
        chosen = [s for s in visible if s.title == sheet_name] or visible
        for worksheet in chosen:
            rows = []
            limit = HEADER_SCAN_ROWS + HEAD_SAMPLE_ROWS
            for number, row in enumerate(
                worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS, max_row=limit), 1
            ):
                rows.append((number, [_cell_text(v).removeprefix(NATIVE) for v in row]))
            if any(any(cells) for _, cells in rows):
                return worksheet.title, titles, rows
    finally:
        workbook.close()
    raise Refused("Die Excel-Datei enthält keine Daten.")


def _read_worksheet(worksheet, codes, progress, header_row=None):
    """(sheet, None, None) for a worksheet with a header row, else (None, the non-empty
    rows searched for a header, their row numbers). `header_row` (a mapping's) is the header
    row's number instead of the first row that reads as one."""
    rows = worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    scanned, numbers, raw = [], [], []
    header = None
    for number, row in enumerate(rows, start=1):
        texts = [_cell_text(v) for v in row]
        cells = [text.removeprefix(NATIVE) for text in texts]
        if any(cells):
            scanned.append(cells)
            numbers.append(number)
            raw.append(texts)
            if number == header_row if header_row else _is_header(cells, codes):
                header = cells
                break
        if number >= HEADER_SCAN_ROWS:
            break
    if header is None and header_row:
        raise Refused(
            Problem(
                "Die Zuordnung nennt diese Zeile als Kopfzeile, aber sie ist leer oder fehlt.",
                line=header_row,
                sheet=worksheet.title,
            )
        )
    if header is None:
        table = find_table(raw)
        if table is None:
            return None, scanned, numbers
        for number, row in enumerate(rows, start=numbers[-1] + 1 if numbers else 1):
            texts = [_cell_text(v) for v in row]
            if any(texts):
                raw.append(texts)
                numbers.append(number)
                if len(raw) > settings.UPLOAD_MAX_ROWS:
                    raise Refused(
                        f"Das Blatt „{worksheet.title}“ hat mehr als "
                        f"{formats.number(settings.UPLOAD_MAX_ROWS)} Zeilen mit Daten; mehr "
                        "werden nicht angenommen."
                    )
        return ba_sheet(worksheet.title, raw, numbers, table), None, None
    header = trimmed(header)
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


XLSX_MAX_EXPANSION = 10  # unpacked XLSX may be at most 10 × UPLOAD_MAX_BYTES …


XLSX_MAX_RATIO = 200  # … and no part may be packed more densely than 1 : 200 (zip bomb)
