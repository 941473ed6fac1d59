"""Region labels of the BA's tables: „03358 Heidekreis“, „03358 LK Heidekreis“, „zkT 03452“,
a name alone, key and name in two columns; Deutschland, West/Ost, the Länder and the
Vergleichstyp groups are aggregates (`zielsteuerung/aggregates.py`).

Pure functions: the known organisations are passed in as {key: name}."""

import re
from typing import NamedTuple

from indicators.imports.cells import NAME_PREFIXES, NATIVE, name_key, unit_key
from zielsteuerung.aggregates import REGIONS, aggregate_of

_KEY_FIRST = re.compile(r"(\d{1,8})(?:\s*[-–:]\s*|\s+)(\S.*)")
_NAME_FIRST = re.compile(r"(\D*?\S)\s*[(\[]?\s*(\d{5}|\d{8})\s*[)\]]?")
_AGGREGATE_NAMES = {name.lower(): key for key, name in REGIONS.items()} | {
    "bund": "D",
    "bundesgebiet": "D",
    "west": "W",
    "ost": "O",
    "deutschland west": "W",
    "deutschland ost": "O",
}

ZKT, OTHER_JOBCENTER, AGGREGATE = "zkt", "vergleich", "aggregat"


class Region(NamedTuple):
    """What a region label names: `kind` is `zkt` (one of `known`), `vergleich` (another
    Jobcenter: a comparison unit) or `aggregat`; None with a German `message` when unclear."""

    key: str
    name: str
    kind: str | None
    message: str = ""


def normal_key(text):
    """A key as every key reads (`cells.unit_key`: `3358` → `03358`), and the zero Excel drops
    from a Land's key and from a BA Jobcenter key too: `3` → `03`, 7 digits → 8."""
    text = unit_key(text)
    if text.isdigit() and len(text) in (1, 7):
        return "0" + text
    return text


def split_label(text):
    """(key, name) of a label: „03358 Heidekreis“ → ("03358", "Heidekreis"), „zkT 03452“ →
    ("03452", ""), „Heidekreis (03358)“ → ("03358", "Heidekreis"), „Heidekreis“ → ("",
    "Heidekreis"), „03358“ → ("03358", "")."""
    text = " ".join(text.replace(NATIVE, "").split())
    if text.isdigit():
        return normal_key(text), ""
    match = _KEY_FIRST.fullmatch(text)
    if match:
        return normal_key(match.group(1)), match.group(2).strip()
    match = _NAME_FIRST.fullmatch(text)
    if match:
        name = match.group(1).strip()
        return match.group(2), "" if name.lower().rstrip(".") in NAME_PREFIXES else name
    return "", text


def _aggregate(key, name):
    found = aggregate_of(key) if key else None
    if found is None and not key:
        words = name.strip().lower()
        found = aggregate_of(_AGGREGATE_NAMES.get(words, name))
        first, _, rest = words.partition(" ")  # „D Deutschland“
        if found is None and REGIONS.get(first.upper(), "").lower() == rest:
            found = aggregate_of(first.upper())
    if found is None:
        return None
    return Region(found[0], found[1], AGGREGATE)


def read_region(label, known, name=""):
    """The Region of a label (or of a key column's text and a name column's `name`). `known` is
    {key: name} of the zkT; a name alone must match exactly one of them."""
    key, named = split_label(label)
    if key == "" and name:  # a name column beside an empty or unusual key cell
        key, named = split_label(f"{label} {name}".strip())
    named = named or name.strip()
    aggregate = _aggregate(key, named)
    if aggregate is not None:
        return aggregate
    if not key:
        wanted = name_key(named)
        matches = [k for k, n in known.items() if name_key(n) == wanted and wanted]
        if len(matches) == 1:
            return Region(matches[0], known[matches[0]], ZKT)
        if matches:
            message = several_units(named, [(known[k], k) for k in matches])
            return Region("", named, None, message)
        return Region(
            "",
            named,
            None,
            f"„{named}“ ist kein Träger und kein Aggregat; bitte den Kreisschlüssel angeben.",
        )
    if key in known:
        return Region(key, known[key], ZKT)
    return classify_key(key, named)


def several_units(text, units):
    """The message for a name alone that stands for more than one unit, `units` as (name, key):
    which ones, and that the key decides."""
    listed = ", ".join(f"{name} ({key})" for name, key in sorted(units, key=lambda u: u[1]))
    return f"„{text}“ passt auf mehrere Träger: {listed}. Bitte den Schlüssel angeben."


def classify_key(key, name=""):
    """What a key that is not a zkT is: another Jobcenter (5-digit Kreisschlüssel or 8-digit
    BA Jobcenter key → comparison unit), an aggregate, or unknown (kind None); with a message
    for the preview saying so."""
    shown = f"{key} {name}".strip()
    aggregate = _aggregate(key, name)
    if aggregate is not None:
        return aggregate._replace(
            message=f"„{shown}“ ist das Aggregat {aggregate.name}: eine Vergleichslinie, "
            "kein Jobcenter (wird nicht in Ranglisten geführt)."
        )
    if re.fullmatch(r"\d{5}", key):
        return Region(
            key,
            name,
            OTHER_JOBCENTER,
            f"„{shown}“ ist kein Landkreis dieser Zielsteuerung, sondern ein anderes "
            "Jobcenter (Kreisschlüssel): als Vergleichseinheit übernehmen.",
        )
    if re.fullmatch(r"\d{8}", key):
        return Region(
            key,
            name,
            OTHER_JOBCENTER,
            f"„{shown}“ ist ein anderes Jobcenter (Jobcenter-Schlüssel der BA): als "
            "Vergleichseinheit übernehmen.",
        )
    return Region(
        key,
        name,
        None,
        f"„{shown}“ ist weder ein Kreisschlüssel (5 Ziffern) noch ein Jobcenter-Schlüssel der "
        "BA (8 Ziffern) noch ein Aggregat (Deutschland, West/Ost, Land, Vergleichstyp).",
    )
