"""The layout of the BA's tables: title rows, a two-row header, a numbered column row,
footnotes and notes sheets (docs/import.md, „Dateien der BA“).

Pure functions on the rows of a sheet as `read_sheets` gives them: lists of cell texts (an
Excel number behind `NATIVE`, an Excel date as `2020-06-30`)."""

import re
from datetime import date
from typing import NamedTuple

from indicators.imports.cells import NATIVE, ROLE_HEADERS, header_key
from indicators.imports.cells import parse_month as read_month
from indicators.imports.layout import Sheet
from indicators.imports.marks import base_code_of, split_mark
from indicators.models import Variant

TITLE_ROWS = 30  # the header stands among the first 30 rows, as in the importer
# The value after the label, in the same cell or the next one (cells joined with " | ").
_VALUE = r"\s*:?\s*(?:\|\s*)?([^|,;(]+)"
_REPORTING_MONTH = re.compile(r"berichts(?:monat|zeitraum)" + _VALUE, re.IGNORECASE)
_DATA_STATE = re.compile(r"\b(?:datenstand|ladestand|stand)\b" + _VALUE, re.IGNORECASE)
_WAITING = re.compile(r"wartezeit\s*:?\s*(?:von\s+)?(\d{1,2}|null|einem|drei)\s+monat", re.I)
_WAITING_WORDS = {"null": 0, "einem": 1, "drei": 3}
_DAY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})|(\d{4})-(\d{2})-(\d{2})")
_CODE = re.compile(r"(K\d(?:E\d)?)(?![0-9A-Za-z])", re.IGNORECASE)
# Sub-column labels of a published Kennzahl → its variant (compared in lower case).
VARIANT_WORDS = [
    ("vorjahresmonat", Variant.PREVIOUS_YEAR_MONTH),
    ("vorjahr", Variant.PREVIOUS_YEAR_MONTH),
    ("jahresfortschritt", Variant.JFW),
    ("jfw", Variant.JFW),
    ("12-monats", Variant.TWELVE_MONTHS),
    ("12 monats", Variant.TWELVE_MONTHS),
    ("zwölf", Variant.TWELVE_MONTHS),
]
_FOOTNOTE = re.compile(
    r"(\d{1,2}\)|\*+\)|\*\s|quelle\b|hinweis|anmerkung|fußnote|erläuterung|©|\(c\)|"
    r"zeichenerklärung|statistik der bundesagentur)",
    re.IGNORECASE,
)
NOTES_SHEET_NAMES = ("hinweis", "erläuterung", "impressum", "methodik", "zeichenerklärung")


class Titles(NamedTuple):
    """What the title rows say: (year, month) of the Berichtsmonat, the Ladestand (a date; the
    first of the month when only the month is given) and the Wartezeit in months; None if
    absent."""

    month: tuple[int, int] | None
    ladestand: date | None
    waiting_months: int | None


class Column(NamedTuple):
    """A column of a (merged) header: its label as shown, the catalogue code and the variant
    (`Variant.BASE` for a base quantity) when the column holds values, else None."""

    label: str
    code: str | None
    variant: str | None


def filled(cells):
    return [cell for cell in cells if cell.strip()]


def read_titles(rows):
    """The Titles of the rows above a header (pass `rows[:header_index]`)."""
    month = ladestand = waiting = None
    for cells in rows:
        text = " | ".join(filled(cells))
        found = _REPORTING_MONTH.search(text)
        if found and month is None:
            month = read_month(found.group(1).strip())
        found = _DATA_STATE.search(text)
        if found and ladestand is None:
            ladestand = _read_day(found.group(1).strip())
        found = _WAITING.search(text)
        if found and waiting is None:
            number = found.group(1).lower()
            waiting = _WAITING_WORDS.get(number) if number in _WAITING_WORDS else int(number)
    return Titles(month, ladestand, waiting)


def _read_day(text):
    day = _DAY.fullmatch(text)
    if day:
        d, m, y, y2, m2, d2 = day.groups()
        try:
            return date(int(y or y2), int(m or m2), int(d or d2))
        except ValueError:
            return None
    month = read_month(text)
    return date(month[0], month[1], 1) if month else None


def variant_of(label):
    """The variant a sub-column label names („Jahresfortschrittswert in %“ → jfw), or None."""
    text = label.lower()
    return next((variant for word, variant in VARIANT_WORDS if word in text), None)


def code_of(label):
    """The Kennzahl a label names („K2 – Integrationsquote“ → K2), or None."""
    found = _CODE.match(label.strip())
    return found.group(1).upper() if found else None


def is_second_header_row(cells):
    """A row of sub-labels under a label row: at least two variant labels or BA variable
    names, and nothing that looks like a number."""
    texts = filled(cells)
    named = [t for t in texts if variant_of(t) or base_code_of(t)]
    return len(named) >= 2 and not any(_is_number(t) for t in texts)


def merge_header(labels, names):
    """One Column per cell of a label row and the sub-label row below it. A Kennzahl label
    spans the empty cells after it (merged cells) or is repeated; a sub-label gives its
    variant, a BA variable name its base quantity."""
    width = max(len(labels), len(names))
    labels = [*labels, *[""] * (width - len(labels))]
    names = [*names, *[""] * (width - len(names))]
    columns = []
    spanning = ""  # the Kennzahl label the current merged cell carries
    for label, name in zip(labels, names, strict=True):
        label, name = label.strip(), name.strip()
        if label:
            spanning = label if code_of(label) else ""
        elif not name:
            spanning = ""
        over = label or spanning
        base = base_code_of(name)
        variant = variant_of(name)
        if base is not None:
            columns.append(Column(f"{over} ({name})" if over else name, base, Variant.BASE))
        elif variant is not None and code_of(over):
            columns.append(Column(f"{over} / {name}", code_of(over), variant))
        elif not name and code_of(label) and variant_of(label):  # „K2 – 12-Monats-Wert in %“
            columns.append(Column(label, code_of(label), variant_of(label)))
        else:
            columns.append(Column(" ".join(filled([over, name])), code_of(over), None))
    return columns


def _is_number(text):
    text = text.removeprefix(NATIVE).strip().strip("()")
    return bool(re.fullmatch(r"[-+\u2212]?\d[\d.,\s]*%?\s*[prs]?", text, re.IGNORECASE))


def is_column_numbers(cells):
    """A numbered column row (1, 2, 3 … or (1), (2) …): no data, to be skipped."""
    texts = [t.removeprefix(NATIVE).strip().strip("()") for t in filled(cells)]
    if len(texts) < 3 or not all(t.isdigit() for t in texts):
        return False
    numbers = [int(t) for t in texts]
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def is_footnote(cells):
    """A footnote row below the data („1) …“, „*) …“, „Quelle: …“, „Hinweis…“, „© …“): one
    text cell starting like a footnote, the rest empty."""
    texts = filled(cells)
    return len(texts) == 1 and bool(_FOOTNOTE.match(texts[0].strip()))


def is_notes_sheet(rows, name=""):
    """A sheet of notes, not data: named so („Hinweise“, „Erläuterungen“ …) or without any
    row holding two numbers."""
    if any(word in name.lower() for word in NOTES_SHEET_NAMES):
        return True
    return not any(sum(_is_number(cell) for cell in cells) >= 2 for cells in rows)


class Table(NamedTuple):
    """A BA table found in a sheet's rows: `titles` from the rows above the header, the
    `header` (one Column per cell), `header_rows` (indices of the one or two header rows) and
    `data` (indices of the rows to read: no numbered column row, no footnotes)."""

    titles: Titles
    header: list[Column]
    header_rows: tuple[int, ...]
    data: list[int]


def find_table(rows):
    """The Table of a sheet in the BA's two-row layout, or None (then the importer's own header
    detection applies). The label row is the row above the first sub-label row."""
    for index in range(1, min(len(rows), TITLE_ROWS)):
        if is_second_header_row(rows[index]) and filled(rows[index - 1]):
            header = merge_header(rows[index - 1], rows[index])
            return Table(
                read_titles(rows[: index - 1]),
                header,
                (index - 1, index),
                data_rows(rows, index + 1),
            )
    return None


def data_rows(rows, start):
    """Indices of the data rows from `start`: a numbered column row and empty rows are left
    out; the first footnote row ends the data."""
    found = []
    for index in range(start, len(rows)):
        cells = rows[index]
        if is_footnote(cells):
            break
        if not filled(cells) or is_column_numbers(cells):
            continue
        found.append(index)
    return found


# ---------------------------------------------------------------------------------------------
# A BA table as a sheet of the importer's long layout

BA_HEADER = ["traeger", "monat", "kennzahl", "variante", "kennzeichen", "wert"]


def ba_sheet(name, rows, lines, table):
    """The Table found in `rows` (line numbers `lines`) as a Sheet in the long layout: one row
    per region label, month and value column. The month comes from a month column or else
    from the title rows; a mark stays in the value cell (no value, counted), a flag goes into
    the `kennzeichen` column. A BA table's first line is told as the header's line."""
    header = table.header
    values = [i for i, column in enumerate(header) if column.code and column.variant is not None]
    month_column = next(
        (i for i, c in enumerate(header) if header_key(c.label) in ROLE_HEADERS["month"]), None
    )
    region_column = next(
        (i for i, c in enumerate(header) if i not in values and i != month_column), 0
    )
    title_month = ""
    if table.titles.month is not None:
        title_month = "{}-{:02d}".format(*table.titles.month)
    columns = [[] for _ in BA_HEADER]
    sheet_lines = []
    for index in data_rows(rows, table.header_rows[-1] + 1):
        cells = rows[index]

        def cell(i, cells=cells):
            return cells[i] if i < len(cells) else ""

        month = cell(month_column) if month_column is not None else title_month
        for i in values:
            split = split_mark(cell(i))
            row = [
                cell(region_column),
                month,
                header[i].code,
                header[i].variant,
                split.flag,
                split.mark or (split.number or ""),
            ]
            for column, text in zip(columns, row, strict=True):
                column.append(text)
            sheet_lines.append(lines[index])
    first = lines[table.header_rows[-1]]
    labels = ", ".join(
        f"{header[i].code} {Variant(header[i].variant).label}"
        if header[i].variant
        else header[i].code
        for i in values
    )
    sheet = Sheet(name=name, header=list(BA_HEADER), header_line=first, columns=columns)
    sheet.titles, sheet.lines = table.titles, sheet_lines
    sheet.notes.append(
        f"Tabelle der BA erkannt: Kopfzeilen in Zeile {lines[table.header_rows[0]]} und "
        f"{first}; je Region und Spalte ein Wert ({labels})."
    )
    return sheet
