"""Writing the values of a delivery.

The import, the demo data and the tests store values only through `write_values`, so one
place knows how they are kept: as `ValueSeries`, one row per unit, code, sex and run of
consecutive months, whose figures are a JSON array of exact decimals. A national delivery of
622 080 monthly figures becomes 3 240 rows, which is what makes its import fast
(docs/benchmarks.md); `Value`, a view, gives every figure back as a row of its own."""

import io
import re
from datetime import date
from decimal import Decimal
from itertools import islice

import numpy as np
from django.db import connection

from indicators.models import ValueSeries

SEXES = ("g", "m", "w")  # sex ranks 0, 1, 2
SERIES_FIELDS = ("delivery", "unit", "indicator", "sex", "first_month", "last_month", "figures")
# A leading zero ("007") makes a decimal text no JSON number (as do signs, exponents, spaces
# and a point without digits on both sides, see _json_array).
_LEADING_ZERO = re.compile(r"[\[,]-?0\d")
PIECE = 100  # series per piece of COPY text
# A decimal text has digits, a sign, a point and perhaps an exponent; "Infinity", "NaN" and
# every other letter do not belong in a stored figure.
_NOT_DECIMAL = re.compile(r"[^0-9+\-.eE]")


class NonFiniteValue(ValueError):
    """A value that is no finite decimal was about to be stored."""


def month_number(day):
    """year * 12 + month - 1: the month numbers the import works with."""
    return day.year * 12 + day.month - 1


def month_date(number):
    """The first day of month `number` (year * 12 + month - 1)."""
    return date(number // 12, number % 12 + 1, 1)


def write_values(delivery_pk, *, units, indicators, months, sexes, values, progress=None):
    """Store one delivery's values, inside the caller's transaction.

    Parallel columns: unit and indicator primary keys, month numbers, sex ranks (0, 1, 2 for
    g, m, w) as integer arrays, and the exact decimal text of each value ("1234567.89"); each
    cell (unit, indicator, month, sex) at most once."""
    total = len(values)
    if not total:
        return
    refuse_non_finite(values)
    if progress:
        progress("Speichern", 0, total)
    # One sort key: unit, indicator, sex, then the month. Months are spaced by 1 and groups
    # by at least 2, so a step of exactly 1 means "the next month of the same series".
    unit_base, indicator_base, first = int(units.min()), int(indicators.min()), int(months.min())
    span = int(months.max()) - first + 2
    indicator_count = int(indicators.max()) - indicator_base + 1
    group = ((units - unit_base) * indicator_count + (indicators - indicator_base)) * 3 + sexes
    key = group * span + (months - first)
    order = np.argsort(key, kind="stable")
    key = key[order]
    figures = np.fromiter(values, dtype=object, count=total)[order].tolist()
    starts = np.flatnonzero(np.diff(key, prepend=key[0] - 2) != 1)
    bounds = [*starts.tolist(), total]
    group_of, month_of = np.divmod(key[starts], span)
    rest, sex_of = np.divmod(group_of, 3)
    unit_of, indicator_of = np.divmod(rest, indicator_count)
    rows = (  # built while the database takes the rows before them
        (
            delivery_pk,
            unit + unit_base,
            indicator + indicator_base,
            SEXES[sex],
            month_date(first + month).isoformat(),
            month_date(first + month + end - start - 1).isoformat(),
            _json_array(figures[start:end]),
        )
        for unit, indicator, sex, month, start, end in zip(
            unit_of.tolist(),
            indicator_of.tolist(),
            sex_of.tolist(),
            month_of.tolist(),
            bounds[:-1],
            bounds[1:],
            strict=True,
        )
    )
    table = connection.ops.quote_name(ValueSeries._meta.db_table)
    names = ", ".join(
        connection.ops.quote_name(ValueSeries._meta.get_field(name).column)
        for name in SERIES_FIELDS
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, table, names, rows)
        else:
            marks = ", ".join(["%s"] * len(SERIES_FIELDS))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(rows))
    if progress:
        progress("Speichern", total, total)


def remove_values(delivery_pk):
    """Delete every value of one delivery: only for its withdrawal (DataDelivery.withdraw),
    inside that transaction. Values are never deleted otherwise."""
    table = connection.ops.quote_name(ValueSeries._meta.db_table)
    column = connection.ops.quote_name(ValueSeries._meta.get_field("delivery").column)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [delivery_pk])


def refuse_non_finite(values):
    """Raise NonFiniteValue if any of the decimal texts is not a finite number. The import
    refuses such cells with a row error already; this is the last line before storage, so
    that no way in (command, task, demo, test) can store a figure every page fails on."""
    if not _NOT_DECIMAL.search("".join(values)):
        return
    bad = next(text for text in values if _NOT_DECIMAL.search(text))
    raise NonFiniteValue(f"„{bad[:80]}“ ist keine endliche Zahl; es wird nichts gespeichert.")


def _json_array(texts):
    """The decimal texts as a JSON array. The import's texts ("1234.5", "-3") are JSON
    numbers; others, such as "007", "+1", ".5" or "1E+3", are rewritten."""
    array = "[" + ",".join(texts) + "]"
    if (
        "+" in array
        or "e" in array
        or "E" in array
        or " " in array
        or "N" in array  # NaN
        or "I" in array  # Infinity
        or ("." in array and _bare_point(array))
        or (("[0" in array or ",0" in array or "-0" in array) and _LEADING_ZERO.search(array))
    ):
        return "[" + ",".join(format(Decimal(text).normalize(), "f") for text in texts) + "]"
    return array


def _bare_point(array):
    """A point without a digit on one side: ".5", "5.", "-.5"."""
    return "[." in array or ",." in array or "-." in array or ".," in array or ".]" in array


class _Lines(io.TextIOBase):
    """The rows as COPY text, read in pieces: PostgreSQL parses one piece while the next is
    built. Ids, dates, g/m/w and JSON arrays of numbers hold no tab, newline or backslash."""

    def __init__(self, rows):
        self.rows = rows

    def read(self, size=-1):
        return "".join("\t".join(map(str, row)) + "\n" for row in islice(self.rows, PIECE))


def _copy(cursor, table, names, rows):
    """PostgreSQL: COPY … FROM STDIN in text format (psycopg2 or psycopg 3)."""
    sql = f"COPY {table} ({names}) FROM STDIN"
    lines = _Lines(rows)
    raw = cursor.cursor
    if hasattr(raw, "copy_expert"):
        raw.copy_expert(sql, lines)
    else:
        with raw.copy(sql) as copy:
            while piece := lines.read():
                copy.write(piece)


def store_cells(delivery, cells):
    """Store (unit, indicator, month, sex, value) tuples as `delivery`'s values: units and
    indicators as objects or primary keys, months as dates, sex "g"/"m"/"w", values as
    Decimal, int or exact text. For the demo data and tests; files go through the import."""
    cells = list(cells)
    if not cells:
        return
    units, indicators, months, sexes, values = zip(*cells, strict=True)
    write_values(
        delivery.pk,
        units=np.array([getattr(u, "pk", u) for u in units], dtype=np.int64),
        indicators=np.array([getattr(i, "pk", i) for i in indicators], dtype=np.int64),
        months=np.array([month_number(m) for m in months], dtype=np.int64),
        sexes=np.array([SEXES.index(s) for s in sexes], dtype=np.int64),
        values=[format(Decimal(str(v)), "f") for v in values],
    )
