"""How units are ranked on a value: the one rule behind the indicator comparison, the
reconciliation of published Kennzahlen and `manage.py kennzahlen`.

Best first by the indicator's direction (lower is better only for `Better.LOWER`); equal values
share the rank of the first of them, the next value skips as many ranks (1, 1, 3); units of
equal value stand in alphabetical order of their names.
"""

from indicators.models import Better


def ranked(rows, better, *, value=lambda row: row.value, name=lambda row: row.unit.name):
    """`rows` best first, each as `(rank, row)`; a row without a value is not ranked and is left
    out."""
    rows = sorted((row for row in rows if value(row) is not None), key=name)
    rows.sort(key=value, reverse=better != Better.LOWER)
    result, previous, rank = [], None, 0
    for position, row in enumerate(rows, start=1):
        if value(row) != previous:
            rank, previous = position, value(row)
        result.append((rank, row))
    return result
