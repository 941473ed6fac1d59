"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

A missing browser skips these tests on a developer machine, but fails them when
REQUIRE_BROWSER=1 (as .ci/run sets), so that CI never passes without running them.
"""

import contextlib
import functools
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
# axe-core from the npm registry (tests/e2e/vendor/axe-core-LICENSE, MPL 2.0).
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PAGE_FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"
CHARTS_FIT = """() => [...document.querySelectorAll(".js-plotly-plot")].every(chart => {
    const svg = chart.querySelector(".main-svg");
    return !svg || Math.abs(svg.getBoundingClientRect().width - chart.clientWidth) < 2;
})"""

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


class PageProblems(list):
    """Console errors, page errors and CSP violations seen while a test ran."""


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport=DESKTOP)
    page = context.new_page()
    problems = PageProblems()

    def on_console(msg):
        # Chromium logs every 4xx/5xx answer as "Failed to load resource", the page itself
        # too (a form with errors answers 400); on_response judges those.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            problems.append(f"console.{msg.type}: {msg.text}")

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
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


IS_FOCUSED = "el => el === document.activeElement"


def has_focus(locator):
    """Whether the element of the locator holds the keyboard focus."""
    return locator.evaluate(IS_FOCUSED)


def tab_to(page, target, *, backwards=False, limit=80):
    """Move the focus to target with the keyboard only: press Tab (Shift+Tab when backwards)
    from wherever the focus is until target holds it; fail when it is not reached in limit
    presses (the control is not in the tab order, or the order is broken)."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if has_focus(target):
            return
        page.keyboard.press(key)
    assert has_focus(target), f"Mit {key} nicht erreichbar in {limit} Schritten: {target}"


def download(page, link_name):
    """Download what the page's own link with this name points to, and return its bytes.

    The product serves its PDFs inline, so a plain click opens Chromium's PDF viewer, whose
    page holds no PDF bytes; Alt+click is the browser's own "save the linked file".
    """
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click(modifiers=["Alt"])
    path = download_info.value.path()
    with open(path, "rb") as file:
        return file.read()


def pdf_text(content):
    """Check that the bytes are a PDF and return its text, whitespace collapsed."""
    from io import BytesIO

    from pypdf import PdfReader

    assert content[:5] == b"%PDF-", f"Kein PDF: {content[:40]!r}"
    reader = PdfReader(BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def screenshot(page, name):
    """Save a screenshot that docs/ shows."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def check_accessibility(page, name):
    """Fail when axe-core finds a WCAG 2.1 A/AA violation on the page as it is now, or when the
    page body scrolls sideways on a phone (390 px wide).

    The strict CSP blocks an injected <script> element, so axe's source is evaluated through
    the DevTools protocol, which the page's CSP does not govern; the page itself stays under
    its CSP and the page fixture still sees every violation of it.
    """
    problems = accessibility_problems(page)
    assert not problems, f"Barrierefreiheit von {name}: " + "; ".join(problems)


def accessibility_problems(page):
    """The axe-core violations (rule, help, elements) and the sideways scrolling at 390 px."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => ({
                id: v.id, help: v.help, targets: v.nodes.map(n => n.target.join(" ")),
            }));
        }""",
        AXE_TAGS,
    )
    problems = [
        f"{v['id']} ({v['help']}): {', '.join(v['targets'][:5])}"
        + (f" und {len(v['targets']) - 5} weitere" if len(v["targets"]) > 5 else "")
        for v in violations
    ]
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page.set_viewport_size(PHONE)
    try:
        # Charts redraw for the new width a moment after the resize; wait for the page to fit.
        with contextlib.suppress(PlaywrightTimeoutError):
            page.wait_for_function(PAGE_FITS, timeout=3000)
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    finally:
        page.set_viewport_size(DESKTOP)
        page.wait_for_function(CHARTS_FIT)
    if widths[0] > widths[1]:
        problems.append(
            f"Bei 390 px Breite scrollt die Seite seitlich ({widths[0]} px Inhalt "
            f"auf {widths[1]} px)"
        )
    return problems


@functools.cache
def _axe_source():
    return AXE.read_text(encoding="utf-8")
