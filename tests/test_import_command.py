"""`manage.py import_indicators`: exit status, one summary line, every error on stderr."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import OutputWrapper

from indicators.management.commands.import_indicators import Progress
from indicators.models import DataDelivery, Values
from zielsteuerung.models import Organisation

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "data" / "import"


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run(*args, stderr=None):
    out, err = io.StringIO(), stderr or io.StringIO()
    call_command("import_indicators", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_indicators", *map(str, args), stdout=out, stderr=err)
    return exit_info.value.code, out.getvalue(), err.getvalue()


def test_worked_example_is_stored_with_a_one_line_summary():
    out, err = run(CORPUS / "lang_semikolon.csv", "--ladestand", "2020-03-17", "--wartezeit", "0")
    delivery = DataDelivery.objects.get()
    assert out == (
        "Gespeichert: Ladestand 17.03.2020 (ohne Wartezeit), 16 Werte für 03358 "
        f"(LLU, ELB, INT, LZB), 12/2018 bis 02/2020 (Lieferung {delivery.pk}).\n"
    )
    assert err == ""
    assert delivery.values.figure_count() == 16
    assert delivery.source == "land"
    assert delivery.delivered_by is None


def test_source_and_waiting_time_are_stored():
    run(
        CORPUS / "excel_titelzeilen.xlsx",
        "--ladestand",
        "2020-03-20",
        "--wartezeit",
        "3",
        "--quelle",
        "ba",
    )
    delivery = DataDelivery.objects.get()
    assert (delivery.waiting_months, delivery.source) == (3, "ba")
    assert delivery.file_name == "excel_titelzeilen.xlsx"


def test_a_jobcenter_file_is_delivered_for_its_landkreis(heidekreis):
    run(CORPUS / "lang_semikolon.csv", "--ladestand", "2020-03-17", "--quelle", "jobcenter")
    assert DataDelivery.objects.get().organisation == heidekreis


def test_every_error_goes_to_stderr_with_exit_status_1_and_nothing_is_written():
    code, out, err = run_failing(CORPUS / "fehler_mehrere.csv", "--ladestand", "2020-03-17")
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "Zeile 2, Spalte „monat“: „13/2020“ ist kein Monat; erwartet z. B. 2020-01, 01/2020, "
        "01.2020 oder Januar 2020.",
        "Zeile 2, Spalte „wert“: „zwölf“ ist keine Zahl.",
        "Zeile 3, Spalte „kennzahl“: Die Kennzahl fehlt.",
        "3 Fehler – nichts gespeichert.",
    ]
    assert DataDelivery.objects.count() == 0 and Values.objects.count() == 0


def test_dry_run_checks_without_writing():
    out, _ = run(CORPUS / "lang_semikolon.csv", "--ladestand", "2020-03-17", "--dry-run")
    assert out == (
        "Probelauf: 16 Werte für 03358 (LLU, ELB, INT, LZB), 12/2018 bis 02/2020 – fehlerfrei, "
        "nichts gespeichert.\n"
    )
    assert DataDelivery.objects.count() == 0


def test_dry_run_reports_errors_too():
    code, _, err = run_failing(CORPUS / "fehler_zahl.csv", "--ladestand", "2020-03-17", "--dry-run")
    assert code == 1
    assert "Zeile 7, Spalte „wert“: „12,3,4“ ist keine Zahl." in err


def test_unknown_keys_need_the_comparison_unit_option():
    code, _, err = run_failing(CORPUS / "vergleichseinheiten.csv", "--ladestand", "2020-03-17")
    assert code == 1
    assert (
        "Unbekannte Schlüssel werden als Vergleichseinheiten angelegt, wenn der Befehl mit "
        "--vergleichseinheiten aufgerufen wird."
    ) in err.splitlines()
    out, _ = run(
        CORPUS / "vergleichseinheiten.csv", "--ladestand", "2020-03-17", "--vergleichseinheiten"
    )
    assert "3 Werte für 3 Träger (ELB), 01/2020 bis 01/2020; 2 neue Vergleichseinheiten" in out
    assert Organisation.objects.get(key="03101").kind == "vergleich"


def test_the_same_file_twice_is_refused_the_second_time():
    run(CORPUS / "lang_semikolon.csv", "--ladestand", "2020-03-17")
    code, _, err = run_failing(CORPUS / "lang_semikolon.csv", "--ladestand", "2020-04-17")
    assert code == 1
    assert "als Ladestand 17.03.2020 (ohne Wartezeit) geliefert." in err
    assert DataDelivery.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ladestand", "17.03.2020"], "--ladestand „17.03.2020“ ist kein Datum der Form JJJJ-MM-TT."),
        (["--ladestand", "2999-01-01"], "Der Ladestand 01.01.2999 liegt in der Zukunft."),
        (["--ladestand", "2020-03-17", "--wartezeit", "13"], "--wartezeit „13“: erwartet wird eine Zahl von 0 bis 12 (Monate)."),
    ],
)  # fmt: skip
def test_wrong_arguments_are_explained(args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run(CORPUS / "lang_semikolon.csv", *args)


def test_missing_file_is_explained():
    with pytest.raises(CommandError, match="Die Datei /nirgends.csv gibt es nicht."):
        run("/nirgends.csv", "--ladestand", "2020-03-17")


def test_file_over_the_size_limit_is_refused_before_reading(settings):
    settings.UPLOAD_MAX_BYTES = 100
    code, _, err = run_failing(CORPUS / "lang_semikolon.csv", "--ladestand", "2020-03-17")
    assert code == 1
    assert err.splitlines()[0] == "Die Datei ist 404 Byte groß; erlaubt sind höchstens 100 Byte."


def test_progress_bar_only_on_a_terminal():
    terminal = Terminal()
    run(CORPUS / "lang_semikolon.csv", "--ladestand", "2020-03-17", stderr=terminal)
    assert "\rSpeichern" in terminal.getvalue()
    assert "100%" in terminal.getvalue()
    _, err = run(CORPUS / "lang_tabulator.txt", "--ladestand", "2020-03-17")
    assert err == ""


def test_the_progress_bar_is_not_styled_as_an_error():
    stream = OutputWrapper(Terminal())
    stream.style_func = lambda text: f"<Fehlerfarbe>{text}</Fehlerfarbe>"
    progress = Progress(stream)
    progress("Prüfen", 1, 2)
    progress.done()
    stream.write("3 Fehler – nichts gespeichert.")
    output = stream._out.getvalue()
    assert "Prüfen" in output and "50%" in output
    assert output.count("<Fehlerfarbe>") == 1  # only the error line
