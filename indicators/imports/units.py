"""The units of a file: keys and names of Träger and comparison units, the uploader's rights,
comparison units new to the product."""

import numpy as np

from indicators.imports.cells import (
    CREATABLE_KEY,
    TOTAL_ROWS,
    _shown,
    header_key,
    name_key,
    unit_key,
)
from indicators.imports.problems import UnitRef
from indicators.imports.regions import (
    AGGREGATE,
    OTHER_JOBCENTER,
    classify_key,
    read_region,
    several_units,
    split_label,
)
from zielsteuerung.access import is_ministry, traeger_of
from zielsteuerung.models import Organisation, OrganisationKind

SKIP = -2  # a unit rank meaning "a total row, not a unit": the row is left out
# The kinds of organisation a name alone may stand for (a ministry delivers no values).
NAMED_KINDS = (OrganisationKind.TRAEGER, OrganisationKind.COMPARISON, OrganisationKind.AGGREGATE)


class Units:
    """Resolves the unit column's texts to ranks into `check.units`. A Jobcenter user delivers
    only for its own Landkreis; ministries (and the command line, `user` None) for the zkT and
    declared comparison units, and with `create_units` a new key becomes a comparison unit."""

    def __init__(self, check, user, create_units):
        self.check = check
        self.own = traeger_of(user) if user is not None else None
        self.may_create = create_units and (user is None or is_ministry(user))
        self.ranks = {}
        self._units = self._names = self._zkt = None
        self._organisations = []

    def keys(self):
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

    def names(self):
        """{normalised name: [UnitRef, …]} of the Träger, comparison units and aggregates, by
        name and short name (a name that is also a key is the key); built only when a text is
        not a key."""
        if self._names is None:
            names, taken = {}, {"", *self.keys()}
            for org in self._organisations:
                if org.kind in NAMED_KINDS:
                    for name in {name_key(org.name), name_key(org.short_name)} - taken:
                        names.setdefault(name, []).append(org)
            self._names = names
        return self._names

    def by_key(self, key):
        keys = self.keys()
        return keys.get(key) or keys.get(key.upper()) or keys.get(name_key(key))

    def find(self, key):
        """The organisation of a key, or of a name that only one organisation bears."""
        unit = self.by_key(key)
        if unit is None:
            found = self.names().get(name_key(key), ())
            unit = found[0] if len(found) == 1 else None
        return unit

    def several(self, text, key):
        """The units a name alone stands for when it stands for more than one: the
        organisations of that name and the aggregate it names („Niedersachsen“, „Bund“)."""
        if self.by_key(key) is not None or split_label(text)[0]:
            return []
        found = list(self.names().get(name_key(key), ()))
        region = read_region(text, {})
        if region.kind == AGGREGATE and all(unit.key != region.key for unit in found):
            found.append(UnitRef(None, region.key, region.name, AGGREGATE))
        return found if len(found) > 1 else []

    def resolve(self, text):
        shown = _shown(text)
        key = unit_key(text)
        if not key:
            return None, "Der Träger fehlt."
        if header_key(key) in TOTAL_ROWS:
            return SKIP, None
        several = self.several(text, key)
        if several and (self.own is None or self.own.pk in {unit.pk for unit in several}):
            return None, several_units(shown, [(unit.name, unit.key) for unit in several])
        unit = None if several else self.find(key)  # several, none the uploader's: refused below
        region = None
        if unit is None and not several:  # a label („03358 Heidekreis“, „zkT 03452“)?
            region = read_region(text, self.zkt())
            if region.kind is not None:
                key = region.key
                unit = self.find(key)
        if self.own is not None and (unit is None or unit.pk != self.own.pk):
            other = f"; „{shown}“ ist {unit.name}" if unit is not None else f", nicht für „{shown}“"
            return None, (
                f"Sie dürfen nur Daten für {self.own.name} ({self.own.key}) liefern{other}."
            )
        # Deutschland, a Land …: its own kind of unit, never ranked among the Jobcenter.
        if unit is not None and unit.kind == OrganisationKind.AGGREGATE:
            return self.rank(UnitRef(unit.pk, unit.key, unit.name, unit.kind)), None
        if unit is None and region is not None and region.kind == AGGREGATE:
            return self.rank(UnitRef(None, region.key, region.name, AGGREGATE)), None
        if unit is not None and unit.kind not in (
            OrganisationKind.TRAEGER,
            OrganisationKind.COMPARISON,
        ):
            return None, f"„{shown}“ ist {unit.name}, kein Träger und keine Vergleichseinheit."
        if unit is not None:
            return self.rank(UnitRef(unit.pk, unit.key, unit.name, unit.kind)), None
        if not self.may_create:
            self.check.unknown_units.append(key)
            if region is not None and region.name:  # a BA label „03241 Region Hannover“
                what = classify_key(key, region.name)
                if what.kind == OTHER_JOBCENTER:  # says what it is: a comparison unit
                    return None, what.message
            return None, (
                f"„{shown}“ ist weder einer der zugelassenen kommunalen Träger noch eine "
                "angelegte Vergleichseinheit."
            )
        if not CREATABLE_KEY.fullmatch(key):
            return None, (
                f"„{shown}“ ist kein bekannter Träger; als Vergleichseinheit angelegt werden kann "
                "nur ein Schlüssel (bis 20 Zeichen, ohne Leerzeichen)."
            )
        name = region.name if region is not None else ""  # „03241 Region Hannover“
        return self.rank(UnitRef(None, key, name, OrganisationKind.COMPARISON)), None

    def zkt(self):
        """{key: name} of the zkT, for region labels."""
        if self._zkt is None:
            self.keys()
            kind = OrganisationKind.TRAEGER
            self._zkt = {o.key: o.name for o in self._organisations if o.kind == kind}
        return self._zkt

    def rank(self, ref):
        rank = self.ranks.get(ref.key)
        if rank is None:
            rank = self.ranks[ref.key] = len(self.check.units)
            self.check.units.append(ref)
        return rank

    def name_new(self, blocks, cells):
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
            if ref.pk is None and ref.kind == OrganisationKind.COMPARISON:
                name = (names.get(rank) or ref.name or f"Vergleichseinheit {ref.key}")[:200]
                self.check.units[rank] = UnitRef(None, ref.key, name, ref.kind)
