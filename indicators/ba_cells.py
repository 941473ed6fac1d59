"""Cells of the BA's tables: months, statistical marks and flags, the BA's variable names.

Pure functions on cell texts (docs/import-ba.md). They do not parse numbers: a cell is split
into its number text and flag, and the importer's number parser reads the number text."""

import re
from datetime import date, datetime, timedelta
from typing import NamedTuple

from indicators.models import Flag

NATIVE = "\x00"  # prefix of an Excel number cell's text (the importer's `NATIVE`)

# Marks that stand where a number would (domain.md § 7): the cell holds no value.
MARKS = {
    "-": "nichts vorhanden",
    "–": "nichts vorhanden",
    "—": "nichts vorhanden",
    "x": "Nachweis nicht sinnvoll",
    "X": "Nachweis nicht sinnvoll",
    "*": "Geheimhaltung",
    ".": "Zahlenwert unbekannt",
    "…": "Angabe fällt später an",
    "...": "Angabe fällt später an",
    "•": "keine Angabe",
    "k.A.": "keine Angabe",
    "k. A.": "keine Angabe",
    "n.v.": "nicht vorhanden",
}
# Flags beside a number: the value is kept with the flag (the letters of `Values.flags`).
FLAG_LETTERS = {"p": Flag.PRELIMINARY, "r": Flag.REVISED, "s": Flag.ESTIMATED}
_LETTER_AFTER = re.compile(r"(.*?\d)\s*([prs])", re.IGNORECASE)
_LETTER_BEFORE = re.compile(r"([prs])\s+([-+\u2212]?\d.*)", re.IGNORECASE)
_BRACKETS = re.compile(r"\(\s*(.*?\d.*?)\s*\)")


class Split(NamedTuple):
    """A cell split: `number` is the text for the number parser (None: no value), `flag` one of
    `Flag` ("" for none), `mark` the statistical mark standing instead of a number ("" for
    none)."""

    number: str | None
    flag: str
    mark: str


def split_mark(text):
    """`12,3` → ("12,3", "", ""); `(12,3)` → ("12,3", "(", ""); `12,3 p`, `12,3p`, `p 12,3` →
    ("12,3", "p", ""); `*` → (None, "", "*"); an empty cell → (None, "", ""). Anything else is
    returned unchanged for the number parser to judge."""
    if text.startswith(NATIVE):  # an Excel number: no mark possible
        return Split(text, "", "")
    stripped = text.strip()
    if not stripped:
        return Split(None, "", "")
    if stripped in MARKS:
        return Split(None, "", stripped)
    brackets = _BRACKETS.fullmatch(stripped)
    if brackets:
        return Split(brackets.group(1), Flag.RESTRICTED, "")
    for pattern, number, letter in ((_LETTER_AFTER, 1, 2), (_LETTER_BEFORE, 2, 1)):
        match = pattern.fullmatch(stripped)
        if match:
            return Split(match.group(number).strip(), FLAG_LETTERS[match.group(letter).lower()], "")
    return Split(stripped, "", "")


def mark_meaning(mark):
    """The meaning of a mark or flag for the preview („Geheimhaltung“), or ""."""
    if mark in MARKS:
        return MARKS[mark]
    try:
        return Flag(mark).label
    except ValueError:
        return ""


# ---------------------------------------------------------------------------------------------
# Months

MONTHS = {
    1: "januar jan jaenner january",
    2: "februar feb feber february",
    3: "maerz mrz mar march",
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
MONTH_NAMES = {word: number for number, words in MONTHS.items() for word in words.split()}
_MONTH_FORMS = [
    (re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})(?:-\d{1,2}(?:[ t][\d:.]+)?)?"), "ym"),  # 2020/06
    (re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{4})"), "my"),  # 06/2020
    (re.compile(r"\d{1,2}\.(\d{1,2})\.(\d{4})(?: [\d:]+)?"), "my"),  # 30.06.2020
    (re.compile(r"([a-z]+)\.?\s*[-/ ]?\s*'?(\d{4}|\d{2})"), "name"),  # Juni 2020, Jun 20
    (re.compile(r"(\d{5})(?:\.0+)?"), "serial"),  # 43983: an Excel date as a number
]


def read_ba_month(value):
    """(year, month) of a month as the BA writes it — `Juni 2020`, `Jun 20`, `Jun. 2020`,
    `06/2020`, `2020/06`, `2020-06`, `30.06.2020`, an Excel date (datetime, date or serial
    number) — or None (the return convention of the importer's `_parse_month`)."""
    if isinstance(value, datetime | date):
        return value.year, value.month
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else ""
    if not isinstance(value, str):
        return None
    text = value.removeprefix(NATIVE).strip().lower().rstrip(".")
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    for pattern, form in _MONTH_FORMS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        if form == "ym":
            year, month = int(match.group(1)), int(match.group(2))
        elif form == "my":
            month, year = int(match.group(1)), int(match.group(2))
        elif form == "name":
            month = MONTH_NAMES.get(match.group(1))
            year = int(match.group(2))
            year += 2000 if year < 100 else 0
            if month is None:
                return None
        else:
            serial = int(match.group(1))
            if not 36526 <= serial <= 73415:  # 2000-01-01 … 2100-12-31
                return None
            day = date(1899, 12, 30) + timedelta(days=serial)
            year, month = day.year, day.month
        return (year, month) if 1 <= month <= 12 and 1900 <= year <= 2100 else None
    return None


# ---------------------------------------------------------------------------------------------
# The BA's variable names

# The BA's variable names of the base quantities (domain.md § 5.2, § 7) → the catalogue's code.
BA_VARIABLES = {
    "llu": "LLU",
    "luh": "LUH",
    "elb": "ELB",
    "int": "INT",
    "lzb": "LZB",
    "elb_allein": "ELB_AE",
    "int_allein": "INT_AE",
    "int_lzb": "INT_LZB",
}


def base_code_of(text):
    """The catalogue code of a BA variable name (`elb_allein` → `ELB_AE`), or None."""
    return BA_VARIABLES.get(text.strip().lower().replace("-", "_").replace(" ", "_"))
