"""Backup and restore as docs/operations.md describes them: a dump of the demo data, restored
into an empty database, holds every agreement, delivery, value and dialog again.

On PostgreSQL the real tools run (pg_dump -Fc, createdb, pg_restore) against a second, freshly
created database; on SQLite the sqlite3 backup API copies the database into a file and from
there into an empty one. The same SQL reads both sides, so the comparison is of stored rows.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from agreements.models import Agreement, Goal, ImplementationStep, Signature
from dialogs.models import Approval, Dialog, DialogStatus
from indicators.models import MONTH_FIELDS, DataDelivery, Values

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees committed rows only

User = get_user_model()
BASE_DIR = Path(settings.BASE_DIR)

# model → the columns that identify a row and say what it holds
KEY_COLUMNS = {
    User: ["id", "username", "password"],
    Agreement: ["id", "year", "traeger_id", "status", "title", "version", "updated_at"],
    Goal: ["id", "agreement_id", "number", "indicator_id", "target_type", "target_value"],
    ImplementationStep: ["id", "goal_id", "order", "text", "status"],
    Signature: ["id", "agreement_id", "organisation_id", "signatory"],
    DataDelivery: ["id", "ladestand", "waiting_months", "source", "sha256", "row_count"],
    Values: ["id", "delivery_id", "unit_id", "indicator_id", "sex", "year", *MONTH_FIELDS],
    Dialog: ["id", "agreement_id", "kind", "date", "delivery_id", "status", "version", "frozen_at"],
    Approval: ["id", "dialog_id", "side", "user_id", "approved_at"],
}
HISTORIES = [Agreement.history.model, Dialog.history.model]


def snapshot(cursor):
    """Every row of the tables that matter, as plain tuples read with plain SQL."""
    rows = {}
    for model, wanted in KEY_COLUMNS.items():
        cols = ", ".join(f'"{c}"' for c in wanted)
        cursor.execute(f'SELECT {cols} FROM "{model._meta.db_table}" ORDER BY "id"')
        rows[model.__name__] = [tuple(row) for row in cursor.fetchall()]
    for model in HISTORIES:
        cursor.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"')
        rows[model.__name__] = cursor.fetchone()[0]
    approved = DialogStatus.APPROVED.value
    cursor.execute(
        f'SELECT COUNT(*) FROM "{Dialog._meta.db_table}" WHERE "status" = \'{approved}\''
    )
    rows["approved minutes"] = cursor.fetchone()[0]
    return rows


def migrations_complete(database_url):
    """`manage.py migrate --check` against the restored database: nothing left to apply."""
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def demo_world():
    call_command("seed_demo", "--auch-ohne-debug", stdout=StringIO())
    with connection.cursor() as cursor:
        world = snapshot(cursor)
    # Enough of everything that a restore losing one kind of row could not pass unnoticed.
    assert len(world["Agreement"]) >= 16
    assert len(world["DataDelivery"]) >= 1
    assert len(world["Values"]) >= 100
    assert len(world["Dialog"]) >= 2
    assert world["approved minutes"] >= 1
    return world


# --- PostgreSQL: pg_dump -Fc, createdb, pg_restore ---------------------------------------------


def tool_major(path):
    output = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
    return int(re.search(r"\(PostgreSQL\)\s+(\d+)", output).group(1))  # "… (PostgreSQL) 15.20 …"


def pg_tool(name):
    """A client tool at least as new as the server (pg_dump refuses to dump a newer server)."""
    server_major = connection.pg_version // 10000
    candidates = [shutil.which(name)] + sorted(
        str(path) for path in Path("/usr/lib/postgresql").glob(f"*/bin/{name}")
    )
    for path in filter(None, candidates):
        if tool_major(path) >= server_major:
            return path
    found = ", ".join(f"{p} ({tool_major(p)})" for p in filter(None, candidates)) or "keines"
    pytest.skip(f"Kein {name} für PostgreSQL {server_major} installiert (gefunden: {found}).")


def pg_env(db):
    env = {**os.environ, "PGUSER": db["USER"], "PGHOST": db["HOST"] or "", "PGPORT": db["PORT"]}
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return {key: value for key, value in env.items() if value != ""}


def run(args, env):
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(args)}: {result.stderr}"


def postgres_url(db, name):
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"


def test_postgresql_dump_restores_into_an_empty_database(demo_world, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("Die Datenbank der Tests ist nicht PostgreSQL.")
    pg_dump, pg_restore = pg_tool("pg_dump"), pg_tool("pg_restore")
    createdb, dropdb = pg_tool("createdb"), pg_tool("dropdb")
    db = connection.settings_dict
    env = pg_env(db)
    source = db["NAME"]
    target = f"{source}_restore"
    dump = tmp_path / "zielsteuerung.dump"

    run([pg_dump, "--format=custom", f"--file={dump}", source], env)
    run([dropdb, "--if-exists", target], env)
    run([createdb, target], env)
    try:
        run([pg_restore, "--no-owner", "--exit-on-error", f"--dbname={target}", str(dump)], env)
        restored = connection.get_new_connection(
            {**connection.get_connection_params(), "dbname": target}
        )
        with closing(restored), closing(restored.cursor()) as cursor:
            assert snapshot(cursor) == demo_world
        migrations_complete(postgres_url(db, target))
    finally:
        run([dropdb, "--if-exists", target], env)


# --- SQLite: the backup API ------------------------------------------------------------------


def test_sqlite_backup_restores_into_an_empty_database(demo_world, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("Die Datenbank der Tests ist nicht SQLite.")
    connection.ensure_connection()
    backup, restored_path = tmp_path / "sicherung.sqlite3", tmp_path / "wiederhergestellt.sqlite3"

    with closing(sqlite3.connect(backup)) as copy:
        connection.connection.backup(copy)
    with closing(sqlite3.connect(backup)) as copy, closing(sqlite3.connect(restored_path)) as new:
        copy.backup(new)

    # Opened as Django opens it (same type conversions), for a like-for-like comparison.
    restored = connection.get_new_connection(
        {**connection.get_connection_params(), "database": str(restored_path)}
    )
    with closing(restored), closing(restored.cursor()) as cursor:
        assert snapshot(cursor) == demo_world
    migrations_complete(f"sqlite:///{restored_path}")
