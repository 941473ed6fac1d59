"""How much memory one worker needs to check a 40 MB CSV upload (issue 14 point 5).

Writes a valid long-format CSV of about 40 MB (2 000 comparison units × 4 codes × 2 sexes ×
100 months), then checks it in a fresh child process on an SQLite database in a temporary
folder and prints the peak resident memory of the child before and during the check.
Run: DEBUG=1 .venv/bin/python benchmarks/bench_upload_memory.py"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODES = ["LLU", "ELB", "INT", "LZB"]


def write_csv(path, units=2000, months=100):
    with path.open("w", encoding="utf-8") as file:
        file.write("traeger;kennzahl;geschlecht;monat;wert\n")
        for unit in range(units):
            key = f"9{unit:04d}"
            for code in CODES:
                for sex in ("g", "m"):
                    for month in range(months):
                        year, number = divmod(month, 12)
                        value = 1000 + (unit * 7 + month * 13) % 9000
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
    from indicators import imports

    data = Path(path).read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    check = imports.check_file(data, "gross.csv", ladestand=date(2020, 6, 30), create_units=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"check: {'fehlerfrei' if check.ok else check.problems[:3]}, {check.value_count} Werte, "
        f"{seconds:.1f} s; Speicher vor dem Lesen {before:.0f} MB, Spitze {peak:.0f} MB, "
        f"also {peak - before:.0f} MB für die Prüfung"
    )


def main():
    with tempfile.TemporaryDirectory() as folder:  # noqa: SIM117
        path = Path(folder) / "gross.csv"
        size = write_csv(path)
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
