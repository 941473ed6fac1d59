"""Writing the values of a delivery: `write_values` is the one way in.

The import, the demo data and the tests store values only through `write_values`. It turns
the cells of a delivery (unit, code, month, sex, value) into `Values` rows, one per unit,
code, sex and year with the twelve months as columns, and hands them to the database: with
one plain `INSERT` per row (`_insert`), or on PostgreSQL with one `COPY` (`_copy`), which
takes the 51 840 rows of a national delivery several times faster (docs/benchmarks.md)."""

import io
import re
from datetime import date
from decimal import Decimal

import numpy as np
from django.db import connection

from indicators.models import MONTH_FIELDS, NO_FLAG, Flag, Values, Variant

SEXES = ("g", "m", "w")  # sex ranks 0, 1, 2
VARIANTS = tuple(Variant.values)  # variant ranks: 0 base quantity, 1 jfw, 2 zwoelf_monate, …
FLAGS = ("", *Flag.values)  # flag ranks: 0 none, 1 "(", 2 "p", 3 "r", 4 "s"
KEY_FIELDS = ("delivery_id", "unit_id", "indicator_id", "sex", "variant", "year")
ROW_FIELDS = (*KEY_FIELDS, *MONTH_FIELDS, "flags")
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


def write_values(
    delivery_pk,
    *,
    units,
    indicators,
    months,
    sexes,
    values,
    variants=None,
    flags=None,
    progress=None,
):
    """Store one delivery's values, inside the caller's transaction.

    Parallel columns: unit and indicator primary keys, month numbers, sex ranks (0, 1, 2 for
    g, m, w) as integer arrays, and the exact decimal text of each value ("1234567.89"); each
    cell (unit, indicator, variant, month, sex) at most once. `variants` (ranks in
    `VARIANTS`, default all 0: base quantities) and `flags` (ranks in `FLAGS`, default all
    0: no flag) are integer arrays too, given for published Kennzahlen and flagged figures."""
    total = len(values)
    if not total:
        return
    refuse_non_finite(values)
    if progress:
        progress("Speichern", 0, total)
    columns = (units, indicators, months, sexes, values)
    marks = {"variants": variants, "flags": flags}
    if connection.vendor == "postgresql":
        _copy(year_rows(delivery_pk, *columns, **marks, as_text=True))
    else:
        _insert(year_rows(delivery_pk, *columns, **marks))
    if progress:
        progress("Speichern", total, total)


def remove_values(delivery_pk):
    """Delete every value of one delivery: only for its withdrawal (DataDelivery.withdraw),
    inside that transaction. Values are never deleted otherwise (their queryset refuses)."""
    table, _ = _table_and_columns()
    column = connection.ops.quote_name(Values._meta.get_field("delivery").column)
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


def year_rows(
    delivery_pk,
    units,
    indicators,
    months,
    sexes,
    values,
    *,
    variants=None,
    flags=None,
    as_text=False,
):
    """The cells as a table of rows [delivery, unit, indicator, sex, variant, year, January,
    …, December, flags], one per unit, indicator, sex, variant and year; None for a month
    without a value; flags "" when no month of the row has one, else twelve characters
    (`NO_FLAG` for a month without). With `as_text`, every entry is text and an empty month
    `\\N`, as `COPY` reads them."""
    years, month_index = np.divmod(months, 12)
    if variants is None:
        variants = np.zeros(len(values), dtype=np.int64)
    # One number per row, from its unit, indicator, sex, variant and year (each counted from
    # its smallest value), so that numpy finds the rows with one sort of plain integers.
    unit_base, indicator_base, year_base = int(units.min()), int(indicators.min()), int(years.min())
    indicator_count = int(indicators.max()) - indicator_base + 1
    year_count = int(years.max()) - year_base + 1
    row_key = ((units - unit_base) * indicator_count + indicators - indicator_base) * 3 + sexes
    row_key = (row_key * len(VARIANTS) + variants) * year_count + years - year_base
    keys, row_of = np.unique(row_key, return_inverse=True)
    rest, year = np.divmod(keys, year_count)
    rest, variant = np.divmod(rest, len(VARIANTS))
    rest, sex = np.divmod(rest, 3)
    unit, indicator = np.divmod(rest, indicator_count)
    key_columns = [
        np.full(len(keys), delivery_pk),
        unit + unit_base,
        indicator + indicator_base,
        np.array(SEXES)[sex],
        np.array(VARIANTS, dtype=object)[variant],
        year + year_base,
    ]
    table = np.full((len(keys), len(ROW_FIELDS)), "\\N" if as_text else None, dtype=object)
    for column, entries in enumerate(key_columns):
        table[:, column] = (entries.astype(str) if as_text else entries).tolist()
    table[row_of, len(KEY_FIELDS) + month_index] = np.fromiter(
        values, dtype=object, count=len(values)
    )
    table[:, -1] = _row_flags(len(keys), row_of, month_index, flags)
    return table.tolist()


def _row_flags(row_count, row_of, month_index, flags):
    """Per row: "" without flags, else its twelve flag characters."""
    if flags is None or not np.any(flags):
        return [""] * row_count
    marks = np.full((row_count, 12), NO_FLAG, dtype=object)
    flagged = np.flatnonzero(flags)
    marks[row_of[flagged], month_index[flagged]] = np.array(FLAGS, dtype=object)[
        np.asarray(flags)[flagged]
    ]
    return ["".join(row) if set(row) != {NO_FLAG} else "" for row in marks.tolist()]


def _table_and_columns():
    """The quoted table name and column list of `Values`, in the order of a year row."""
    quote = connection.ops.quote_name
    fields = (Values._meta.get_field(name) for name in ROW_FIELDS)
    return quote(Values._meta.db_table), ", ".join(quote(field.column) for field in fields)


def _insert(rows):
    """Any database: one plain INSERT, executed for each row. (`bulk_create` would build a
    model object and prepare 17 values per row: about ten times slower for a national file.)"""
    table, names = _table_and_columns()
    marks = ", ".join(["%s"] * len(ROW_FIELDS))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _copy(rows):
    """PostgreSQL: all rows in one `COPY … FROM STDIN`, in its text format: tab-separated,
    `\\N` for an empty month. Keys, g/m/w and decimal texts hold no tab, newline or backslash.
    PostgreSQL reads every decimal text the import accepts ("007", "+1", ".5", "1E+3")."""
    table, names = _table_and_columns()
    text = "\n".join(map("\t".join, rows)) + "\n"
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", io.StringIO(text))


def store_cells(delivery, cells):
    """Store (unit, indicator, month, sex, value) tuples as `delivery`'s values: units and
    indicators as objects or primary keys, months as dates, sex "g"/"m"/"w", values as
    Decimal, int or exact text. A published Kennzahl adds its variant ("jfw", …) and a
    flagged figure its flag ("(", "p", "r", "s"): (unit, indicator, month, sex, value,
    variant[, flag]). For the demo data and tests; files go through the import."""
    cells = [(*cell, "", "")[:7] for cell in cells]
    if not cells:
        return
    units, indicators, months, sexes, values, variants, flags = zip(*cells, strict=True)
    write_values(
        delivery.pk,
        units=np.array([getattr(u, "pk", u) for u in units], dtype=np.int64),
        indicators=np.array([getattr(i, "pk", i) for i in indicators], dtype=np.int64),
        months=np.array([month_number(m) for m in months], dtype=np.int64),
        sexes=np.array([SEXES.index(s) for s in sexes], dtype=np.int64),
        values=[format(Decimal(str(v)), "f") for v in values],
        variants=np.array([VARIANTS.index(v) for v in variants], dtype=np.int64),
        flags=np.array([FLAGS.index(f) for f in flags], dtype=np.int64),
    )
