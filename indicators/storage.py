"""Writing the values of a delivery.

The import, the demo data and the national generator all store values through
`write_values`, so there is one place that knows how values are kept in the database."""

import io
from datetime import date
from itertools import chain, islice, repeat

import numpy as np
from django.db import connection

from indicators.models import Value

SEXES = ("g", "m", "w")  # sex ranks 0, 1, 2
ROWS_PER_STATEMENT = 500
ROWS_PER_BATCH = 20_000
VALUE_FIELDS = ("delivery", "unit", "indicator", "month", "sex", "value")


def month_date(number):
    """The first day of month `number` (year * 12 + month - 1)."""
    return date(number // 12, number % 12 + 1, 1)


def write_values(delivery_pk, *, units, indicators, months, sexes, values, progress=None):
    """Store one delivery's values: parallel columns of unit and indicator primary keys,
    month numbers (year * 12 + month - 1), sex ranks (0, 1, 2 for g, m, w) and the exact
    decimal text of each value ("1234567.89"). Runs inside the caller's transaction."""
    order = np.lexsort((sexes, months, indicators, units))
    first = int(months.min())
    month_texts = [month_date(n).isoformat() for n in range(first, int(months.max()) + 1)]
    columns = [
        repeat(delivery_pk),
        units[order].tolist(),
        indicators[order].tolist(),
        np.array(month_texts, dtype=object)[months[order] - first].tolist(),
        np.array(SEXES, dtype=object)[sexes[order]].tolist(),
        np.array(values, dtype=object)[order].tolist(),
    ]
    rows = zip(*columns, strict=False)  # repeat() ends with the others
    table = connection.ops.quote_name(Value._meta.db_table)
    names = ", ".join(
        connection.ops.quote_name(Value._meta.get_field(name).column) for name in VALUE_FIELDS
    )
    total = len(values)
    with connection.cursor() as cursor:
        write = _copy_writer if connection.vendor == "postgresql" else _insert_writer
        send = write(cursor, table, names)
        for start in range(0, total, ROWS_PER_BATCH):
            send(list(islice(rows, ROWS_PER_BATCH)))
            if progress:
                progress("Speichern", min(start + ROWS_PER_BATCH, total), total)


def _copy_writer(cursor, table, names):
    """PostgreSQL: COPY … FROM STDIN in text format (psycopg2 or psycopg 3)."""
    sql = f"COPY {table} ({names}) FROM STDIN"
    raw = cursor.cursor

    def send(rows):
        text = "".join(f"{d}\t{u}\t{i}\t{m}\t{s}\t{v}\n" for d, u, i, m, s, v in rows)
        if hasattr(raw, "copy_expert"):
            raw.copy_expert(sql, io.StringIO(text))
        else:
            with raw.copy(sql) as copy:
                copy.write(text)

    return send


def _insert_writer(cursor, table, names):
    """Other databases (SQLite): INSERT statements of up to 500 rows each."""
    per_statement = ROWS_PER_STATEMENT
    limit = connection.features.max_query_params
    if limit:
        per_statement = max(1, min(per_statement, limit // len(VALUE_FIELDS)))
    row_sql = "(" + ", ".join(["%s"] * len(VALUE_FIELDS)) + ")"

    def send(rows):
        statements = {}
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            statements.setdefault(len(chunk), []).append(list(chain.from_iterable(chunk)))
        for count, param_list in statements.items():
            sql = f"INSERT INTO {table} ({names}) VALUES " + ", ".join([row_sql] * count)
            cursor.executemany(sql, param_list)

    return send
