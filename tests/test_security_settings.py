"""Production settings pass Django's deployment checks and every page sends a strict CSP."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]


def run_manage(*args, **env):
    # The browser tests' conftest allows sync DB access in the event loop; production must not.
    hidden = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in hidden}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-production-secret-with-enough-entropy-1234567890",
        ALLOWED_HOSTS="zielsteuerung.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", DEBUG="0", SECRET_KEY="", ALLOWED_HOSTS="zielsteuerung.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_bad_database_url_fails_loudly():
    result = run_manage("check", DATABASE_URL="mysql://localhost/x")
    assert result.returncode != 0
    assert "DATABASE_URL must start with" in result.stderr


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy  # plus a nonce on pages that use one
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def served_settings(**env):
    """Import the settings as the served application (wsgi.py) does, without DEBUG given."""
    probe = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'zielsteuerung.settings'; "
        "from django.conf import settings; print('DEBUG is', settings.DEBUG)"
    )
    hidden = {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in hidden}
    return subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_is_off_unless_set():
    served = served_settings(SECRET_KEY="x" * 50, ALLOWED_HOSTS="zielsteuerung.example")
    assert "DEBUG is False" in served.stdout, served.stderr
    without_key = served_settings(SECRET_KEY="")
    assert without_key.returncode != 0
    assert "SECRET_KEY must be set" in without_key.stderr


def test_the_command_line_of_a_checkout_runs_in_development():
    hidden = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print('DEBUG is', settings.DEBUG)",
        ],
        cwd=ROOT,
        env=hidden,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "DEBUG is True" in result.stdout, result.stderr


def test_make_run_and_demo_turn_debug_on():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run", "demo"):
        recipe = makefile.split(f"\n{target}: install\n", 1)[1].split("\n\n", 1)[0]
        lines = [line.strip() for line in recipe.splitlines() if "manage.py" in line]
        assert lines and all(line.startswith("DEBUG=1 ") for line in lines), (target, lines)


@pytest.mark.django_db
def test_pages_and_downloads_of_a_logged_in_user_are_not_stored(as_user, ministry_user):
    client = as_user(ministry_user)
    for url in (
        reverse("home"),
        reverse("agreements:list"),
        reverse("indicators:upload_template"),
        reverse("dashboards:overview") + "?format=csv",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url
