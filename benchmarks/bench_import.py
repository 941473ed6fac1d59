"""`make bench-import`: a national-scale file through the indicator import, against pandas alone.

The file (written once to .bench/, about 15 MB): 405 Jobcenter × 2011–2026 × 12 months × 8 base
quantities = 622 080 rows in the long layout, `;`-separated, LLU/LUH with cents. 16 of the
units are the Landkreise, the other 389 are declared comparison units.

Each run imports it into a fresh database: an SQLite file by default, or, when DATABASE_URL
points to PostgreSQL, a new database on that server (dropped afterwards). The import runs in a
child process so that its peak memory (maximum resident set size) is its own, three times
(the file with 0, 1 and 2 line breaks more at its end, so each is a new delivery): the best
counts, as for pandas alone (`pd.read_csv(path, sep=";", dtype=str)`, best of 3), and the
first, in a process where nothing is warmed up, is printed too. Printed: seconds for pandas
alone, for checking and for storing, rows per second, peak memory during the first import,
and the ratio import time / pandas time.

    .venv/bin/python benchmarks/bench_import.py [--runs N]
"""

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".bench"
FILE = BENCH / "national.csv"
CODES = ["LLU", "LUH", "ELB", "INT", "LZB", "ELB_AE", "INT_AE", "INT_LZB"]
LANDKREISE = ["03451", "03452", "03454", "03455", "03159", "03456", "03457", "03458",
              "03459", "03356", "03157", "03357", "03257", "03358", "03361", "03462"]  # fmt: skip
UNITS = LANDKREISE + [f"{31000 + i:05d}" for i in range(405 - len(LANDKREISE))]
YEARS = range(2011, 2027)
LADESTAND = "2027-01-20"
IMPORTS_PER_PROCESS = 3  # the best counts, as for pandas; the first is printed too


def generate():
    """The national file, the same every time (fixed seed)."""
    BENCH.mkdir(exist_ok=True)
    if FILE.exists():
        return
    rng = random.Random(405)
    with FILE.open("w", encoding="utf-8", newline="\n") as out:
        out.write("traeger;kennzahl;monat;wert\n")
        for unit in UNITS:
            size = rng.randint(1500, 60000)
            for year in YEARS:
                for month in range(1, 13):
                    for code in CODES:
                        if code in ("LLU", "LUH"):
                            value = f"{size * rng.uniform(400, 600):.2f}"
                        elif code.startswith("INT"):
                            value = str(int(size * rng.uniform(0.005, 0.03)))
                        else:
                            value = str(int(size * rng.uniform(0.1, 1.0)))
                        out.write(f"{unit};{code};{year}-{month:02d};{value}\n")


def fresh_database(url):
    """(url of a new, empty database, function that drops it)."""
    if not url or url.startswith("sqlite"):
        path = BENCH / "bench.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    import psycopg2

    parts = urlsplit(url)
    name = f"zs_bench_import_{os.getpid()}"
    server = urlunsplit(parts._replace(path="/postgres"))

    def execute(sql):
        connection = psycopg2.connect(server)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
        connection.close()

    execute(f'DROP DATABASE IF EXISTS "{name}"')
    execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), lambda: execute(f'DROP DATABASE "{name}"')


def child():
    """Runs in the child process: migrate, declare units, import, then time pandas alone."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zielsteuerung.settings")
    import django

    django.setup()
    from datetime import date

    import pandas as pd
    from django.core.management import call_command
    from django.db import connection

    from indicators import imports
    from zielsteuerung.models import Organisation, OrganisationKind

    call_command("migrate", verbosity=0)
    Organisation.objects.bulk_create(
        Organisation(key=key, name=f"Jobcenter {key}", kind=OrganisationKind.COMPARISON)
        for key in UNITS[len(LANDKREISE) :]
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    imports_runs = []
    for run in range(IMPORTS_PER_PROCESS):
        # Each import is a new file for the product (a line break more), so none is refused
        # as delivered already; the first one runs with nothing warmed up.
        data = FILE.read_bytes() + b"\n" * run
        started = time.perf_counter()
        check = imports.check_file(data, FILE.name, ladestand=date.fromisoformat(LADESTAND))
        checked = time.perf_counter()
        if not check.ok:
            raise SystemExit("\n".join(str(p) for p in check.problems[:10]))
        imports.store_delivery(check, waiting_months=3, source="ba")
        stored = time.perf_counter()
        imports_runs.append((checked - started, stored - checked))
        rows = check.value_count
        del check
        if run == 0:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    first = imports_runs[0]
    best = min(imports_runs, key=sum)
    pandas_runs = []
    for _ in range(3):
        begin = time.perf_counter()
        pd.read_csv(FILE, sep=";", dtype=str)
        pandas_runs.append(time.perf_counter() - begin)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        server = cursor.fetchone()[0]
    print(
        json.dumps(
            {
                "rows": rows,
                "check": best[0],
                "store": best[1],
                "first": sum(first),
                "pandas": min(pandas_runs),
                "peak_bytes": peak,
                "before_bytes": before,
                "database": connection.vendor,
                "server": server,
                "pandas_version": pd.__version__,
            }
        )
    )


def machine():
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    return (
        f"{model or platform.machine()}, {os.cpu_count()} Kerne, Python {platform.python_version()}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="Läufe (das beste zählt)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        return child()
    generate()
    results = []
    for _ in range(options.runs):
        url, drop = fresh_database(os.environ.get("DATABASE_URL", ""))
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "SECRET_KEY": "bench-import"}
        try:
            output = subprocess.run(
                [sys.executable, __file__, "--child"],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        finally:
            drop()
        results.append(json.loads(output.strip().splitlines()[-1]))
    best = min(results, key=lambda r: r["check"] + r["store"])
    total = best["check"] + best["store"]
    size = FILE.stat().st_size / 1024 / 1024
    print(f"Datei:            {FILE.relative_to(ROOT)} ({best['rows']:,} Zeilen, {size:.1f} MB)")
    print(f"Datenbank:        {best['database']} ({best['server']})")
    print(f"Rechner:          {machine()}")
    print(
        f"pandas allein:    {best['pandas']:.2f} s (read_csv, dtype=str, pandas {best['pandas_version']})"
    )
    print(
        f"Prüfen:           {best['check']:.2f} s ({best['check'] / best['pandas']:.1f} × pandas)"
    )
    print(f"Speichern:        {best['store']:.2f} s")
    print(f"Import gesamt:    {total:.2f} s, {best['rows'] / total:,.0f} Zeilen/s")
    print(f"Erster Import:    {best['first']:.2f} s (im frischen Prozess, nichts vorgewärmt)")
    print(
        f"Spitzenspeicher:  {best['peak_bytes'] / 1024 / 1024:.0f} MB (max. RSS des Prozesses, "
        f"vor dem Import {best['before_bytes'] / 1024 / 1024:.0f} MB)"
    )
    aim = 5 if best["database"] == "postgresql" else 10
    print(f"Verhältnis:       {total / best['pandas']:.1f} (Import / pandas allein; Ziel ≤ {aim})")


if __name__ == "__main__":
    main()
