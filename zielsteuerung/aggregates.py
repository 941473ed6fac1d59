"""Aggregate units: Deutschland, West/Ost, the Länder and the Vergleichstyp groups.

The BA's tables carry rows for them before the Jobcenter („D Deutschland“, „03 Niedersachsen“).
They are units of their own kind (`OrganisationKind.AGGREGATE`): their published values are
stored like any unit's and shown as reference lines, never ranked among the Jobcenter."""

import re

from zielsteuerung.models import Organisation, OrganisationKind

# The BA's region keys of the aggregates and their names.
REGIONS = {
    "D": "Deutschland",
    "W": "Westdeutschland",
    "O": "Ostdeutschland",
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}
# A Vergleichstyp group of the IAB: „VT IIb“ (the key), „Vergleichstyp IIb“ (the name).
COMPARISON_TYPE = re.compile(r"^(?:VT|Vergleichstyp)\s*([IV]{1,3})([a-e]?)$", re.IGNORECASE)


def aggregate_of(key):
    """(key, name) of the aggregate a region key or label stands for, or None."""
    key = key.strip()
    if key in REGIONS:
        return key, REGIONS[key]
    match = COMPARISON_TYPE.match(key)
    if match:
        group = match.group(1).upper() + match.group(2).lower()
        return f"VT {group}", f"Vergleichstyp {group}"
    return None


def aggregate_unit(key):
    """The aggregate unit of `key` (created on first use), or None if `key` names none."""
    known = aggregate_of(key)
    if known is None:
        return None
    unit, _ = Organisation.objects.get_or_create(
        key=known[0], defaults={"name": known[1], "kind": OrganisationKind.AGGREGATE}
    )
    return unit
