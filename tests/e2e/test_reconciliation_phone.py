"""Computed beside published Kennzahlen on a phone: the Landkreis page, the comparison and the
month's flagged differences share one table (templates/dashboards/_reconciliation.html). At
1366 px it is a table; at 390 px each row is a card whose values are on screen, not beyond a
sideways scroll."""

import pytest

from agreements.demo import seed_demo_agreements
from indicators.demo import seed_demo_delivery, seed_demo_publication
from tests.e2e.conftest import PAGE_FITS, PHONE, check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)

WIDE = {"width": 1366, "height": 900}
PAGES = [
    ("/uebersicht/landkreis/03358/?year=2020&month=12", "Berechnet und veröffentlicht"),
    (
        "/uebersicht/vergleich/?indicator=K2&year=2020&month=12",
        "Berechnet und veröffentlicht, je Variante nach Rang",
    ),
    ("/uebersicht/abgleich/?year=2020&month=12", "Auffällige Abweichungen"),
]
# The cells of a row, as the partial labels them; the values the user came for among them.
VALUES = ["berechnet", "veröffentlicht", "Abweichung"]
LABELS = ["Kennzahl", "Variante", *VALUES, "Ladestand veröffentlicht"]
# What is wrong with the cards of a table: a labelled cell, or the text of a value, whose right
# edge lies beyond the screen's width; a cell above its unit's name (the card's head); a cell
# without its label shown beside it.
OFF_CARD = """(table, [width, labels, values]) => {
    const problems = [];
    const right = node => {
        const range = document.createRange();
        range.selectNodeContents(node);
        return range.getBoundingClientRect().right;
    };
    for (const [index, row] of [...table.tBodies[0].rows].entries()) {
        const unit = row.querySelector("th").getBoundingClientRect();
        for (const label of labels) {
            const cell = row.querySelector(`td[data-label="${label}"]`);
            const box = cell.getBoundingClientRect();
            if (box.left < 0 || box.right > width) problems.push([index, label, box.right]);
            if (box.top < unit.bottom - 1) problems.push([index, label, "über der Einheit"]);
            if (getComputedStyle(cell, "::before").content !== `"${label}"`)
                problems.push([index, label, "ohne Beschriftung"]);
            if (values.includes(label) && right(cell) > width)
                problems.push([index, label, right(cell)]);
        }
    }
    return problems;
}"""


def test_reconciliation_is_a_table_on_a_desktop_and_cards_on_a_phone(page, login, ministry_user):
    seed_demo_agreements()
    seed_demo_delivery()
    seed_demo_publication()
    login(ministry_user)
    for url, caption in PAGES:
        page.set_viewport_size(WIDE)
        page.goto(url)
        table = page.get_by_role("table", name=caption)
        assert table.evaluate("t => getComputedStyle(t).display") == "table"
        header = table.get_by_role("columnheader", name="veröffentlicht", exact=True)
        assert header.bounding_box()["width"] > 50
        first = table.locator("tbody tr").first
        assert first.evaluate("r => getComputedStyle(r).display") == "table-row"

        page.set_viewport_size(PHONE)
        page.wait_for_function(PAGE_FITS, timeout=5000)  # charts redraw for the width
        assert table.locator("thead").bounding_box()["width"] <= 1  # left to screen readers
        assert table.locator("tbody tr").count() > 0
        assert table.evaluate(OFF_CARD, [PHONE["width"], LABELS, VALUES]) == [], url
    page.goto(PAGES[0][0])
    page.set_viewport_size(PHONE)
    check_accessibility(page, "Landkreis-Seite mit Abgleich bei 390 px")
