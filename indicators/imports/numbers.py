"""The value cells of a file as exact decimal text, in one number format for the whole file.

Every cell goes through the one number parser, `cells.parse_number`; this module only decides
the file's format (German or decimal point) and reports what does not fit."""

from typing import NamedTuple

import numpy as np

from indicators.imports.cells import (
    DECIMAL_PLACES,
    INTEGER_DIGITS,
    _count,
    _fit,
    _shown,
    parse_number,
)


class _Numbers(NamedTuple):
    """The value cells of one block as read by `read_numbers`."""

    numbers: list[str | None]  # exact decimal text; None: no value, or a problem
    present: np.ndarray  # the cell holds something (a value, or a problem reported)
    ok: np.ndarray  # the cell holds a value without problem
    whole: np.ndarray  # the value is digits only (a count needs no further look)


class _Parsed(NamedTuple):
    """One block's cells as the parser read them, before the file's format is known."""

    numbers: list[str | None]
    kinds: dict[int, str]  # row → kind of every cell that is not a short whole number
    present: np.ndarray
    whole: np.ndarray


def _parse_block(values, marks):
    """Every cell of one block through the one parser; statistical marks counted in `marks`."""
    numbers = []
    kinds = {}
    missing = []
    for row, text in enumerate(values):
        kind, number = parse_number(text)
        numbers.append(number)
        if kind == "int" and len(number) <= INTEGER_DIGITS and number.isdigit():
            continue  # the common case: nothing more to look at
        kinds[row] = kind
        if kind == "missing":
            missing.append(row)
            if text:
                mark = text.strip()
                marks[mark] = marks.get(mark, 0) + 1
    present = np.ones(len(values), dtype=bool)
    present[missing] = False
    whole = np.ones(len(values), dtype=bool)
    whole[list(kinds)] = False
    return _Parsed(numbers, kinds, present, whole)


def _first(blocks, parsed, kind):
    """(block, row) of the file's first cell of `kind`, or None."""
    for block, read in zip(blocks, parsed, strict=True):
        for row, found in read.kinds.items():
            if found == kind:
                return block, row
    return None


def read_numbers(checker, blocks):
    """Every value cell as exact decimal text, as a `_Numbers` per block.

    One number format for the whole file: German (`1.234,5`) when any cell has a decimal
    comma or more than one thousands dot; plain (`1234.5`) when any cell has a decimal
    point that cannot be a thousands dot; German when neither, so that `1.234` is 1234.
    Excel number cells are exact and need no guessing."""
    check = checker.check
    parsed = [_parse_block(block.values, check.skipped_marks) for block in blocks]
    german_at = _first(blocks, parsed, "german")
    plain_at = _first(blocks, parsed, "plain")
    german = german_at is not None or plain_at is None
    if german_at is not None:
        block, row = german_at
        check.notes.append(
            f"Zahlen im deutschen Format gelesen (wie „{_shown(block.values[row])}“)."
        )
    elif plain_at is not None:
        block, row = plain_at
        checker.number_style = "plain"
        checker.number_example = _shown(block.values[row])
        check.notes.append(f"Zahlen mit Dezimalpunkt gelesen (wie „{checker.number_example}“).")
    rounded = 0
    result = []
    for block, (numbers, kinds, present, whole) in zip(blocks, parsed, strict=True):
        bad = np.zeros(len(numbers), dtype=bool)
        for row, kind in kinds.items():
            if kind == "missing":
                continue
            if kind == "bad":
                text = _shown(block.values[row])
                checker.problem(f"„{text}“ ist keine Zahl.", block, row, block.column)
                bad[row] = True
                continue
            if kind == "plain" and german_at is not None:
                example, example_row = german_at
                checker.problem(
                    f"„{_shown(block.values[row])}“ ist keine Zahl im deutschen Format dieser "
                    "Datei (mit Dezimalkomma wie "
                    f"„{_shown(example.values[example_row])}“ in Zeile "
                    f"{example.sheet.line(example_row)}).",
                    block,
                    row,
                    block.column,
                )
                numbers[row] = None
                bad[row] = True
                continue
            if kind == "either" and german:
                numbers[row] = numbers[row].replace(".", "")
            number = numbers[row]
            dot = number.find(".")
            if len(number) <= INTEGER_DIGITS and (
                dot < 0 or len(number) - dot - 1 <= DECIMAL_PLACES
            ):
                continue
            fitted = _fit(number)
            if fitted is None:
                checker.problem(
                    f"„{_shown(block.values[row])}“ ist zu groß "
                    f"(höchstens {INTEGER_DIGITS} Stellen vor dem Komma).",
                    block,
                    row,
                    block.column,
                )
                numbers[row] = None
                bad[row] = True
            elif fitted != number:
                rounded += 1
                numbers[row] = fitted
        result.append(_Numbers(numbers, present, present & ~bad, whole))
    if rounded:
        check.notes.append(
            f"{_count(rounded, 'Wert', 'Werte')} mit mehr als {DECIMAL_PLACES} "
            f"Nachkommastellen auf {DECIMAL_PLACES} Stellen gerundet."
        )
    return result
