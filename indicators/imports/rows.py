"""Joining the cells of all blocks: counts, repeats, the final columns."""

from decimal import Decimal
from itertools import compress

import numpy as np

from indicators.imports.cells import _count, _shown
from indicators.imports.problems import Problem, _month_date
from indicators.models import (
    Unit,
)
from indicators.storage import VARIANTS
from zielsteuerung import formats


def compact(numbers, limit):
    """`numbers` (integers from -1 to `limit`) in the smallest integer type that holds them:
    a million rows of a few hundred units take 2 MB as int16, not 8 MB as int64."""
    return numbers.astype(_rank_type(limit), copy=False)


def _rank_type(limit):
    for kind in (np.int8, np.int16, np.int32):
        if limit <= np.iinfo(kind).max:
            return kind
    return np.int64


def _joined(arrays):
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)


def _taken(items, rows):
    """`[items[row] for row in rows]` for ascending `rows`, without a Python step per row: a
    slice when the rows are one run (a file ending in blank lines), else one pass of
    `compress`."""
    if not len(rows):
        return []
    first, last = int(rows[0]), int(rows[-1])
    if last - first + 1 == len(rows):
        return items[first : last + 1]
    chosen = np.zeros(len(items), dtype=bool)
    chosen[rows] = True
    return list(compress(items, chosen))


def _rows_with_text(block, rows):
    """Which of `rows` have text in the unit or month column."""
    found = np.zeros(len(rows), dtype=bool)
    for keys in (block.units, block.months):
        if keys is not None:
            found |= keys.filled(rows)
    return found


def collect(checker, blocks, cells):
    """Join the blocks; leave out total rows; refuse negative counts and conflicting
    repeats; keep identical repeats once."""
    check = checker.check
    columns = {
        "block": [
            np.full(len(cell.rows), number, dtype=_rank_type(len(cells)))
            for number, cell in enumerate(cells)
        ],
        "row": [cell.rows for cell in cells],
        "unit": [cell.units for cell in cells],
        "code": [cell.codes for cell in cells],
        "month": [cell.months for cell in cells],
        "sex": [cell.sexes for cell in cells],
        "variant": [cell.variants for cell in cells],
        "flag": [cell.flags for cell in cells],
    }
    columns = {name: _joined(arrays) for name, arrays in columns.items()}
    ok, whole = _joined([cell.ok for cell in cells]), _joined([cell.whole for cell in cells])
    if len(cells) == 1:
        values = cells[0].values
    else:
        values = [value for cell in cells for value in cell.values]
    count_problems(checker, blocks, columns, values, whole)
    valid = (
        ok  # numbers with problems are already reported
        & (columns["unit"] >= 0)
        & (columns["code"] >= 0)
        & (columns["month"] >= 0)
        & (columns["sex"] >= 0)
        & (columns["variant"] >= 0)
        & (columns["flag"] >= 0)
    )
    if not valid.all():
        keep = np.flatnonzero(valid)
        columns = {name: column[keep] for name, column in columns.items()}
        values = _taken(values, keep)
    keep = repeated_cells(checker, blocks, columns, values)
    if keep is not None:
        columns = {name: column[keep] for name, column in columns.items()}
        values = _taken(values, keep)
    if check.problems:
        return
    if not values:
        check.problems.append(Problem("Die Datei enthält keine Werte."))
        return
    check.unit_column = columns["unit"]
    check.indicator_column = columns["code"]
    check.month_column = columns["month"]
    check.sex_column = columns["sex"]
    check.variant_column = columns["variant"]
    check.flag_column = columns["flag"]
    check.value_column = values


def count_problems(checker, blocks, columns, values, whole):
    """Counts (Personen, Anzahl) are whole and not negative: `-3` is refused, and so is
    `6.100` read as 6,1 in a file whose numbers have a decimal point. `whole` marks the
    values that are digits only, the common case, which need no look."""
    counts = [r for r, ref in enumerate(checker.check.indicators) if ref.unit in COUNT_UNITS]
    if not counts:
        return
    is_count = np.isin(columns["code"], counts)
    for position in np.flatnonzero(is_count & ~whole).tolist():
        value = values[position]
        if not value:
            continue
        fraction = value.partition(".")[2].rstrip("0")
        negative = value[0] == "-" and Decimal(value) != 0
        if not negative and not fraction:
            continue
        block = blocks[int(columns["block"][position])]
        row = int(columns["row"][position])
        code = checker.check.indicators[int(columns["code"][position])].code
        shown = _shown(block.values[row])
        if negative:
            message = f"„{shown}“ ist negativ; {code} ist eine Anzahl und kann nicht negativ sein."
        else:
            read = formats.number(Decimal(value), len(fraction))
            message = f"„{shown}“ ist keine ganze Zahl; {code} ist eine Anzahl."
            if read != shown:
                message = (
                    f"„{shown}“ wurde als {read} gelesen, keine ganze Zahl; {code} ist eine Anzahl."
                )
            if checker.number_style == "plain" and "." in shown:
                message += (
                    " Die Datei wurde mit Dezimalpunkt gelesen (wie "
                    f"„{checker.number_example}“); ist der Punkt ein Tausenderpunkt, schreiben "
                    "Sie die Zahlen bitte einheitlich."
                )
        checker.problem(message, block, row, block.column)


def repeated_cells(checker, blocks, columns, values):
    """The same cell (unit, code, month, sex) twice: stored once when the values are
    equal, refused when they differ. The positions to keep, or None if nothing repeats."""
    if not values:
        return None
    months = columns["month"]
    span = int(months.max()) - int(months.min()) + 1
    # One number per cell, ascending in the order most files have: by unit, month, code.
    # (The columns are small integer types: the key is built in int64, in place.)
    key = columns["unit"].astype(np.int64)
    key *= span
    key += months
    key -= int(months.min())
    key *= len(checker.check.indicators)
    key += columns["code"]
    key *= len(VARIANTS)
    key += columns["variant"]
    key *= 3
    key += columns["sex"]
    if (key[1:] > key[:-1]).all():  # in that order, nothing repeats
        return None
    ordered = np.sort(key)  # quicker than a hash table, and a quarter of its memory
    repeats = ordered[1:][ordered[1:] == ordered[:-1]]
    del ordered
    if not len(repeats):
        return None
    repeated = np.isin(key, repeats)
    first, drop = {}, []
    sex_names = {0: "gesamt", 1: "Männer", 2: "Frauen"}
    for position in np.flatnonzero(repeated).tolist():
        cell = int(key[position])
        earlier = first.setdefault(cell, position)
        if earlier == position:
            continue
        if Decimal(values[earlier]) == Decimal(values[position]):
            drop.append(position)
            continue
        block = blocks[int(columns["block"][position])]
        row = int(columns["row"][position])
        earlier_block = blocks[int(columns["block"][earlier])]
        earlier_row = int(columns["row"][earlier])
        unit = checker.check.units[int(columns["unit"][position])]
        code = checker.check.indicators[int(columns["code"][position])].code
        month = formats.month_name(_month_date(int(months[position])))
        sex = sex_names[int(columns["sex"][position])]
        elsewhere = ""
        if earlier_block.sheet is not block.sheet:
            elsewhere = f" auf Blatt „{earlier_block.sheet.name}“"
        checker.problem(
            f"Den Wert für {unit.key} {code} {month} ({sex}) gibt es schon in Zeile "
            f"{earlier_block.sheet.line(earlier_row)}{elsewhere} mit "
            f"„{_shown(earlier_block.values[earlier_row])}“, hier aber "
            f"„{_shown(block.values[row])}“.",
            block,
            row,
            block.column,
        )
    if drop:
        checker.check.notes.append(
            f"{_count(len(drop), 'Wert steht', 'Werte stehen')} doppelt mit gleichem Wert "
            "in der Datei; gespeichert wird jeder einmal."
        )
    keep = np.ones(len(values), dtype=bool)
    keep[drop] = False
    return np.flatnonzero(keep)


COUNT_UNITS = {Unit.PERSONS, Unit.COUNT}
