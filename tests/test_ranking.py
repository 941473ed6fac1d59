"""The one ranking rule: best first by the indicator's direction, ties share a rank."""

from collections import namedtuple
from decimal import Decimal

from agreements.ranking import ranked
from indicators.models import Better

Row = namedtuple("Row", "name value")


def _ranks(rows, better):
    return [(rank, row.name) for rank, row in ranked(rows, better, name=lambda row: row.name)]


ROWS = [
    Row("Uckermark", Decimal("5.1")),
    Row("Barnim", Decimal("4.2")),
    Row("Prignitz", Decimal("5.1")),
    Row("Elbe-Elster", None),
    Row("Oder-Spree", Decimal("6.0")),
]


def test_higher_is_better_ties_share_a_rank_and_the_next_rank_is_skipped():
    assert _ranks(ROWS, Better.HIGHER) == [
        (1, "Oder-Spree"),
        (2, "Prignitz"),
        (2, "Uckermark"),
        (4, "Barnim"),
    ]


def test_lower_is_better_ranks_the_smallest_value_first():
    assert _ranks(ROWS, Better.LOWER) == [
        (1, "Barnim"),
        (2, "Prignitz"),
        (2, "Uckermark"),
        (4, "Oder-Spree"),
    ]


def test_a_row_without_a_value_is_not_ranked():
    assert "Elbe-Elster" not in [name for _, name in _ranks(ROWS, Better.NEUTRAL)]
