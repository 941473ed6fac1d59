"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

A missing browser skips these tests on a developer machine, but fails them when
REQUIRE_BROWSER=1 (as .ci/run sets), so that CI never passes without running them.
"""

import importlib
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself
# (creating users and data) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium fehlt unter {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests flush the database afterwards, data migrations included.

    Load the organisations and the indicator catalogue again, as the migrations do, so that
    every browser test starts from the same world whatever ran before it.
    """
    if "django_db_setup" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps as django_apps

    from zielsteuerung.models import Organisation

    if not Organisation.objects.exists():
        for app, name in (
            ("zielsteuerung", "0002_organisations"),
            ("indicators", "0002_catalogue"),
        ):
            importlib.import_module(f"{app}.migrations.{name}").load(django_apps, None)


class PageProblems(list):
    """Console errors, page errors and CSP violations seen while a test ran."""


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="de-DE", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    problems = PageProblems()
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    page.problems = problems
    yield page
    context.close()
    assert not problems, "Fehler im Browser: " + "; ".join(problems)


@pytest.fixture
def login(page):
    """Log in through the real login form."""
    from tests.conftest import PASSWORD

    def do_login(user, password=PASSWORD):
        page.goto("/anmelden/")
        page.get_by_label("Benutzername").fill(user.username)
        page.get_by_label("Passwort").fill(password)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_load_state("networkidle")
        return page

    return do_login


def screenshot(page, name):
    """Save a screenshot that docs/ shows."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
