"""Statistical marks and flags in cells (the BA's tables, domain.md § 7), the BA's variable
names.

Pure functions on cell texts (docs/import.md, „Dateien der BA“). They do not parse numbers: a
cell is split into its number text and flag, and the number parser reads the number text. The
marks and their meanings have their home in cells.py (`MARKS`), months too (`parse_month`)."""

import re
from typing import NamedTuple

from indicators.imports.cells import MARKS, NATIVE
from indicators.models import Flag

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
