"""Units, codes, months and sexes: each distinct text resolved once."""

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import NamedTuple

import numpy as np
import pandas as pd

from indicators import storage
from indicators.imports.cells import (
    EARLIEST_MONTH,
    NATIVE,
    SEX_ORDER,
    SEXES,
    _shown,
    code_key,
    header_key,
    parse_month,
)
from indicators.imports.layout import _known_codes
from indicators.imports.problems import IndicatorRef
from indicators.imports.rows import _rank_type, _rows_with_text, _taken, compact
from indicators.imports.units import SKIP
from zielsteuerung import formats


@dataclass(eq=False)
class _Keys:
    """A column factorised: row i is `texts[codes[i]]`, so that each distinct text of units,
    codes, months, sexes and values is looked at once. A CSV file's columns are read so, a
    chunk of rows at a time (textfiles.py, `joined`): a few bytes per cell instead of pandas'
    string objects; a text may then be listed once per chunk."""

    codes: np.ndarray  # one per row, in the smallest integer type for the texts (`compact`)
    texts: list[str]

    @classmethod
    def of(cls, column):
        if isinstance(column, cls):
            return column
        column = np.asarray(column, dtype=object)
        if _long_runs(column[:1000]):  # a sorted file: units and months repeat row after row
            starts = np.flatnonzero(np.concatenate(([True], column[1:] != column[:-1])))
            if len(starts) < len(column) // 4:
                codes, texts = pd.factorize(column[starts])
                codes = np.repeat(
                    compact(codes, len(texts)), np.diff(np.append(starts, len(column)))
                )
                return cls(codes, texts.tolist())
        codes, texts = pd.factorize(column)
        return cls(compact(codes, len(texts)), texts.tolist())

    @classmethod
    def joined(cls, parts):
        """One column of the `_Keys` of consecutive pieces of rows. A text found in several
        pieces is listed once for each (not hashed again): whoever reads the texts keeps
        one result per text, and the first text of a kind is still the first such row."""
        texts, pieces, start = [], [], 0
        for part in parts:
            texts.extend(part.texts)
            pieces.append(part.codes.astype(np.int64) + start)
            start += len(part.texts)
        return cls(compact(np.concatenate(pieces), len(texts)), texts)

    def __len__(self):
        return len(self.codes)

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self.texts[code] for code in self.codes[row].tolist()]
        return self.texts[self.codes[row]]

    def tolist(self):
        """Every row's text, as a list of str (the texts shared, not copied)."""
        return np.array(self.texts, dtype=object)[self.codes].tolist()

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
    variants: np.ndarray
    flags: np.ndarray
    ok: np.ndarray
    whole: np.ndarray


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
        """The rank of each of `rows` of the `_Keys` column (-1 for a problem), in the smallest
        integer type that holds them."""
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
        return compact(ranks, int(ranks.max(initial=0)))[codes]

    def report(self):
        sheets = self.checker.sheets
        for message, header, places in self.problems.values():
            places.sort(key=lambda place: (sheets.index(place[0].sheet), place[1]))
            block, row = places[0]
            more = sorted({r for b, r in places[1:] if b.sheet is block.sheet and r != row})
            self.checker.problem(message, block, row, header, more)


def read_keys(checker, blocks, numbers):
    """Per block: the rows with a value, and their unit, code, month and sex ranks.

    Each distinct text is resolved once (a national file has 400 units, 8 codes and 200
    months in 600 000 rows); a problem is reported once per distinct text, with the lines
    where it occurs."""
    resolvers = {
        "unit": _Resolver(checker.units.resolve, checker),
        "code": _Resolver(partial(resolve_code, checker), checker),
        "month": _Resolver(partial(resolve_month, checker), checker),
        "sex": _Resolver(partial(resolve_sex, checker), checker),
        "variant": _Resolver(resolve_variant, checker),
        "flag": _Resolver(resolve_flag, checker),
    }
    cells = []
    with_value = {}  # sheet → rows with a value in some column
    totals = {}  # sheet → rows of totals ("Summe")
    for block, read in zip(blocks, numbers, strict=True):
        rows = compact(np.flatnonzero(read.present), len(read.present))
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
            codes = np.full(len(rows), code, dtype=_rank_type(code))
        else:
            codes = resolvers["code"].ranks(block, "code", block.codes, rows)
        months = resolvers["month"].ranks(block, "month", block.months, rows)
        if block.sexes is None:
            sexes = np.full(len(rows), SEX_ORDER["g"], dtype=np.int8)
        else:
            sexes = resolvers["sex"].ranks(block, "sex", block.sexes, rows)
        variants = np.zeros(len(rows), dtype=np.int8)  # base quantities
        if block.variants is not None:
            variants = resolvers["variant"].ranks(block, "variant", block.variants, rows)
        flags = np.zeros(len(rows), dtype=np.int8)  # no flag
        if block.flags is not None:
            flags = resolvers["flag"].ranks(block, "flag", block.flags, rows)
        if len(rows) == len(read.numbers):
            values, ok, whole = read.numbers, read.ok, read.whole
        else:
            values = _taken(read.numbers, rows)
            ok, whole = read.ok[rows], read.whole[rows]
        cells.append(_Cells(rows, values, units, codes, months, sexes, variants, flags, ok, whole))
    for sheet in checker.sheets:  # rows with text but without any value: notes, footnotes
        if sheet.lines is not None:  # a BA table: one row per cell, a mark's counted as such
            continue
        rows = with_value.get(id(sheet))
        skipped = len(totals.get(id(sheet), ()))
        if rows is not None and not rows.all():
            block = next(b for b in blocks if b.sheet is sheet)
            skipped += int(np.count_nonzero(_rows_with_text(block, np.flatnonzero(~rows))))
        checker.skipped += skipped
    for resolver in resolvers.values():
        resolver.report()
    checker.units.name_new(blocks, cells)
    return cells


def resolve_code(checker, text):
    if not text.strip():
        return None, "Die Kennzahl fehlt."
    key = code_key(text.removeprefix(NATIVE))
    indicator = checker.codes.get(key) or checker.codes.get(key.replace("_", ""))
    if indicator is None:
        return None, f"„{_shown(text)}“ ist keine bekannte Kennzahl. {_known_codes(checker.codes)}"
    rank = checker.indicator_ranks.get(indicator.pk)
    if rank is None:
        rank = checker.indicator_ranks[indicator.pk] = len(checker.check.indicators)
        checker.check.indicators.append(
            IndicatorRef(indicator.pk, indicator.code, indicator.unit, indicator.sort_order)
        )
    return rank, None


def resolve_month(checker, text):
    shown = _shown(text)
    if not shown:
        return None, "Der Monat fehlt."
    parsed = parse_month(text)
    if parsed is None:
        return None, (
            f"„{shown}“ ist kein Monat; erwartet z. B. 2020-01, 01/2020, 01.2020 oder Januar 2020."
        )
    if parsed < EARLIEST_MONTH:
        return None, (
            f"„{shown}“: Monate vor Januar 2005 (Beginn des SGB II) werden nicht angenommen."
        )
    year, month = parsed
    number = year * 12 + month - 1
    if number > checker.latest_month:
        return None, (
            f"„{shown}“: {formats.month_name(date(year, month, 1))} liegt nach dem "
            f"Ladestand {checker.check.ladestand:%d.%m.%Y}."
        )
    return number, None


def resolve_sex(checker, text):
    sex = SEXES.get(header_key(text.removeprefix(NATIVE)))
    if sex is None:
        return None, (
            f"„{_shown(text)}“ ist kein Geschlecht; erlaubt sind g (gesamt), m (Männer) und "
            "w (Frauen)."
        )
    return SEX_ORDER[sex], None


def resolve_variant(text):
    variant = text.strip().lower()
    if variant in storage.VARIANTS:
        return storage.VARIANTS.index(variant), None
    listed = ", ".join(v for v in storage.VARIANTS if v)
    return None, f"„{_shown(text)}“ ist keine bekannte Variante (leer oder {listed})."


def resolve_flag(text):
    flag = text.strip().lower()
    if flag in storage.FLAGS:
        return storage.FLAGS.index(flag), None
    listed = ", ".join(f"„{f}“" for f in storage.FLAGS if f)
    return None, f"„{_shown(text)}“ ist kein bekanntes Kennzeichen (leer oder {listed})."
