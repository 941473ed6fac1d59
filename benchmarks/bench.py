"""`make bench`: the product at national scale on PostgreSQL, measured side by side in one run.

1. Import: the national file (622 080 values) through check + store, against pandas' parse of
   the same file (benchmarks/bench_import.py, unchanged); the memory one worker needs to check
   and preview a 40 MB CSV upload, valid and with a wrong number format in every row
   (benchmarks/bench_upload_memory.py, on SQLite).
2. Pages: a fresh database with `generate_national_data` (405 Jobcenter, 104 zkT with
   agreements 2026); the overview of the 104 Landkreise and one Landkreis page against a
   trivial logged-in page (the list of deliveries), each the median of repeated requests
   through Django's test client with DEBUG off, and the number of queries.
3. Load: gunicorn (2 × cores + 1 workers) on 127.0.0.1 with collected static files;
   10 concurrent users for a bounded time (Debian `wrk` when installed, else a small Python
   thread pool): requests per second, p50/p95 latency, errors.
4. First visit of the Landkreis page: bytes on the wire, HTML plus every static file it loads,
   compressed as WhiteNoise sends them.

Needs DATABASE_URL=postgres://… (a server where it may create and drop a database).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/bench.py
"""

import argparse
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_import  # noqa: E402

YEAR = 2026
KEY = "03358"  # Heidekreis
PAGES = {
    "trivial": "/kennzahlen/lieferungen/",
    "overview": f"/uebersicht/?year={YEAR}",
    "traeger": f"/uebersicht/landkreis/{KEY}/?year={YEAR}",
}
LABELS = {
    "trivial": "Einfache Seite (Lieferungen)",
    "overview": "Übersicht 104 Landkreise",
    "traeger": f"Landkreis-Seite {KEY}",
}
PAGE_ROWS = {
    "trivial": LABELS["trivial"],
    "overview": LABELS["overview"],
    "traeger": LABELS["traeger"],
    "overview_after": "Übersicht, nach neuer Lieferung",
    "traeger_after": "Landkreis-Seite, nach neuer Lieferung",
    "overview_uncached_table": "Übersicht ohne Tabellen-Cache",
    "overview_uncached": "Übersicht ohne jeden Cache",
    "traeger_uncached": "Landkreis-Seite ohne Ergebnis-Cache",
}
REPEAT = 15
LOAD_SECONDS = 15
USERS = 10


def settings_env(url, static_root):
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
        "ALLOWED_HOSTS": "127.0.0.1,testserver,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(static_root),
        "TASKS_BACKEND": "immediate",
        "PYTHONPATH": str(ROOT),
    }


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


# ---------------------------------------------------------------------------------------------
# Child: pages through the test client


def _timed(client, method, url, data=None):
    """(seconds, queries, response) of one request, DEBUG off."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        begin = time.perf_counter()
        response = getattr(client, method)(url, data, secure=True)
        elapsed = time.perf_counter() - begin
    if response.status_code not in (200, 302):
        problems = re.findall(r"<li[^>]*>([^<]+)</li>", response.content.decode())[:5]
        raise SystemExit(f"{url}: {response.status_code} {problems}")
    return elapsed, len(captured), response


def _page(client, url, repeat=REPEAT):
    """The first request (cold) and the median of the next `repeat` (warm)."""
    runs = [_timed(client, "get", url) for _ in range(repeat + 1)]
    return {
        "first": runs[0][0],
        "median": statistics.median(t for t, _, _ in runs[1:]),
        "queries_first": runs[0][1],
        "queries": statistics.median(q for _, q, _ in runs[1:]),
        "bytes": len(runs[-1][2].content),
    }


def _jobcenter_file(unit):
    """A Jobcenter's monthly file: its Landkreis, 2025–2026, 8 codes, a little revised."""
    from datetime import date
    from decimal import Decimal

    from indicators.models import DataDelivery, Values

    newest = DataDelivery.objects.newest_first().first()
    cells = Values.objects.of_delivery(newest).for_unit(unit).total()
    lines = ["traeger;kennzahl;monat;wert"]
    for cell in cells.cells(date(2025, 1, 1), date(2026, 12, 1)):
        places = Decimal("0.01") if cell.code in ("LLU", "LUH") else Decimal(1)  # amounts
        revised = (cell.value * Decimal("1.01")).quantize(places)
        lines.append(f"{KEY};{cell.code};{cell.month:%Y-%m};{str(revised).replace('.', ',')}")
    return ("\n".join(lines) + "\n").encode()


def child_pages():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zielsteuerung.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from agreements import attainment, dashboard_views
    from zielsteuerung.models import Membership, Organisation, Role

    def member(name, key, role):
        user, created = get_user_model().objects.get_or_create(username=name)
        if created:
            Membership.objects.create(
                user=user, organisation=Organisation.objects.get(key=key), role=role
            )
        client = Client()
        client.force_login(user)
        return client

    client = member("bench-ministerium", "MW", Role.MINISTRY_EDITOR)
    results = {name: _page(client, url) for name, url in PAGES.items()}

    # A Jobcenter's monthly file: upload, then from confirmation to its updated Landkreis page.
    # The national data carry the Ladestand 20.01.2027; the file comes a month later, so the
    # clock is set to its Ladestand (an upload's Ladestand may not lie in the future).
    from datetime import date

    from django.utils import timezone

    timezone.localdate = lambda *args, **kwargs: date(2027, 2, 20)
    jobcenter = member("bench-jobcenter", KEY, Role.JOBCENTER_EDITOR)
    data = _jobcenter_file(Organisation.objects.get(key=KEY))
    upload = {
        "file": SimpleUploadedFile("jobcenter.csv", data),
        "ladestand": "2027-02-20",
        "waiting_months": "0",
    }
    _, _, preview = _timed(jobcenter, "post", reverse("indicators:upload"), upload)
    token = re.search(r'name="token" value="([^"]+)"', preview.text)
    if token is None:
        raise SystemExit(re.findall(r"<li[^>]*>([^<]+)</li>", preview.text)[:5])
    token = token.group(1)
    confirm, confirm_queries, _ = _timed(
        jobcenter, "post", reverse("indicators:upload_confirm"), {"token": token}
    )
    page, page_queries, _ = _timed(jobcenter, "get", PAGES["traeger"])
    results["jobcenter"] = {
        "rows": data.count(b"\n") - 1,
        "confirm": confirm,
        "confirm_queries": confirm_queries,
        "page": page,
        "page_queries": page_queries,
    }
    # Right after the new delivery: the overview cold and warm, as the ministry sees it.
    results["overview_after"] = _page(client, PAGES["overview"])
    results["traeger_after"] = _page(client, PAGES["traeger"])

    # Without the rendered-overview cache, then without the attainment cache as well.
    dashboard_views._overview_key = lambda *args: None
    results["overview_uncached_table"] = _page(client, PAGES["overview"])
    attainment._cacheable = lambda goal, delivery: False
    results["overview_uncached"] = _page(client, PAGES["overview"])
    results["traeger_uncached"] = _page(client, PAGES["traeger"])

    login = Client()
    login.force_login(get_user_model().objects.get(username="bench-ministerium"))
    results["session"] = login.cookies["sessionid"].value
    print(json.dumps(results))


# ---------------------------------------------------------------------------------------------
# Load test and first visit against gunicorn


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn ist nicht gestartet.")


def headers_for(session):
    return {
        "Cookie": f"sessionid={session}",
        "X-Forwarded-Proto": "https",
        "Accept-Encoding": "br, gzip",
    }


def get(port, path, headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT %d %d %d %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def load_with_wrk(port, path, session, seconds):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    command = ["wrk", "-t2", f"-c{USERS}", f"-d{seconds}s", "--timeout", "10s", "-s", script.name]
    for name, value in headers_for(session).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    os.unlink(script.name)
    numbers = [int(x) for x in re.search(r"RESULT (.*)", output).group(1).split()]
    requests, duration, p50, p95, slowest, *errors = numbers
    return {
        "tool": "wrk",
        "requests": requests,
        "rps": requests / (duration / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "max": slowest / 1000,
        "errors": sum(errors),
    }


def load_with_threads(port, path, session, seconds):
    """Fallback without wrk: 10 threads, each requesting one after the other until time is up."""
    deadline = time.monotonic() + seconds
    latencies, errors = [], [0]
    lock = threading.Lock()
    headers = headers_for(session)

    def user():
        while time.monotonic() < deadline:
            begin = time.perf_counter()
            try:
                status, _, _ = get(port, path, headers)
            except OSError:
                status = 0
            elapsed = time.perf_counter() - begin
            with lock:
                latencies.append(elapsed * 1000)
                if status != 200:
                    errors[0] += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(USERS) as pool:
        for _ in range(USERS):
            pool.submit(user)
    duration = time.perf_counter() - started
    latencies.sort()
    return {
        "tool": "Python-Threads",
        "requests": len(latencies),
        "rps": len(latencies) / duration,
        "p50": latencies[len(latencies) // 2],
        "p95": latencies[int(len(latencies) * 0.95)],
        "max": latencies[-1],
        "errors": errors[0],
    }


def first_visit(port, session):
    """Bytes of the Landkreis page and every static file it references, as sent."""
    headers = headers_for(session)
    status, html, _ = get(port, PAGES["traeger"], headers)
    assert status == 200, status
    assets = sorted(set(re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)))
    sizes = {}
    for asset in assets:
        status, body, response_headers = get(port, asset.decode(), headers)
        assert status == 200, (asset, status)
        sizes[asset.decode()] = (len(body), response_headers.get("Content-Encoding", "–"))
    return {
        "html": len(html),
        "html_gzip": len(gzip.compress(html, 6)),
        "assets": sizes,
    }


# ---------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child-pages", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--ohne-import", action="store_true", help="Import-Messung auslassen")
    parser.add_argument("--sekunden", type=int, default=LOAD_SECONDS, help="Dauer je Lasttest")
    options = parser.parse_args()
    if options.child_pages:
        return child_pages()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "make bench misst auf PostgreSQL: bitte DATABASE_URL=postgres://BENUTZER@HOST:5432/"
            "DATENBANK setzen (der Benutzer muss Datenbanken anlegen dürfen)."
        )
    print(f"Rechner: {bench_import.machine()}")
    if not options.ohne_import:
        print("\n== 1. Import gegen pandas (benchmarks/bench_import.py) ==", flush=True)
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_import.py")], check=True)
        print("\n== 1b. Speicher beim Hochladen von 40 MB (bench_upload_memory.py) ==", flush=True)
        memory = str(ROOT / "benchmarks" / "bench_upload_memory.py")
        subprocess.run([sys.executable, memory], check=True)
        subprocess.run([sys.executable, memory, "--wrong-number-format"], check=True)

    print("\n== Datenbank mit bundesweiten Demodaten ==", flush=True)
    database, drop = bench_import.fresh_database(url)
    static_root = Path(tempfile.mkdtemp(prefix="zs-bench-static-"))
    env = settings_env(database, static_root)
    server = None
    try:
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        begin = time.perf_counter()
        manage(env, "generate_national_data")
        print(f"generate_national_data: {time.perf_counter() - begin:.1f} s")

        print("\n== 2. Seiten (Django-Testclient, DEBUG aus) ==", flush=True)
        output = subprocess.run(
            [sys.executable, __file__, "--child-pages"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        pages = json.loads(output.strip().splitlines()[-1])
        trivial = pages["trivial"]["median"]
        print(f"{'Seite':48} {'kalt':>8} {'× einf.':>8} {'warm':>8} {'× einf.':>8} {'Abfragen':>9}")
        for name, label in PAGE_ROWS.items():
            row = pages[name]
            print(
                f"{label:48} {row['first'] * 1000:5.0f} ms {row['first'] / trivial:7.1f}× "
                f"{row['median'] * 1000:5.1f} ms {row['median'] / trivial:7.1f}× "
                f"{row['queries']:>5.0f} (kalt {row['queries_first']})"
            )
        jobcenter = pages["jobcenter"]
        print(
            f"Jobcenter-Datei ({jobcenter['rows']} Werte): Bestätigen "
            f"{jobcenter['confirm'] * 1000:.0f} ms ({jobcenter['confirm_queries']} Abfragen), "
            f"danach Landkreis-Seite {jobcenter['page'] * 1000:.0f} ms "
            f"({jobcenter['page_queries']} Abfragen): zusammen "
            f"{(jobcenter['confirm'] + jobcenter['page']) * 1000:.0f} ms (Ziel < 1 s)"
        )

        print("\n== 3. Last gegen gunicorn auf 127.0.0.1 ==", flush=True)
        port = free_port()
        workers = 2 * (os.cpu_count() or 1) + 1
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "zielsteuerung.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        wait_for(port)
        session = pages["session"]
        for name in ("overview", "traeger"):
            get(port, PAGES[name], headers_for(session))  # each worker warms up on its own
        load = load_with_wrk if shutil.which("wrk") else load_with_threads
        print(
            f"{workers} gunicorn-Worker, {USERS} gleichzeitige Nutzer, {options.sekunden} s je Seite"
        )
        for name in ("overview", "traeger"):
            result = load(port, PAGES[name], session, options.sekunden)
            print(
                f"{LABELS[name]:34} {result['rps']:6.1f} Anfragen/s, p50 {result['p50']:.0f} ms, "
                f"p95 {result['p95']:.0f} ms, max {result['max']:.0f} ms, "
                f"{result['requests']} Anfragen, Fehler: {result['errors']} ({result['tool']})"
            )

        print("\n== 4. Erster Besuch der Landkreis-Seite ==", flush=True)
        visit = first_visit(port, session)
        total = visit["html_gzip"] + sum(size for size, _ in visit["assets"].values())
        print(f"HTML: {visit['html']:,} Bytes, gzip {visit['html_gzip']:,} Bytes")
        for asset, (size, encoding) in visit["assets"].items():
            print(f"  {asset}: {size:,} Bytes ({encoding})")
        print(f"Summe komprimiert: {total:,} Bytes = {total / 1024:.0f} kB (Ziel < 1 MB)")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)
        drop()


if __name__ == "__main__":
    main()
