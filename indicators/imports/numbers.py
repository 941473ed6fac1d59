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
    """One block's distinct texts (`block.values.texts`) as the parser read them, before the
    file's format is known."""

    kinds: list[str]
    numbers: list[str | None]
    common: np.ndarray  # a short whole number: nothing more to look at


def _parse_block(values, marks):
    """Every distinct text of one block's cells (`values`, factorised: keys._Keys) through the
    one parser; statistical marks counted in `marks`, once per cell."""
    kinds, numbers, common = [], [], []
    for text in values.texts:
        kind, number = parse_number(text)
        kinds.append(kind)
        numbers.append(number)
        # a short whole number, the common case: nothing more to look at
        common.append(kind == "int" and len(number) <= INTEGER_DIGITS and number.isdigit())
    common = np.array(common, dtype=bool)
    if "missing" in kinds:
        counts = np.bincount(values.codes, minlength=len(kinds))
        for code, kind in enumerate(kinds):
            if kind == "missing" and counts[code] and (text := values.texts[code]):
                mark = text.strip()
                marks[mark] = marks.get(mark, 0) + int(counts[code])
    return _Parsed(kinds, numbers, common)


def _first(blocks, parsed, kind):
    """(block, row) of the file's first cell of `kind`, or None. The texts are numbered in
    the order they first occur, so the first text of that kind is the first such cell."""
    for block, read in zip(blocks, parsed, strict=True):
        if kind in read.kinds:
            code = read.kinds.index(kind)
            return block, int(np.argmax(block.values.codes == code))
    return None


def read_numbers(checker, blocks):
    """Every value cell as exact decimal text, as a `_Numbers` per block.

    One number format for the whole file: German (`1.234,5`) when any cell has a decimal
    comma or more than one thousands dot; plain (`1234.5`) when any cell has a decimal
    point that cannot be a thousands dot; German when neither, so that `1.234` is 1234.
    Excel number cells are exact and need no guessing. Each distinct text is read once; a
    problem is told for every cell that holds it."""
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
    for block, (kinds, numbers, common) in zip(blocks, parsed, strict=True):
        texts, codes = block.values.texts, block.values.codes
        problems = {}  # text → what is wrong with it
        counts = None
        for code in np.flatnonzero(~common).tolist():
            kind = kinds[code]
            if kind == "missing":
                continue
            if kind == "bad":
                problems[code] = f"„{_shown(texts[code])}“ ist keine Zahl."
                continue
            if kind == "plain" and german_at is not None:
                example, example_row = german_at
                problems[code] = (
                    f"„{_shown(texts[code])}“ ist keine Zahl im deutschen Format dieser "
                    "Datei (mit Dezimalkomma wie "
                    f"„{_shown(example.values[example_row])}“ in Zeile "
                    f"{example.sheet.line(example_row)})."
                )
                numbers[code] = None
                continue
            if kind == "either" and german:
                numbers[code] = numbers[code].replace(".", "")
            number = numbers[code]
            dot = number.find(".")
            if len(number) <= INTEGER_DIGITS and (
                dot < 0 or len(number) - dot - 1 <= DECIMAL_PLACES
            ):
                continue
            fitted = _fit(number)
            if fitted is None:
                problems[code] = (
                    f"„{_shown(texts[code])}“ ist zu groß "
                    f"(höchstens {INTEGER_DIGITS} Stellen vor dem Komma)."
                )
                numbers[code] = None
            elif fitted != number:
                if counts is None:
                    counts = np.bincount(codes, minlength=len(kinds))
                rounded += int(counts[code])
                numbers[code] = fitted
        bad = np.zeros(len(kinds), dtype=bool)
        bad[list(problems)] = True
        for row in np.flatnonzero(bad[codes]).tolist() if problems else ():
            checker.problem(problems[int(codes[row])], block, row, block.column)
        rows_present = (np.array(kinds, dtype=str) != "missing")[codes]
        result.append(
            _Numbers(
                np.array(numbers, dtype=object)[codes].tolist(),
                rows_present,
                rows_present & ~bad[codes],
                common[codes],
            )
        )
    if rounded:
        check.notes.append(
            f"{_count(rounded, 'Wert', 'Werte')} mit mehr als {DECIMAL_PLACES} "
            f"Nachkommastellen auf {DECIMAL_PLACES} Stellen gerundet."
        )
    return result
