"""The value cells of a file as exact decimal text, in one number format."""

from typing import NamedTuple

import numpy as np

from indicators.imports.cells import (
    _SIMPLE_NUMBER,
    DECIMAL_PLACES,
    INTEGER_DIGITS,
    _count,
    _fit,
    _parse_number,
    _shown,
)

# The shapes of value cells that `_number_shapes` tells apart without a Python loop over the
# cells: `1234`, `-1234`, an empty cell, `1234,5`, `1234.5`, `1.234` and everything else.
DIGITS, NEGATIVE, EMPTY, COMMA, POINT, EITHER, OTHER = range(7)


def _number_shapes(values):
    """The shape of each cell of `values` (an int8 array of the constants above).

    Only ASCII cells of at most INTEGER_DIGITS characters and at most DECIMAL_PLACES decimals
    get a shape other than OTHER, so that the few forms of a national file are read in bulk
    with exactly the result `read_numbers` gets from `_SIMPLE_NUMBER` and `_parse_number`;
    every other cell is left to those. The cells are joined to one byte string, in which the
    "signs" (bytes other than the digits 0-9) of each cell are counted and placed."""
    shapes = np.full(len(values), OTHER, dtype=np.int8)
    if not values:
        return shapes
    raw = np.frombuffer("\n".join(values).encode("utf-8", "replace"), dtype=np.uint8)
    breaks = np.flatnonzero(raw == ord("\n"))
    if len(breaks) != len(values) - 1:  # a cell with a line break: all left to Python
        return shapes
    starts = np.concatenate(([0], breaks + 1))
    lengths = np.append(breaks, len(raw)) - starts
    short = lengths <= INTEGER_DIGITS
    signs = np.flatnonzero(((raw < ord("0")) | (raw > ord("9"))) & (raw != ord("\n")))
    rows = np.searchsorted(breaks, signs)  # the row of each sign
    count = np.bincount(rows, minlength=len(values))
    shapes[(count == 0) & short] = DIGITS
    shapes[lengths == 0] = EMPTY
    if not len(signs):
        return shapes
    # The last sign of each row with signs: a minus or the decimal separator, if the row is
    # `-1234` or `-?1234[.,]5`; with two signs the first must be a minus in front.
    last = np.append(rows[1:] != rows[:-1], True)
    position, rows = signs[last], rows[last]
    sign, count, length, start = raw[position], count[rows], lengths[rows], starts[rows]
    at = position - start  # where the sign is in its cell
    minus = (count == 2) & (raw[start] == ord("-"))
    whole = at - minus  # digits before the separator
    fraction = length - at - 1  # digits after it
    separator = (sign == ord(".")) | (sign == ord(","))
    decimal = separator & ((count == 1) | minus) & (whole >= 1) & (fraction >= 1)
    decimal &= short[rows] & (fraction <= DECIMAL_PLACES)
    either = (sign == ord(".")) & (fraction == 3) & (whole <= 3) & (raw[start + minus] != ord("0"))
    shapes[rows[decimal & (sign == ord(","))]] = COMMA
    shapes[rows[decimal & (sign == ord(".")) & ~either]] = POINT
    shapes[rows[decimal & either]] = EITHER
    negative = (count == 1) & (sign == ord("-")) & (at == 0) & (length >= 2) & short[rows]
    shapes[rows[negative]] = NEGATIVE
    return shapes


class _Numbers(NamedTuple):
    """The value cells of one block as read by `read_numbers`."""

    numbers: list[str | None]  # exact decimal text; None: no value, or a problem
    present: np.ndarray  # the cell holds something (a value, or a problem reported)
    ok: np.ndarray  # the cell holds a value without problem
    whole: np.ndarray  # the value is digits only (a count needs no further look)


class NumberReading:
    def read_numbers(self, blocks):
        """Every value cell as exact decimal text, as a `_Numbers` per block.

        One number format for the whole file: German (`1.234,5`) when any cell has a decimal
        comma or more than one thousands dot; plain (`1234.5`) when any cell has a decimal
        point that cannot be a thousands dot; German when neither, so that `1.234` is 1234.
        Excel number cells are exact and need no guessing."""
        parsed = []
        german_at = plain_at = None
        for block in blocks:
            values = block.values
            numbers = list(values)
            # Most cells have one of a few forms: read those in bulk, the others one by one.
            shapes = _number_shapes(values)
            commas = np.flatnonzero(shapes == COMMA).tolist()  # rows in German notation
            points = []  # rows with a decimal point besides the POINT shapes
            unusual = dict.fromkeys(np.flatnonzero(shapes == EITHER).tolist(), "either")
            for row in commas:
                numbers[row] = values[row].replace(",", ".")
            for row in np.flatnonzero(shapes == EMPTY).tolist():
                numbers[row] = None
            simple = _SIMPLE_NUMBER.fullmatch
            for row in np.flatnonzero(shapes == OTHER).tolist():
                text = values[row]
                if len(text) > INTEGER_DIGITS:
                    unusual[row] = "int"  # perhaps too many digits: checked below
                if text.isdigit() and text.isascii():  # not "²" or "٣"
                    continue
                match = simple(text)
                if match is not None:  # 1234.5 or 1234,5
                    sign, whole, separator, fraction = match.groups()
                    if len(fraction) <= DECIMAL_PLACES and len(whole) <= INTEGER_DIGITS:
                        if separator == ",":
                            numbers[row] = f"{sign}{whole}.{fraction}"
                            commas.append(row)
                        elif len(fraction) == 3 and len(whole) <= 3 and whole[0] != "0":
                            unusual[row] = "either"  # 1.234: decided below
                        else:
                            points.append(row)
                        continue
                kind, numbers[row] = _parse_number(text)
                unusual[row] = kind
                if kind == "german":
                    commas.append(row)
                elif kind == "plain":
                    points.append(row)
            plain = np.flatnonzero(shapes == POINT)  # errors if the file turns out German
            if points:
                plain = np.sort(np.append(plain, points))
            if commas and german_at is None:
                german_at = (block, min(commas))
            if len(plain) and plain_at is None:
                plain_at = (block, int(plain[0]))
            present = shapes != EMPTY
            marks = [row for row, kind in unusual.items() if kind == "missing"]
            present[marks] = False
            for row in marks:
                mark = values[row].strip()
                self.check.skipped_marks[mark] = self.check.skipped_marks.get(mark, 0) + 1
            parsed.append((numbers, unusual, plain, present, shapes == DIGITS))
        german = german_at is not None or plain_at is None
        if german_at is not None:
            block, row = german_at
            self.check.notes.append(
                f"Zahlen im deutschen Format gelesen (wie „{_shown(block.values[row])}“)."
            )
        elif plain_at is not None:
            block, row = plain_at
            self.number_style = "plain"
            self.number_example = _shown(block.values[row])
            self.check.notes.append(
                f"Zahlen mit Dezimalpunkt gelesen (wie „{self.number_example}“)."
            )
        rounded = 0
        result = []
        for block, (numbers, unusual, plain, present, whole) in zip(blocks, parsed, strict=True):
            bad = np.zeros(len(numbers), dtype=bool)
            if german:
                example_block, example_row = german_at or (None, None)
                for row in plain.tolist() if german_at else ():
                    self.problem(
                        f"„{_shown(block.values[row])}“ ist keine Zahl im deutschen Format dieser "
                        "Datei (mit Dezimalkomma wie "
                        f"„{_shown(example_block.values[example_row])}“ in Zeile "
                        f"{example_block.sheet.first_line + example_row}).",
                        block,
                        row,
                        block.column,
                    )
                    numbers[row] = None
                    bad[row] = True
            for row, kind in unusual.items():
                if kind == "bad":
                    text = _shown(block.values[row])
                    self.problem(f"„{text}“ ist keine Zahl.", block, row, block.column)
                    bad[row] = True
                    continue
                if kind == "either" and german:
                    numbers[row] = numbers[row].replace(".", "")
                number = numbers[row]
                if number is None:
                    continue
                dot = number.find(".")
                if len(number) <= INTEGER_DIGITS and (
                    dot < 0 or len(number) - dot - 1 <= DECIMAL_PLACES
                ):
                    continue
                fitted = _fit(number)
                if fitted is None:
                    self.problem(
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
            self.check.notes.append(
                f"{_count(rounded, 'Wert', 'Werte')} mit mehr als {DECIMAL_PLACES} "
                f"Nachkommastellen auf {DECIMAL_PLACES} Stellen gerundet."
            )
        return result
