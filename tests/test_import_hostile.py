"""Hostile and unlucky files (issue 14): cells that are no finite number, very long cells,
XML entity expansion. Each is refused with a German message and nothing is stored."""

import io
import zipfile
from datetime import date

import openpyxl
import pytest

from indicators import imports, storage
from indicators.imports import workbooks
from indicators.models import DataDelivery, Values

pytestmark = pytest.mark.django_db

LADESTAND = date(2020, 3, 17)


def workbook_with_raw_values(*raws):
    """An XLSX whose value cells hold `raws` exactly as written in the sheet's XML (`<v>…</v>`),
    as a hand-made or damaged file can; openpyxl itself would never write them."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Daten"
    sheet.append(["traeger", "kennzahl", "monat", "wert"])
    for month, _ in enumerate(raws, start=1):
        sheet.append(["03358", "ELB", f"2019-{month:02d}", 111111])
    sheet.append(["03358", "ELB", "2019-12", 5900])
    written = io.BytesIO()
    workbook.save(written)
    source = zipfile.ZipFile(written)
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for raw in raws:
                    text = text.replace("<v>111111</v>", f"<v>{raw}</v>", 1)
                data = text.encode()
            target.writestr(item, data)
    return result.getvalue()


def check(data, name="daten.xlsx"):
    return imports.check_file(data, name, ladestand=LADESTAND)


@pytest.mark.parametrize("raw", ["1E+400", "-1E+400", "1e999"])
def test_an_infinite_excel_number_is_a_row_error(raw):
    result = check(workbook_with_raw_values(raw))
    assert not result.ok
    assert [str(p) for p in result.problems] == [
        f"Zeile 2, Spalte „wert“: „{'-' if raw[0] == '-' else ''}inf“ ist keine Zahl."
    ]


@pytest.mark.parametrize("raw", ["NaN", "INF", "0x10", "abc"])
def test_an_unreadable_excel_number_is_a_row_error_not_a_crash(raw):
    result = check(workbook_with_raw_values(raw))
    assert not result.ok
    assert [str(p) for p in result.problems] == [
        f"Blatt „Daten“, Zeile 2, Spalte „D“: „{raw}“ ist als Zahl gespeichert, aber keine Zahl."
    ]


def test_every_unreadable_excel_number_is_named_with_its_row():
    result = check(workbook_with_raw_values("NaN", "12", "abc"))
    assert [(p.line, p.column) for p in result.problems] == [(2, "D"), (4, "D")]


@pytest.mark.parametrize("text", ["NaN", "nan", "inf", "-Infinity", "INF", "1E+400", "0x10"])
def test_a_csv_cell_that_is_no_finite_number_is_a_row_error(text):
    data = f"traeger;kennzahl;monat;wert\n03358;ELB;2019-12;{text}\n03358;ELB;2020-01;5\n"
    result = check(data.encode(), "daten.csv")
    assert not result.ok
    assert [p.line for p in result.problems] == [2]


def test_an_infinite_excel_number_is_never_stored():
    result = check(workbook_with_raw_values("1E+400"))
    with pytest.raises(imports.Refused):
        imports.store_delivery(result, waiting_months=0, source="land")
    assert not DataDelivery.objects.exists()


@pytest.mark.parametrize("value", ["Infinity", "-Infinity", "NaN", "sNaN", "inf"])
def test_the_writer_refuses_a_value_that_is_no_finite_decimal(heidekreis, value):
    delivery = DataDelivery.objects.create(ladestand=LADESTAND, source="land", sha256="x" * 64)
    cells = [
        (heidekreis, 1, date(2020, 1, 1), "g", "5"),
        (heidekreis, 1, date(2020, 2, 1), "g", value),
    ]
    with pytest.raises(storage.NonFiniteValue, match="ist keine endliche Zahl"):
        storage.write_values(
            delivery.pk,
            units=storage.np.array([heidekreis.pk] * 2),
            indicators=storage.np.array([c[1] for c in cells]),
            months=storage.np.array([storage.month_number(c[2]) for c in cells]),
            sexes=storage.np.array([0, 0]),
            values=[c[4] for c in cells],
        )
    assert not Values.objects.exists()


def test_the_writer_refuses_an_infinite_float_from_the_demo_path(heidekreis):
    delivery = DataDelivery.objects.create(ladestand=LADESTAND, source="land", sha256="y" * 64)
    from indicators.models import Indicator

    elb = Indicator.objects.get(code="ELB")
    with pytest.raises(storage.NonFiniteValue):
        storage.store_cells(delivery, [(heidekreis, elb, date(2020, 1, 1), "g", float("inf"))])
    assert not Values.objects.exists()


def test_a_long_cell_is_quoted_with_at_most_80_characters():
    long_text = "x" * 5000
    data = f"traeger;kennzahl;monat;wert\n03358;ELB;2019-12;{long_text}\n".encode()
    result = check(data, "daten.csv")
    (problem,) = result.problems
    assert len(problem.message) < 120
    assert "x" * 79 + "…" in problem.message


@pytest.mark.parametrize(
    "row",
    [
        "{long};ELB;g;2019-12;5",  # unit
        "03358;{long};g;2019-12;5",  # code
        "03358;ELB;{long};2019-12;5",  # sex
        "03358;ELB;g;{long};5",  # month
        "03358;ELB;g;2019-12;{long}",  # value
    ],
)
def test_no_message_quotes_more_than_80_characters_of_a_cell(row):
    long_text = "y" * 3000
    data = f"traeger;kennzahl;geschlecht;monat;wert\n{row.format(long=long_text)}\n".encode()
    result = check(data, "daten.csv")
    problems = [p for p in result.problems if not p.hint]
    assert len(problems) == 1
    assert "y" * 79 + "…" in problems[0].message
    assert "y" * 80 not in problems[0].message


LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    + "]>\n"
)


def workbook_with_entities(part="xl/worksheets/sheet1.xml"):
    """A workbook whose XML part declares nested entities: 5 KB that expand to ~100 MB."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["traeger", "kennzahl", "monat", "wert"])
    workbook.active.append(["03358", "ELB", "2019-12", 5900])
    written = io.BytesIO()
    workbook.save(written)
    source = zipfile.ZipFile(written)
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                text = data.decode()
                body = text[text.index("?>") + 2 :] if text.startswith("<?xml") else text
                body = body.replace("<v>5900</v>", "<v>&lol9;</v>")
                data = (LAUGHS + body).encode()
            target.writestr(item, data)
    return result.getvalue()


@pytest.mark.parametrize(
    "part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"]
)
def test_an_entity_expansion_workbook_is_refused_before_parsing(part):
    with pytest.raises(imports.Refused, match="XML-Entity-Deklarationen"):
        imports.read_sheets(workbook_with_entities(part), "lachen.xlsx", imports._indicator_codes())


def test_openpyxl_reads_xml_through_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_an_entity_expansion_workbook_is_a_german_refusal_in_the_check():
    result = check(workbook_with_entities())
    assert not result.ok
    assert "aus Sicherheitsgründen nicht gelesen" in str(result.problems[0])
    assert not DataDelivery.objects.exists()


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_defusedxml_is_the_second_line_behind_the_check(monkeypatch, part):
    monkeypatch.setattr(workbooks, "_declares_entities", lambda archive, part: False)
    with pytest.raises(imports.Refused, match="XML-Entity-Deklarationen|beschädigt"):
        imports.read_sheets(workbook_with_entities(part), "lachen.xlsx", imports._indicator_codes())
