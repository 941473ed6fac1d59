"""How much memory one worker needs to check a 40 MB CSV upload (issue 14 point 5).

Writes a valid long-format CSV of about 40 MB (2 000 comparison units × 4 codes × 2 sexes ×
100 months), then checks it in a fresh child process on an SQLite database in a temporary
folder and prints the peak resident memory of the child before and during the check, and
after what the preview computes from it (the sums per unit and code).
With --wrong-number-format the first value has a decimal comma and every other a decimal
point: a problem in every row (at most KEPT_PROBLEMS of them kept, the rest counted).
Run: DEBUG=1 .venv/bin/python benchmarks/bench_upload_memory.py [--wrong-number-format]"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODES = ["LLU", "ELB", "INT", "LZB"]


def write_csv(path, units=2000, months=100, wrong_number_format=False):
    with path.open("w", encoding="utf-8") as file:
        file.write("traeger;kennzahl;geschlecht;monat;wert\n")
        for unit in range(units):
            key = f"9{unit:04d}"
            for code in CODES:
                for sex in ("g", "m"):
                    for month in range(months):
                        year, number = divmod(month, 12)
                        value = 1000 + (unit * 7 + month * 13) % 9000
                        if wrong_number_format:  # 1,5 first (German), then 1234.5 …
                            value = "1,5" if file.tell() < 50 else f"{value // 10}.5"
                        file.write(f"{key};{code};{sex};{2011 + year}-{number + 1:02d};{value}\n")
    return path.stat().st_size


def child(path):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zielsteuerung.settings")
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from indicators import imports, preview

    data = Path(path).read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    check = imports.check_file(data, "gross.csv", ladestand=date(2020, 6, 30), create_units=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found = "fehlerfrei" if check.ok else f"{check.error_count} Fehler ({check.problems[1]})"
    print(
        f"check: {found}, {check.value_count} Werte, "
        f"{seconds:.1f} s; Speicher vor dem Lesen {before:.0f} MB, Spitze {peak:.0f} MB, "
        f"also {peak - before:.0f} MB für die Prüfung"
    )
    summary = check.summary() if check.ok else []  # what the preview page computes
    shown = ([str(p) for p in check.problems[:100]], preview.code_totals(summary))
    shown += (preview.monthly_values(check),)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"mit der Vorschau: Spitze {peak:.0f} MB, also {peak - before:.0f} MB für das Hochladen")


def main():
    wrong_number_format = "--wrong-number-format" in sys.argv[1:]
    with tempfile.TemporaryDirectory() as folder:  # noqa: SIM117
        path = Path(folder) / "gross.csv"
        size = write_csv(path, wrong_number_format=wrong_number_format)
        print(f"CSV: {size / 1e6:.1f} MB", flush=True)
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
        }
        subprocess.run([sys.executable, __file__, "--child", str(path)], env=env, check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        main()
