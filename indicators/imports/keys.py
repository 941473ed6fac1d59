"""Units, codes, months and sexes: each distinct text resolved once."""

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd

from indicators.imports.cells import (
    CREATABLE_KEY,
    EARLIEST_MONTH,
    NATIVE,
    SEX_ORDER,
    SEXES,
    TOTAL_ROWS,
    _code_key,
    _header_key,
    _name_key,
    _parse_month,
    _shown,
    _unit_key,
)
from indicators.imports.layout import _known_codes
from indicators.imports.problems import IndicatorRef, UnitRef
from indicators.imports.rows import _rows_with_text, _taken
from zielsteuerung import formats
from zielsteuerung.models import Organisation, OrganisationKind


@dataclass(eq=False)
class _Keys:
    """A column of few distinct texts (units, codes, months, sexes, names), factorised: row i
    is `texts[codes[i]]`, so that each distinct text is looked at once."""

    codes: np.ndarray  # int32, one per row (half the memory of int64 for a million rows)
    texts: list[str]

    @classmethod
    def of(cls, column):
        column = np.asarray(column, dtype=object)
        if _long_runs(column[:1000]):  # a sorted file: units and months repeat row after row
            starts = np.flatnonzero(np.concatenate(([True], column[1:] != column[:-1])))
            if len(starts) < len(column) // 4:
                codes, texts = pd.factorize(column[starts])
                codes = np.repeat(codes, np.diff(np.append(starts, len(column))))
                return cls(codes.astype(np.int32), texts.tolist())
        codes, texts = pd.factorize(column)
        return cls(codes.astype(np.int32), texts.tolist())

    def __len__(self):
        return len(self.codes)

    def __getitem__(self, row):
        return self.texts[self.codes[row]]

    def filled(self, rows):
        """Whether each of `rows` has text other than spaces."""
        filled = np.array([bool(text.strip()) for text in self.texts], dtype=bool)
        return filled[self.codes[rows]]


def _long_runs(sample):
    """Whether equal texts follow each other in runs of four or more, on average."""
    return len(sample) > 1 and np.count_nonzero(sample[1:] != sample[:-1]) < len(sample) // 4


class _Cells(NamedTuple):
    """The rows of one block with something in the value cell, as `read_keys` resolved them."""

    rows: np.ndarray
    values: list[str | None]
    units: np.ndarray
    codes: np.ndarray
    months: np.ndarray
    sexes: np.ndarray
    ok: np.ndarray
    whole: np.ndarray


SKIP = -2  # a unit rank meaning "a total row, not a unit": the row is left out


class _Resolver:
    """Resolves each distinct text of a column once. A problem is reported once per distinct
    text, at its first line, naming the other lines of the same sheet with the same text."""

    def __init__(self, resolve, checker):
        self.resolve = resolve
        self.checker = checker
        self.results = {}
        self.problems = {}  # text → (message, header, [(block, row), …])

    def resolve_text(self, text):
        found = self.results.get(text)
        if found is None:
            found = self.results[text] = self.resolve(text)
        return found

    def ranks(self, block, role, keys, rows):
        """The rank of each of `rows` of the `_Keys` column (-1 for a problem)."""
        if len(rows) == len(keys):  # all rows: pd.factorize numbered the texts in file order
            codes, order = keys.codes, range(len(keys.texts))
        else:
            codes = keys.codes[rows]
            order = pd.unique(codes).tolist()  # the texts of these rows, in file order
        ranks = np.full(len(keys.texts), -1, dtype=np.int64)
        wrong = np.zeros(len(keys.texts), dtype=bool)
        for code in order:
            rank, message = self.resolve_text(keys.texts[code])
            if message is None:
                ranks[code] = rank
            else:
                wrong[code] = True
        for position in np.flatnonzero(wrong[codes]).tolist() if wrong.any() else ():
            text = keys.texts[codes[position]]
            message = self.results[text][1]
            entry = self.problems.setdefault(text, (message, block.headers[role], []))
            entry[2].append((block, int(rows[position])))
        return ranks[codes]

    def report(self):
        sheets = self.checker.sheets
        for message, header, places in self.problems.values():
            places.sort(key=lambda place: (sheets.index(place[0].sheet), place[1]))
            block, row = places[0]
            more = sorted({r for b, r in places[1:] if b.sheet is block.sheet and r != row})
            self.checker.problem(message, block, row, header, more)


class KeyReading:
    def read_keys(self, blocks, numbers):
        """Per block: the rows with a value, and their unit, code, month and sex ranks.

        Each distinct text is resolved once (a national file has 400 units, 8 codes and 200
        months in 600 000 rows); a problem is reported once per distinct text, with the lines
        where it occurs."""
        resolvers = {
            "unit": _Resolver(self.resolve_unit, self),
            "code": _Resolver(self.resolve_code, self),
            "month": _Resolver(self.resolve_month, self),
            "sex": _Resolver(self.resolve_sex, self),
        }
        cells = []
        with_value = {}  # sheet → rows with a value in some column
        totals = {}  # sheet → rows of totals ("Summe")
        for block, read in zip(blocks, numbers, strict=True):
            rows = np.flatnonzero(read.present)
            units = resolvers["unit"].ranks(block, "unit", block.units, rows)
            sheet_rows = with_value.setdefault(id(block.sheet), np.zeros(len(read.present), bool))
            total = units == SKIP
            if total.any():  # a total row is no unit's value: leave it out
                totals.setdefault(id(block.sheet), set()).update(rows[total].tolist())
                sheet_rows[rows[total]] = True
                rows, units = rows[~total], units[~total]
            if len(rows) == len(sheet_rows):  # every row has a value
                sheet_rows[:] = True
            else:
                sheet_rows[rows] = True
            if block.codes is None:
                code = resolvers["code"].resolve_text(block.code)[0]
                codes = np.full(len(rows), code, dtype=np.int64)
            else:
                codes = resolvers["code"].ranks(block, "code", block.codes, rows)
            months = resolvers["month"].ranks(block, "month", block.months, rows)
            if block.sexes is None:
                sexes = np.full(len(rows), SEX_ORDER["g"], dtype=np.int64)
            else:
                sexes = resolvers["sex"].ranks(block, "sex", block.sexes, rows)
            if len(rows) == len(read.numbers):
                values, ok, whole = read.numbers, read.ok, read.whole
            else:
                values = _taken(read.numbers, rows)
                ok, whole = read.ok[rows], read.whole[rows]
            cells.append(_Cells(rows, values, units, codes, months, sexes, ok, whole))
        for sheet in self.sheets:  # rows with text but without any value: notes, footnotes
            rows = with_value.get(id(sheet))
            skipped = len(totals.get(id(sheet), ()))
            if rows is not None and not rows.all():
                block = next(b for b in blocks if b.sheet is sheet)
                skipped += int(np.count_nonzero(_rows_with_text(block, np.flatnonzero(~rows))))
            self.skipped += skipped
        for resolver in resolvers.values():
            resolver.report()
        self.name_new_units(blocks, cells)
        return cells

    def unit_keys(self):
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

    def unit_names(self):
        """{normalised name: UnitRef} of the Träger and comparison units whose name is unique
        and no key; built only when a text is not a key."""
        if self._names is None:
            keys, names = self.unit_keys(), {}
            for org in self._organisations:
                if org.kind in (OrganisationKind.TRAEGER, OrganisationKind.COMPARISON):
                    for name in {org.name, org.short_name} - {""}:
                        names.setdefault(_name_key(name), set()).add(org)
            self._names = {
                name: orgs.pop()
                for name, orgs in names.items()
                if name and len(orgs) == 1 and name not in keys
            }
        return self._names

    def find_unit(self, key):
        keys = self.unit_keys()
        unit = keys.get(key) or keys.get(key.upper())
        if unit is None:
            name = _name_key(key)
            unit = keys.get(name) or self.unit_names().get(name)
        return unit

    def resolve_unit(self, text):
        shown = _shown(text)
        key = _unit_key(text)
        if not key:
            return None, "Der Träger fehlt."
        if _header_key(key) in TOTAL_ROWS:
            return SKIP, None
        unit = self.find_unit(key)
        if self.own is not None and (unit is None or unit.pk != self.own.pk):
            other = f"; „{shown}“ ist {unit.name}" if unit is not None else f", nicht für „{shown}“"
            return None, (
                f"Sie dürfen nur Daten für {self.own.name} ({self.own.key}) liefern{other}."
            )
        if unit is not None and unit.kind not in (
            OrganisationKind.TRAEGER,
            OrganisationKind.COMPARISON,
        ):
            return None, f"„{shown}“ ist {unit.name}, kein Träger und keine Vergleichseinheit."
        if unit is not None:
            return self.unit_rank(UnitRef(unit.pk, unit.key, unit.name, unit.kind)), None
        if not self.may_create:
            self.check.unknown_units.append(key)
            return None, (
                f"„{shown}“ ist weder einer der zugelassenen kommunalen Träger noch eine "
                "angelegte Vergleichseinheit."
            )
        if not CREATABLE_KEY.fullmatch(key):
            return None, (
                f"„{shown}“ ist kein bekannter Träger; als Vergleichseinheit angelegt werden kann "
                "nur ein Schlüssel (bis 20 Zeichen, ohne Leerzeichen)."
            )
        return self.unit_rank(UnitRef(None, key, "", OrganisationKind.COMPARISON)), None

    def unit_rank(self, ref):
        rank = self.unit_ranks.get(ref.key)
        if rank is None:
            rank = self.unit_ranks[ref.key] = len(self.check.units)
            self.check.units.append(ref)
        return rank

    def name_new_units(self, blocks, cells):
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
            if ref.pk is None:
                name = (names.get(rank) or f"Vergleichseinheit {ref.key}")[:200]
                self.check.units[rank] = UnitRef(None, ref.key, name, ref.kind)

    def resolve_code(self, text):
        if not text.strip():
            return None, "Die Kennzahl fehlt."
        key = _code_key(text.removeprefix(NATIVE))
        indicator = self.codes.get(key) or self.codes.get(key.replace("_", ""))
        if indicator is None:
            return None, f"„{_shown(text)}“ ist keine bekannte Kennzahl. {_known_codes(self.codes)}"
        rank = self.indicator_ranks.get(indicator.pk)
        if rank is None:
            rank = self.indicator_ranks[indicator.pk] = len(self.check.indicators)
            self.check.indicators.append(
                IndicatorRef(indicator.pk, indicator.code, indicator.unit, indicator.sort_order)
            )
        return rank, None

    def resolve_month(self, text):
        shown = _shown(text)
        if not shown:
            return None, "Der Monat fehlt."
        parsed = _parse_month(text)
        if parsed is None:
            return None, (
                f"„{shown}“ ist kein Monat; erwartet z. B. 2020-01, 01/2020, 01.2020 oder "
                "Januar 2020."
            )
        if parsed < EARLIEST_MONTH:
            return None, (
                f"„{shown}“: Monate vor Januar 2005 (Beginn des SGB II) werden nicht angenommen."
            )
        year, month = parsed
        number = year * 12 + month - 1
        if number > self.latest_month:
            return None, (
                f"„{shown}“: {formats.month_name(date(year, month, 1))} liegt nach dem "
                f"Ladestand {self.check.ladestand:%d.%m.%Y}."
            )
        return number, None

    def resolve_sex(self, text):
        sex = SEXES.get(_header_key(text.removeprefix(NATIVE)))
        if sex is None:
            return None, (
                f"„{_shown(text)}“ ist kein Geschlecht; erlaubt sind g (gesamt), m (Männer) und "
                "w (Frauen)."
            )
        return SEX_ORDER[sex], None
