"""Storing a large upload in the background (Django's tasks framework).

The confirmation page of a large upload enqueues `store_upload` and sends the user to a status
page. The task checks the waiting file once more, stores it and reports its progress in a small
JSON file beside the waiting upload (`<token>.status.json`), which the status page reads. Files,
not a table: the waiting upload already lives in that directory, so the web servers and the
worker share it anyway (docs/operations.md), and progress written every few thousand rows
never competes with the import's own transaction.

With the default ImmediateBackend (no worker configured, and in tests) the task runs inside
the confirming request, and the user lands on the delivery at once, as for a small upload.
"""

import json
import os
import re
import tempfile
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.tasks import task

from indicators import imports
from indicators.imports.mapping import Mapping

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
PROGRESS_EVERY = 0.5  # seconds between two writes of the status file


def pending_dir():
    configured = getattr(settings, "UPLOAD_PENDING_DIR", "")
    path = Path(configured) if configured else Path(tempfile.gettempdir()) / "zs-uploads"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def pending_path(token):
    if not TOKEN.fullmatch(token):  # the token alone names the file: no path can sneak in
        raise ValueError("invalid upload token")
    return pending_dir() / f"{token}.upload"


def status_path(token):
    return pending_path(token).with_suffix(".status.json")


def read_status(token):
    """The job's status as written by `write_status`, or None if there is none."""
    try:
        return json.loads(status_path(token).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def write_status(token, **status):
    """Replace the status file atomically: a reader never sees half a file."""
    path = status_path(token)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps({**status, "updated": time.time()}), encoding="utf-8")
    os.replace(temporary, path)


def percent(status):
    """Overall progress 0..100: checking is the first third, storing the rest."""
    if status.get("state") == "done":
        return 100
    total = status.get("total") or 0
    share = (status.get("done") or 0) / total if total else 0
    if status.get("step") == "Speichern":
        return int(33 + 67 * share)
    if status.get("step") in {"Lesen", "Prüfen"}:
        return int(33 * share)
    return 0


@task()
def store_upload(token, details, user_id):
    """Check the waiting upload `token` once more and store it as a delivery.

    `details` are the upload's choices (file name, Ladestand as ISO date, Wartezeit, source,
    create_units, the column mapping if any); `user_id` the uploader. Returns the new
    delivery's id, or None when the file had problems (they are in the status file)."""
    base = {"user": user_id, "file_name": details["file_name"]}
    last_write = 0.0

    def progress(step, done, total):
        nonlocal last_write
        now = time.monotonic()
        if now - last_write >= PROGRESS_EVERY or done >= total:
            last_write = now
            write_status(token, **base, state="running", step=step, done=done, total=total)

    # Claim the file first: a second run of the same job (a double click on "Speichern")
    # finds it gone and leaves the first run's status alone.
    working = pending_path(token).with_suffix(".working")
    try:
        os.rename(pending_path(token), working)
    except FileNotFoundError:
        current = read_status(token) or {}
        if current.get("state") in ("running", "done"):
            return current.get("delivery")
        write_status(
            token,
            **base,
            state="failed",
            problems=["Die hochgeladene Datei liegt nicht mehr vor. Bitte erneut hochladen."],
        )
        return None
    progress("Prüfen", 0, 3)
    try:
        user = get_user_model().objects.get(pk=user_id)
        data = working.read_bytes()
        check = imports.check_file(
            data,
            details["file_name"],
            ladestand=date.fromisoformat(details["ladestand"]),
            user=user,
            create_units=details["create_units"],
            progress=progress,
            mapping=Mapping.from_data(details.get("mapping")),
        )
        delivery = imports.store_delivery(
            check,
            waiting_months=details["waiting_months"],
            source=details["source"],
            user=user,
            progress=progress,
        )
    except imports.Refused as refusal:
        problems = [str(problem) for problem in refusal.problems]
        write_status(token, **base, state="failed", problems=problems[:500])
        return None
    except Exception:
        write_status(
            token,
            **base,
            state="failed",
            problems=[
                "Beim Speichern ist ein technischer Fehler aufgetreten; nichts wurde gespeichert."
            ],
        )
        raise
    finally:
        working.unlink(missing_ok=True)
    write_status(
        token,
        **base,
        state="done",
        delivery=delivery.pk,
        summary=(
            f"Gespeichert: Ladestand {delivery.ladestand:%d.%m.%Y} "
            f"({delivery.waiting_label}), {check.describe()}."
        ),
    )
    return delivery.pk
