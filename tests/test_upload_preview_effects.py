"""The upload preview shows the monthly values per code, what changed against the delivery the
dashboards use now, the effect on each goal's JFW and verdict, warns when the file cannot
compute the months its goals need (naming them and the Ladestand the dashboards keep using),
and reports `k.A.`, `n.v.`, `-` as skipped cells with their count (issue 15.1, 15.13)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators import imports
from tests.test_attainment import WORKED_EXAMPLE, agree, deliver
from tests.test_dashboards import text_of

pytestmark = pytest.mark.django_db

UPLOAD = reverse("indicators:upload")


@pytest.fixture(autouse=True)
def _pending_files_in_tmp(settings, tmp_path):
    settings.UPLOAD_PENDING_DIR = str(tmp_path / "pending")


def csv_of(figures, key="03358"):
    lines = ["traeger;kennzahl;monat;wert"]
    for code, series in figures.items():
        for (year, month), value in sorted(series.items()):
            lines.append(f"{key};{code};{month:02d}.{year};{value}")
    return "\n".join(lines).encode()


def preview(client, data, ladestand="2020-04-15"):
    return client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile("lieferung.csv", data),
            "ladestand": ladestand,
            "waiting_months": "0",
            "source": "land",  # asked of ministries only
        },
    )


@pytest.fixture
def stored(heidekreis):
    agree(heidekreis)
    return deliver({heidekreis: WORKED_EXAMPLE}, ladestand=date(2020, 3, 17))


def test_preview_warns_when_the_file_lacks_months_and_names_the_kept_ladestand(
    as_user, heidekreis_user, stored
):
    march = {"ELB": {(2020, 3): 5960}, "INT": {(2020, 3): 175}, "LZB": {(2020, 3): 3930}}
    march["LLU"] = {(2020, 3): 3_400_000}
    text = text_of(preview(as_user(heidekreis_user), csv_of(march)))

    assert (
        "Mit dieser Datei allein lassen sich die Ziele für März 2020 nicht berechnen: es fehlen "
        "Dezember 2018, Januar–März 2019, Dezember 2019, Januar–Februar 2020."
    ) in text
    assert (
        "Die Übersicht rechnet für Landkreis Heidekreis weiter mit Ladestand 17.03.2020 "
        "(ohne Wartezeit)"
    ) in text
    assert "Speichern als Ladestand 15.04.2020" in text  # a warning, not a refusal


def test_preview_shows_each_goals_jfw_and_verdict_now_and_with_the_file(
    as_user, ministry_user, stored
):
    revised = {code: dict(series) for code, series in WORKED_EXAMPLE.items()}
    revised["INT"][(2020, 2)] = 100  # fewer integrations: K2 falls behind
    response = preview(as_user(ministry_user), csv_of(revised))
    text = text_of(response)

    assert "Wirkung auf die Ziele" in text
    assert "Landkreis Heidekreis: Zielvereinbarung 2020" in text
    # K2 now 5,57 % (on track), with the file (160 + 100) / 5 925 = 4,39 % (off track).
    assert "2. K2 (Ziel +3,1 %) 5,57 % (Februar 2020) auf Zielkurs 4,39 %" in text
    assert "nicht auf Zielkurs" in text
    assert "1 Wert anders als im Ladestand 17.03.2020" in text
    assert "INT Februar 2020 170 100 −70" in text


def test_preview_shows_the_monthly_values_per_code(as_user, ministry_user, stored):
    text = text_of(preview(as_user(ministry_user), csv_of(WORKED_EXAMPLE)))

    assert "Werte je Monat" in text
    assert "12/2018 01/2019 02/2019 12/2019 01/2020 02/2020" in text  # the file's months
    assert "ELB gesamt 6.000 6.100 – 5.900 5.950 –" in text
    assert "INT gesamt – 150 160 – 160 170" in text
    assert "ändert die Datei keinen Wert der Monate, die beide enthalten" in text


def test_marks_are_reported_as_skipped_cells_with_their_count():
    data = (
        b"traeger;kennzahl;monat;wert\n"
        b"03358;ELB;01.2020;5950\n"
        b"03358;ELB;02.2020;k.A.\n"
        b"03358;INT;01.2020;-\n"
        b"03358;INT;02.2020;n.v.\n"
        b"03358;LZB;02.2020;k.A.\n"
    )

    check = imports.check_file(data, "marks.csv", ladestand=date(2020, 3, 17))

    assert check.ok
    assert check.skipped_marks == {"k.A.": 2, "-": 1, "n.v.": 1}
    assert (
        "4 Zellen ohne Zahl übergangen (1 × „-“ (nichts vorhanden), 2 × „k.A.“ (keine Angabe), "
        "1 × „n.v.“ (nicht vorhanden))"
    ) in " ".join(check.notes)
