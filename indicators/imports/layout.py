"""The header row and the layout (long or wide) of a sheet."""

from dataclasses import dataclass, field

from indicators.imports.cells import (
    IGNORED_HEADERS,
    NAME_HEADERS,
    ROLE_HEADERS,
    ROLE_LABELS,
    UNIT_HEADERS,
    UNIT_KEY_HEADERS,
    _shown,
    code_key,
    header_key,
)
from indicators.imports.problems import Problem
from indicators.models import (
    Indicator,
)


def _indicator_codes():
    """{normalised spelling: Indicator} for every code in the catalogue."""
    codes = {}
    for indicator in Indicator.objects.all():
        codes[code_key(indicator.code)] = indicator
        codes.setdefault(code_key(indicator.code).replace("_", ""), indicator)
    return codes


@dataclass
class Layout:
    long: bool
    roles: dict[str, int]  # role → column index
    code_columns: list[tuple[int, Indicator]]  # wide layout: column index → indicator
    ignored: list[str]
    problems: list[tuple[str, str | None]]
    variants: dict[int, str] = field(default_factory=dict)  # wide: column index → variant


def _roles_of(cells, codes):
    """Role or indicator of each header cell; None when the cell means nothing to us."""
    found = []
    for cell in cells:
        key = header_key(cell)
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
            indicator = codes.get(code_key(cell))
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
    return Problem(message, sheet=sheet, layout=True)


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
        elif long or header_key(cell) in IGNORED_HEADERS:
            ignored.append(f"„{_shown(cell)}“")
        else:  # wide layout: an unknown column is most likely a misspelt code
            problems.append(
                (f"„{_shown(cell)}“ ist keine bekannte Kennzahl. {_known_codes(codes)}", cell)
            )
    return Layout(long, positions, code_columns, ignored, problems)


def _texts(column):
    """A sheet's column as a list of str."""
    return column if isinstance(column, list) else column.tolist()


def trimmed(cells):
    """A row's cells without the empty ones at its end (a header row as the user sees it)."""
    cells = list(cells)
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _known_codes(codes):
    known = sorted({i for i in codes.values()}, key=lambda i: (i.sort_order, i.code))
    return f"Bekannt sind: {', '.join(i.code for i in known)}."


@dataclass(eq=False)
class Sheet:
    """One table's cells below the header row, as strings, column by column.

    Row i of each column is line `line(i)` of the file (or row of the worksheet). A
    column is a list of str (XLSX) or a factorised column (keys._Keys, CSV)."""

    name: str | None  # the worksheet's name (None for CSV)
    header: list[str]  # the header row's cells, as written
    header_line: int
    columns: list = field(default_factory=list)  # per column a list[str] or a keys._Keys
    notes: list[str] = field(default_factory=list)
    titles: object = None  # a BA table's title rows (ba_layout.Titles), else None
    lines: list[int] | None = None  # a BA table's line of each row (its rows are rewritten)

    @property
    def first_line(self):
        return self.header_line + 1

    def line(self, row):
        """The line (or worksheet row) of row `row` of the columns."""
        return self.lines[row] if self.lines is not None else self.first_line + row


HEADER_SCAN_ROWS = 30  # the header row must be among the first 30 rows of a sheet
HEAD_SAMPLE_ROWS = 10  # rows read below the 30 header candidates, for the mapping step's samples


MAX_COLUMNS = 500  # a table of indicators never has more columns than this
