"""The dashboards' downloads hold the figures the pages show, as numbers, and demo figures are
labelled as such on every dashboard."""

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from tests import test_dashboards
from tests.test_attainment import WORKED_EXAMPLE, agree, deliver
from tests.test_dashboards import (
    COMPARISON,
    OVERVIEW,
    revisions_url,
    shifted,
    text_of,
    traeger_url,
)

world = test_dashboards.world  # Heidekreis and Verden in one delivery of 17.03.2020

pytestmark = pytest.mark.django_db

PERCENT = '#,##0.00" %";"−"#,##0.00" %"'
SIGNED_PERCENT = '"+"#,##0.0" %";"−"#,##0.0" %";#,##0.0" %"'


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(response):
    """{header: cell} per row, the cells with their value and number format."""
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    return [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def no_cell_is_guarded(rows):
    return not [value for row in rows for value in row.values() if value.startswith("'")]


def test_comparison_download_holds_the_target_path_the_page_shows(as_user, reader, world):
    client = as_user(reader)
    text = text_of(client.get(COMPARISON, {"indicator": "K2"}))
    assert "1 Landkreis Heidekreis 03358 5,57 % 5,12 % +8,7 % 5,28 % (Zielpfad)" in text

    rows = csv_rows(client.get(COMPARISON, {"indicator": "K2", "format": "csv"}))
    heidekreis = next(row for row in rows if row["Schlüssel"] == "03358")
    assert heidekreis["K2 JFW 2020 (%)"] == "5,57"
    assert heidekreis["Veränderung (%)"] == "8,7"
    assert heidekreis["Vereinbartes Ziel: Zielpfad Februar 2020 (%)"] == "5,28"
    assert no_cell_is_guarded(rows)

    rows = xlsx_rows(client.get(COMPARISON, {"indicator": "K2", "format": "xlsx"}))
    heidekreis = next(row for row in rows if row["Schlüssel"].value == "03358")
    target = heidekreis["Vereinbartes Ziel: Zielpfad Februar 2020 (%)"]
    assert target.value == 5.28 and target.number_format == PERCENT
    change = heidekreis["Veränderung (%)"]
    assert change.value == 8.7 and change.number_format == SIGNED_PERCENT
    assert heidekreis["K2 JFW 2020 (%)"].number_format == PERCENT


def test_comparison_download_of_a_change_indicator_holds_the_agreed_change_as_a_number(
    as_user, reader, world, heidekreis
):
    heidekreis.name = "=HYPERLINK(1)"
    heidekreis.save()
    client = as_user(reader)
    response = client.get(COMPARISON, {"indicator": "K3", "format": "csv"})
    row = next(row for row in csv_rows(response) if row["Schlüssel"] == "03358")
    assert row["Vereinbartes Ziel: Veränderung (%)"] == "-1,5"
    assert row["Veränderung (%)"] == "-2,1"
    # The formula guard still catches text that a spreadsheet would run, and only that.
    assert row["Träger"] == "'=HYPERLINK(1)"
    assert response.content.decode("utf-8-sig").count("'") == 1

    rows = xlsx_rows(client.get(COMPARISON, {"indicator": "K3", "format": "xlsx"}))
    target = next(r for r in rows if r["Schlüssel"].value == "03358")[
        "Vereinbartes Ziel: Veränderung (%)"
    ]
    assert target.value == -1.5 and target.number_format == SIGNED_PERCENT


def test_landkreis_download_holds_targets_as_numbers(as_user, heidekreis_user, world):
    client = as_user(heidekreis_user)
    rows = csv_rows(client.get(traeger_url(), {"format": "csv"}))
    assert no_cell_is_guarded(rows)
    february = {row["Kennzahl"]: row for row in rows if row["Monat"] == "Februar 2020"}
    assert february["K2"]["Ziel (%)"] == "3,1" and february["K3"]["Ziel (%)"] == "-1,5"
    assert february["K1"]["Ziel (%)"] == "" and february["K1"]["Zielart"] == "Monitoring"
    assert february["K2"]["Veränderung (%)"] == "8,7"

    rows = xlsx_rows(client.get(traeger_url(), {"format": "xlsx"}))
    february = {r["Kennzahl"].value: r for r in rows if r["Monat"].value == "Februar 2020"}
    k2, k3 = february["K2"]["Ziel (%)"], february["K3"]["Ziel (%)"]
    assert (k2.value, k3.value) == (3.1, -1.5)
    assert k2.number_format == k3.number_format == SIGNED_PERCENT
    assert february["K1"]["Ziel (%)"].value is None
    assert february["K2"]["JFW 2020"].value == 5.57
    assert february["K2"]["JFW 2020"].number_format == PERCENT
    assert february["K3"]["JFW 2020"].value == 3910


def test_revisions_show_jfw_as_on_the_landkreis_page_and_download_them_so(
    as_user, heidekreis_user, world
):
    client = as_user(heidekreis_user)
    text = text_of(client.get(revisions_url(), {"year": 2020, "month": 2}))
    landkreis = text_of(client.get(traeger_url()))
    # The same figures as the Landkreis page: K1 in Euro, K2 in percent with two decimals.
    assert "JFW 2020 6.740.000 Euro" in landkreis and "JFW 2020 5,57 %" in landkreis
    assert "17.03.2020 ohne Wartezeit 6.740.000 Euro 5,57 % – 3.910 –" in text
    assert "5,5696" not in text

    rows = xlsx_rows(client.get(revisions_url(), {"year": 2020, "month": 2, "format": "xlsx"}))
    assert rows[0]["K2 JFW (%)"].value == 5.57
    assert rows[0]["K2 JFW (%)"].number_format == PERCENT
    assert rows[0]["K1 JFW (Euro)"].value == 6740000


def basis_line(response):
    """The data-basis paragraph of a dashboard, as text."""
    html = response.content.decode()
    match = re.search(r'<p class="lead basis" id="datengrundlage">(.*?)</p>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_demo_figures_are_labelled_on_every_dashboard(as_user, ministry_user, heidekreis):
    agree(heidekreis)
    deliver({heidekreis: WORKED_EXAMPLE})
    client = as_user(ministry_user)
    pages = [OVERVIEW, traeger_url(), COMPARISON]
    for url in pages:
        assert "Demodaten" not in basis_line(client.get(url)), url

    # A newer delivery of demo figures: the (cached) overview and the other pages say so.
    deliver({heidekreis: WORKED_EXAMPLE}, ladestand=date(2020, 3, 31), is_demo=True)
    for url in pages:
        line = basis_line(client.get(url))
        assert "Ladestand 31.03.2020" in line and line.endswith("Demodaten"), url
    text = text_of(client.get(revisions_url(), {"year": 2020, "month": 2}))
    assert "31.03.2020 ohne Wartezeit Demodaten" in text


def test_demo_figures_of_some_landkreise_are_labelled_as_partly_demo(
    as_user, ministry_user, heidekreis, verden
):
    agree(heidekreis)
    agree(verden)
    deliver({verden: shifted(WORKED_EXAMPLE, 1)})
    deliver({heidekreis: WORKED_EXAMPLE}, ladestand=date(2020, 3, 31), is_demo=True)
    client = as_user(ministry_user)
    assert basis_line(client.get(OVERVIEW)).endswith("teilweise Demodaten")
    assert basis_line(client.get(COMPARISON)).endswith("teilweise Demodaten")
    assert basis_line(client.get(traeger_url("03361"))).endswith("ohne Wartezeit")
