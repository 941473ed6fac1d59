"""A column mapping: the header row and each column's role, given by the user instead of
guessed (docs/import.md, „Spalten zuordnen“).

The one home of the roles' vocabulary, of the JSON that `import_indicators --zuordnung`
reads, of the rules a mapping must keep, and of the `Layout` a mapping gives the ordinary
check (`check_file(..., mapping=…)`): a mapped file is checked like any other, cell by cell."""

import hashlib
import json
from dataclasses import dataclass

from indicators.imports.ba_layout import code_of, variant_of
from indicators.imports.cells import _shown, code_key
from indicators.imports.layout import (
    HEADER_SCAN_ROWS,
    Layout,
    _header_score,
    _roles_of,
    _texts,
    trimmed,
)
from indicators.imports.marks import base_code_of
from indicators.imports.problems import Refused
from indicators.models import Indicator, Variant

# Role → label. A catalogue code („ELB“, „K2:jfw“) is the role of a value column (wide form).
ROLES = {
    "traeger": "Träger-Schlüssel",
    "name": "Träger-Name",
    "monat": "Monat",
    "geschlecht": "Geschlecht",
    "kennzahl": "Kennzahl-Spalte (lange Form)",
    "variante": "Variante-Spalte (lange Form)",
    "wert": "Wert (lange Form)",
    "ignorieren": "ignorieren",
}
# The roles of the checker's Layout (layout.py) that the mapping's roles stand for.
LAYOUT_ROLES = {
    "traeger": "unit",
    "name": "name",
    "monat": "month",
    "geschlecht": "sex",
    "kennzahl": "code",
    "variante": "variant",
    "wert": "value",
}
VARIANTS = [v for v in Variant.values if v]  # jfw, zwoelf_monate, vorjahresmonat
ROLES_TEXT = (
    f"Erlaubt sind {', '.join(ROLES)} oder eine Kennzahl wie ELB, mit Variante wie K2:jfw "
    f"(Varianten: {', '.join(VARIANTS)})."
)


@dataclass(frozen=True)
class Mapping:
    """Which row is the header (`header_line`, counted as Excel or an editor shows it), on
    which worksheet (`sheet`, None: a CSV file or the workbook's first sheet), and the role
    of each column: (header as written, role) pairs, in the file's order (web) or naming the
    columns (JSON)."""

    header_line: int
    columns: tuple[tuple[str, str], ...]
    sheet: str | None = None

    def to_data(self):
        """The mapping as plain JSON data (the session, the background task)."""
        return {
            "blatt": self.sheet,
            "kopfzeile": self.header_line,
            "spalten": [list(pair) for pair in self.columns],
        }

    @classmethod
    def from_data(cls, data):
        """The Mapping of `to_data()`, or None for None."""
        if not data:
            return None
        pairs = data["spalten"]
        pairs = pairs.items() if isinstance(pairs, dict) else pairs
        columns = tuple((str(name), str(role)) for name, role in pairs)
        return cls(int(data["kopfzeile"]), columns, data.get("blatt") or None)

    def described(self):
        """„Kreis → Träger-Schlüssel, ELB → ELB, …“ for the preview and the command."""
        shown = [
            f"„{_shown(name)}“ → {role_label(role)}"
            for name, role in self.columns
            if role != "ignorieren" and name.strip()
        ]
        return ", ".join(shown)


def role_label(role):
    if role in ROLES:
        return ROLES[role]
    code, _, variant = role.partition(":")
    return f"{code} ({Variant(variant).label})" if variant else code


# -- reading a role ------------------------------------------------------------------------------


def parse_role(text, codes):
    """The role `text` names in its canonical spelling („k2:JFW“ → „K2:jfw“), or raise
    ValueError with the German reason."""
    role = text.strip()
    if role.lower() in ROLES:
        return role.lower()
    code, colon, variant = role.partition(":")
    indicator = codes.get(code_key(code)) or codes.get(code_key(code).replace("_", ""))
    if indicator is None:
        if colon:
            raise ValueError(f"„{_shown(code)}“ ist keine bekannte Kennzahl. {ROLES_TEXT}")
        raise ValueError(f"„{_shown(role)}“ ist keine Rolle. {ROLES_TEXT}")
    variant = variant.strip().lower()
    if colon and variant not in VARIANTS:
        raise ValueError(
            f"„{_shown(variant)}“ ist keine Variante; erlaubt sind {', '.join(VARIANTS)}."
        )
    return f"{indicator.code}:{variant}" if variant else indicator.code


def roles_problems(columns):
    """What is wrong with a whole set of (header, role) pairs, in German; [] if nothing."""
    problems = []
    by_role = {}
    for name, role in columns:
        by_role.setdefault(role, []).append(name)
    for role in ("traeger", "name", "monat", "geschlecht", "kennzahl", "variante", "wert"):
        names = by_role.get(role, [])
        if len(names) > 1:
            problems.append(
                f"„{ROLES[role]}“ ist {len(names)} Spalten zugeordnet ({_listed(names)}); "
                "erlaubt ist eine."
            )
    if "traeger" not in by_role and "name" not in by_role:
        problems.append("Keine Spalte ist „Träger-Schlüssel“ oder „Träger-Name“ zugeordnet.")
    if "monat" not in by_role:
        problems.append("Keine Spalte ist „Monat“ zugeordnet.")
    coded = {role: names for role, names in by_role.items() if role not in ROLES}
    long = "kennzahl" in by_role or "wert" in by_role
    if long and coded:
        problems.append(
            "Die Zuordnung hat „Kennzahl-Spalte“ oder „Wert“ (lange Form) und zugleich Spalten "
            f"einer Kennzahl ({_listed([n for names in coded.values() for n in names])}). Bitte "
            "nur eine der beiden Formen verwenden."
        )
    elif long and ("kennzahl" not in by_role or "wert" not in by_role):
        missing = "Wert" if "wert" not in by_role else "Kennzahl-Spalte"
        problems.append(f"In der langen Form fehlt die Spalte „{missing}“.")
    elif not long and not coded:
        problems.append(
            "Keine Spalte enthält Werte: ordnen Sie „Kennzahl-Spalte“ und „Wert“ (lange Form) "
            "oder je Werte-Spalte eine Kennzahl (breite Form) zu."
        )
    if not long and "variante" in by_role:
        problems.append(
            "Eine Variante-Spalte gibt es nur in der langen Form; in der breiten Form steht die "
            "Variante bei der Kennzahl (z. B. K2:jfw)."
        )
    for role, names in coded.items():
        if len(names) > 1:
            problems.append(
                f"{role_label(role)} ist {len(names)} Spalten zugeordnet ({_listed(names)}); "
                "erlaubt ist eine."
            )
    return problems


def _listed(names):
    return ", ".join(f"„{_shown(name) or '(ohne Überschrift)'}“" for name in names)


# -- the JSON of the command line ------------------------------------------------------------


def parse_json(text, codes):
    """The Mapping a `--zuordnung` file describes; raises Refused with every problem."""

    try:  # an object as its list of pairs: a repeated key is told, not silently dropped
        data = json.loads(text, object_pairs_hook=_Pairs)
    except json.JSONDecodeError as error:
        raise Refused(
            f"Die Zuordnung ist kein gültiges JSON (Zeile {error.lineno}, Zeichen {error.colno})."
        ) from None
    if not isinstance(data, _Pairs):
        raise Refused(
            "Die Zuordnung muss ein JSON-Objekt sein: "
            '{"kopfzeile": 3, "spalten": {"Kreis": "traeger", …}}.'
        )
    problems, entries = [], {}
    for key, value in data:
        if key not in ("kopfzeile", "spalten", "blatt"):
            problems.append(
                f"„{_shown(key)}“ ist kein Eintrag der Zuordnung; erlaubt sind „kopfzeile“, "
                "„spalten“ und „blatt“."
            )
        elif key in entries:
            problems.append(f"„{key}“ steht zweimal in der Zuordnung.")
        entries[key] = value
    line = entries.get("kopfzeile")
    if "kopfzeile" not in entries:
        problems.append("Es fehlt „kopfzeile“: die Zeile der Kopfzeile, z. B. 1.")
    elif isinstance(line, bool) or not isinstance(line, int) or not 1 <= line <= HEADER_SCAN_ROWS:
        problems.append(
            f"„kopfzeile“ ist {json.dumps(line, ensure_ascii=False)}; erwartet wird eine Zeile "
            f"von 1 bis {HEADER_SCAN_ROWS}."
        )
    sheet = entries.get("blatt")
    if sheet is not None and not (isinstance(sheet, str) and sheet.strip()):
        problems.append("„blatt“ muss der Name eines Arbeitsblatts sein.")
    columns = []
    spalten = entries.get("spalten")
    if not isinstance(spalten, _Pairs) or not spalten:
        problems.append(
            "Es fehlt „spalten“: je Spalte der Kopfzeile ihre Rolle, z. B. "
            '{"Kreis": "traeger", "Berichtsmonat": "monat", "ELB": "ELB"}.'
        )
        spalten = []
    seen = set()
    for name, role in spalten:
        where = f"Spalte „{_shown(name)}“"
        if _same(name) in seen:  # as a header cell is matched: without case and extra spaces
            problems.append(f"{where} steht zweimal in der Zuordnung.")
            continue
        seen.add(_same(name))
        if not isinstance(role, str):
            problems.append(f"{where}: die Rolle muss ein Text sein. {ROLES_TEXT}")
            continue
        try:
            columns.append((name, parse_role(role, codes)))
        except ValueError as reason:
            problems.append(f"{where}: {reason}")
    if columns and len(columns) == len(spalten):
        problems.extend(roles_problems(columns))
    if problems:
        raise Refused(*problems)
    return Mapping(line, tuple(columns), sheet.strip() if sheet else None)


# -- a mapping applied to a sheet ----------------------------------------------------------------


class _Pairs(list):
    """A JSON object's (key, value) pairs, in order."""


def _same(text):
    return " ".join(text.split()).casefold()


def roles_of_header(mapping, header):
    """The role of each cell of the file's header row; or raise ValueError with the German
    reason why the mapping does not fit this header."""
    names = [name for name, _ in mapping.columns]
    if trimmed([_same(n) for n in names]) == trimmed([_same(c) for c in header]):
        # the same header in the same order (the web's mapping, or JSON naming every column)
        roles = [role for _, role in mapping.columns][: len(header)]
        return roles + ["ignorieren"] * (len(header) - len(roles))
    written = [_same(cell) for cell in header]
    roles = ["ignorieren"] * len(header)
    missing, repeated = [], []
    for name, role in mapping.columns:
        if not name.strip():  # a column without a header is named by its place only
            continue
        found = [i for i, cell in enumerate(written) if cell == _same(name)]
        if not found:
            missing.append(name)
        elif len(found) > 1:
            repeated.append(name)
        else:
            roles[found[0]] = role
    listed = {_same(n) for n in names}
    unmapped = [c for c in header if c.strip() and _same(c) not in listed]
    reasons = []
    if missing:
        reasons.append(f"die Zuordnung nennt {_listed(missing)}, die Kopfzeile nicht")
    if repeated:
        reasons.append(f"{_listed(repeated)} steht mehrfach in der Kopfzeile")
    if unmapped:
        reasons.append(f"für {_listed(unmapped)} fehlt eine Rolle (auch „ignorieren“ ist eine)")
    if reasons:
        raise ValueError(
            f"Die Kopfzeile passt nicht zur Zuordnung: {'; '.join(reasons)}. "
            f"Gelesen als Kopfzeile: {_listed([c for c in header if c.strip()][:8])}."
        )
    return roles


def mapped_layout(mapping, header, columns, codes):
    """The Layout of a sheet whose header row the mapping names (checking.py uses it instead
    of guessing one): the same roles the checker knows, problems as (message, column)."""
    try:
        roles = roles_of_header(mapping, header)
    except ValueError as reason:
        return Layout(False, {}, [], [], [(str(reason), None)])
    problems = [(p, None) for p in roles_problems(list(zip(header, roles, strict=True)))]
    positions, code_columns, variants, ignored = {}, [], {}, []
    for index, (cell, role) in enumerate(zip(header, roles, strict=True)):
        if role in LAYOUT_ROLES:
            positions[LAYOUT_ROLES[role]] = index
        elif role == "ignorieren":
            if cell.strip():
                ignored.append(f"„{_shown(cell)}“")
            elif index < len(columns) and any(t.strip() for t in _texts(columns[index])):
                ignored.append(f"Spalte {index + 1} (ohne Überschrift)")
        else:
            code, _, variant = role.partition(":")
            indicator = codes.get(code_key(code))
            if indicator is None:  # a saved mapping's code the catalogue no longer has
                problems.append((f"„{_shown(code)}“ ist keine bekannte Kennzahl.", cell))
                continue
            code_columns.append((index, indicator))
            if variant:
                variants[index] = variant
    if "unit" not in positions and "name" in positions:  # names alone identify the Träger
        positions["unit"] = positions.pop("name")
    long = "code" in positions
    return Layout(long, positions, code_columns, ignored, problems, variants)


def mapping_note(mapping):
    where = f" (Blatt „{mapping.sheet}“)" if mapping.sheet else ""
    return (
        f"Spaltenzuordnung verwendet: Kopfzeile in Zeile {mapping.header_line}{where}; "
        f"{mapping.described()}."
    )


def needs_mapping(check):
    """Whether the check failed on the header row or its columns (a mapping may mend that)."""
    return any(problem.layout for problem in check.problems)


# -- the mapping step: the head of the file, guesses, fingerprints ---------------------------


def fingerprint(header):
    """A header row as a key: its cells without case and extra spaces, trailing empties left."""
    cells = trimmed(_same(cell) for cell in header)
    return hashlib.sha256("\x1f".join(cells).encode()).hexdigest()


def default_header_line(rows, codes):
    """The line of the row most like a header among the first 30 rows (`rows`: (line, cells)
    pairs): the best header score, then the most filled cells, then the first."""
    candidates = [(line, cells) for line, cells in rows[:HEADER_SCAN_ROWS] if any(cells)]
    if not candidates:
        return None
    best = max(
        candidates,
        key=lambda row: (_header_score(row[1], codes), sum(bool(c.strip()) for c in row[1])),
    )
    return best[0]


def guessed_roles(header, codes):
    """A first guess of each column's role, for the mapping step to pre-fill."""
    found = _roles_of(header, codes)
    keyed = "unit_key" in found
    guesses = []
    for cell, role in zip(header, found, strict=True):
        if isinstance(role, Indicator):
            guesses.append(role.code)
        elif role == "unit_key" or (role == "unit" and not keyed):
            guesses.append("traeger")
        elif role in ("unit", "name"):
            guesses.append("name")
        elif role in ("month", "code", "value", "sex", "variant"):
            guesses.append({v: k for k, v in LAYOUT_ROLES.items()}[role])
        else:
            guesses.append(_guessed_code(cell, codes))
    return guesses


def _guessed_code(cell, codes):
    """„K2 Jahresfortschrittswert“ → K2:jfw, a BA variable name „elb“ → ELB, else ignore."""
    base = base_code_of(cell)
    if base:
        return base
    code = code_of(cell)
    if code and code_key(code) in codes:
        variant = variant_of(cell)
        code = codes[code_key(code)].code
        return f"{code}:{Variant(variant).value}" if variant else code
    return "ignorieren"


def samples(rows, header_line, width, count=3):
    """Per column: up to `count` different non-empty values from the rows below the header."""
    found = [[] for _ in range(width)]
    for line, cells in rows:
        if line <= header_line:
            continue
        for index, cell in enumerate(cells[:width]):
            cell = _shown(cell)
            if cell and cell not in found[index] and len(found[index]) < count:
                found[index].append(cell)
    return found


def refusal_of(check):
    """(text, worksheet name) of the problem of the header that calls for the mapping step."""
    problem = next((p for p in check.problems if p.layout), None)
    return (str(problem), problem.sheet) if problem else ("", None)
