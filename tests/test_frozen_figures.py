"""Approved minutes keep a goal's figures in the agenda item's columns, written and read by one
serialiser (AgendaItem.store_figures / stored_figures): what the engine computed comes back
as it was approved, and minutes frozen before the serialiser existed read as they always did."""

from datetime import date
from decimal import Decimal

import pytest

from agreements.attainment import Figures
from dialogs.models import AgendaItem
from dialogs.services import ItemFigures
from indicators.computations import Verdict
from zielsteuerung import formats


def engine_figures(**changes):
    figures = {
        "indicator_code": "K2",
        "month": date(2020, 6, 1),
        "jfw": Decimal(330) * 100 / 5925,  # 5.56962… with many places
        "jfw_previous_year": Decimal("5.1234567"),
        "change_percent": Decimal("8.69741234"),
        "target_change_percent": Decimal("3.1"),
        "target_path": Decimal("5.28227"),
        "verdict": Verdict.MET,
        "missing_months": (),
        "numerator": Decimal(330),
        "denominator": Decimal("5925.04166666"),
        "note": "",
    }
    return Figures(**(figures | changes))


def test_stored_figures_are_the_engines_rounded_to_the_columns_places():
    item = AgendaItem()
    item.store_figures(engine_figures(), delivery=None)

    stored = item.stored_figures

    assert stored == engine_figures(
        jfw=Decimal("5.569620"),
        jfw_previous_year=Decimal("5.123457"),
        change_percent=Decimal("8.697412"),
        target_change_percent=Decimal("3.100000"),
        target_path=Decimal("5.282270"),
        denominator=Decimal("5925.0417"),
    )
    assert stored.verdict_label == "auf Zielkurs"


def test_missing_months_and_note_survive_the_round_trip():
    lacking = engine_figures(
        jfw=None,
        change_percent=None,
        verdict=Verdict.NO_DATA,
        missing_months=(date(2019, 12, 1), date(2020, 1, 1)),
        note="Kein Vergleich möglich: es fehlen INT Dezember 2019, Januar 2020.",
    )
    item = AgendaItem()
    item.store_figures(lacking, delivery=None)

    assert item.missing_months == "Dezember 2019, Januar 2020"  # as the minutes name them
    assert item.stored_figures.missing_months == lacking.missing_months
    assert item.stored_figures.note == lacking.note


def test_minutes_frozen_before_the_serialiser_read_as_they_did():
    """Columns as the freezing code wrote them before figures had one record: the page shows
    the same numbers, verdict and missing months."""
    item = AgendaItem(
        indicator_code="K3",
        month=date(2020, 12, 1),
        jfw=Decimal("3910.000000"),
        jfw_previous_year=Decimal("3995.000000"),
        change_percent=Decimal("-2.127660"),
        target_change_percent=Decimal("-1.500000"),
        target_path=Decimal("3935.075000"),
        numerator=None,
        denominator=None,
        verdict="not_met",
        missing_months="März 2020",
        note="",
    )

    shown = ItemFigures.stored(item)

    assert shown.frozen and shown.forecast is None
    assert (shown.jfw, shown.change_percent) == (Decimal("3910"), Decimal("-2.12766"))
    assert shown.verdict == Verdict.NOT_MET and shown.verdict_label == "nicht erreicht"
    assert shown.missing_months_text == "März 2020"


def test_an_item_frozen_without_figures_reads_as_no_data():
    stored = AgendaItem(indicator_code="", verdict="").stored_figures
    assert stored.verdict == Verdict.NO_DATA and stored.jfw is None
    assert stored.missing_months == ()


@pytest.mark.parametrize("text", ["Juni 2020", "Dezember 2019"])
def test_month_names_read_back(text):
    assert formats.month_name(formats.month_from_name(text)) == text


def test_a_text_that_is_no_month_is_refused():
    with pytest.raises(ValueError, match="kein Monat"):
        formats.month_from_name("Juno 2020")
