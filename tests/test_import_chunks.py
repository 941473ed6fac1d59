"""A CSV file is read a chunk of rows at a time (textfiles.CHUNK_ROWS): what spans chunks —
the number format, repeated cells, problem lines, the order of first appearance — is told
exactly as if the file were read whole (docs/security.md, the memory of an upload)."""

from datetime import date

import pytest

from indicators import imports
from indicators.imports import textfiles

pytestmark = pytest.mark.django_db

FILE = (
    "traeger;kennzahl;monat;wert\n"
    "03358;ELB;2020-01;12\n"
    "03358;LLU;2020-02;1.234,5\n"
    "03358;ELB;2020-01;13\n"  # the same cell as line 2, another value
    "99999;ELB;2020-01;5\n"
    "03358;ELB;2020-03;abc\n"
    "99999;ELB;2020-02;6\n"
    "03358;LLU;2020-02;1.234,5\n"  # the same cell and value as line 3: stored once
    "03358;ELB;2020-04;*\n"
    "\n"
    "03358;ELB;2020-05;7;;\n"  # trailing empty fields, as Excel writes them
    "03358;ELB;2020-06;-3\n"
)


def check(text, chunk_rows, monkeypatch):
    monkeypatch.setattr(textfiles, "CHUNK_ROWS", chunk_rows)
    return imports.check_file(text.encode(), "test.csv", ladestand=date(2020, 12, 31))


def told(result):
    return [str(p) for p in result.problems], result.notes, result.cells() if result.ok else []


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 5])
def test_a_file_read_in_chunks_is_checked_as_if_read_whole(chunk_rows, monkeypatch):
    whole = told(check(FILE, 1000, monkeypatch))
    assert told(check(FILE, chunk_rows, monkeypatch)) == whole


def test_problems_across_chunks_name_their_lines(monkeypatch):
    problems = [str(p) for p in check(FILE, 2, monkeypatch).problems]
    assert problems == [
        "Zeile 4, Spalte „wert“: Den Wert für 03358 ELB Januar 2020 (gesamt) gibt es schon "
        "in Zeile 2 mit „12“, hier aber „13“.",
        "Zeile 5, Spalte „traeger“: „99999“ ist weder einer der zugelassenen kommunalen Träger "
        "noch eine angelegte Vergleichseinheit (ebenso in Zeile 7).",
        "Zeile 6, Spalte „wert“: „abc“ ist keine Zahl.",
        "Zeile 12, Spalte „wert“: „-3“ ist negativ; ELB ist eine Anzahl und kann nicht "
        "negativ sein.",
    ]


def test_the_valid_rows_of_a_chunked_file_give_the_same_values(monkeypatch):
    valid = (
        "traeger;kennzahl;monat;wert\n"
        "03358;ELB;2020-01;12\n"
        "03358;LLU;2020-02;1.234,5\n"
        "03358;ELB;2020-02;13\n"
        "03358;LLU;2020-02;1.234,5\n"
        "03358;ELB;2020-03;*\n"
        "\n"
        "03358;ELB;2020-04;7;;\n"
    )
    result = check(valid, 2, monkeypatch)
    assert result.ok, [str(p) for p in result.problems]
    assert told(result) == told(check(valid, 1000, monkeypatch))
    assert "Zahlen im deutschen Format gelesen (wie „1.234,5“)." in result.notes
    assert (
        "1 Wert steht doppelt mit gleichem Wert in der Datei; gespeichert wird jeder einmal."
        in (result.notes)
    )
    assert [f"{month:%m}" for _, _, month, _, _ in result.cells()] == ["01", "02", "02", "04"]
