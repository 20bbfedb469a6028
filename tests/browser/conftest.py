"""Browser fixtures: Debian's Chromium, driven by Playwright, against pytest-django's live server.

The live server runs in a thread of the test process, so overrides through the `settings` fixture reach it.
Live-server tests need a transactional database, which is emptied after every test, while the municipalities
come from a data migration: test modules mark themselves with ``BROWSER_DB`` (``serialized_rollback=True``
restores what the migrations left), and the ``server`` fixture reloads the municipalities if still missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from django.conf import settings as django_settings
from django.templatetags.static import static
from django.test import override_settings
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from pytest_django.live_server_helper import LiveServer

from vegviser.registry.models import HealthRegion, Municipality, Organisation
from vegviser.registry.reference import load_municipalities

from ..factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_STATIC_PATH = "vendor/axe-core/axe.min.js"
AXE_JS = Path(django_settings.BASE_DIR) / "static" / AXE_STATIC_PATH
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Violations in full; passes and the rest with one node each, which is all the checks here read.
AXE_RUN_JS = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"

# The accessibility sweep leaves its figures here for the terminal summary (see pytest_terminal_summary).
SWEEP_REPORT = pytest.StashKey[list[str]]()

# Every browser test needs the live server's transactional database, with the migrations' data restored.
BROWSER_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(scope="session", autouse=True)
def _plain_http_live_server() -> Iterator[None]:
    # The root conftest turns SECURE_SSL_REDIRECT off for each test, but SecurityMiddleware reads it once,
    # when pytest-django's session-wide live server builds its handler: without this every page redirects
    # to https. Session scope, so that it is in place before the live server starts.
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


# Package scope rather than session scope: one browser for all the browser tests, closed after the last of
# them, so that neither Playwright's event loop nor DJANGO_ALLOW_ASYNC_UNSAFE outlives them (see below).
@pytest.fixture(scope="package")
def playwright_driver() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        message = "Chromium not installed: run `bash scripts/system-deps.sh`"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (browser tests are required when CI is set)", pytrace=False)
        pytest.skip(message)
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an asyncio event loop running in the test thread for as long as it
        # lives. Django then refuses every synchronous database call from that thread
        # ("SynchronousOnlyOperation"), although nothing here runs concurrently: the loop only talks to the
        # browser. The variable is set in os.environ for exactly that time, and removed afterwards, because
        # child processes inherit it: `check --deploy` in a later test would report it (async.E001).
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as driver:
            yield driver


@pytest.fixture(scope="package")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    browser = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile per test: no cookies, no storage. Norwegian Bokmål, like most users."""
    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(autouse=True)
def _browser_settings(settings: Any) -> None:
    # Password only, so each test can start where it means to; test_two_factor_setup turns the rule back on.
    settings.VEGVISER_REQUIRE_2FA = False


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """Municipalities, health regions and health trusts, as the data migration left them."""
    if not Municipality.objects.filter(number="1804").exists():
        load_municipalities(HealthRegion, Municipality, Organisation)


@pytest.fixture
def server(live_server: LiveServer, reference_data: None) -> LiveServer:
    return live_server


def sign_in(page: Page, live_server: LiveServer, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login form and wait for the page it leads to."""
    page.goto(f"{live_server.url}/account/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/account/login/" not in page.url, f"login as {username!r} failed"


def as_user(context: BrowserContext, server: LiveServer, username: str, password: str = PASSWORD) -> Page:
    """A new page in the profile, signed in as the user alone (whoever was signed in before is not)."""
    context.clear_cookies()
    page = context.new_page()
    sign_in(page, server, username, password)
    return page


def load_axe(page: Page) -> None:
    """Put axe-core on the page, unless it is there already.

    The vendored file is loaded from the live server's static files rather than injected inline: the pages'
    Content-Security-Policy (script-src 'self') blocks inline scripts, and tests must not switch it off.
    """
    assert AXE_JS.is_file(), f"axe-core is missing: {AXE_JS}"
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(url=urljoin(page.url, static(AXE_STATIC_PATH)))


def axe_check(page: Page) -> None:
    """Run axe-core's WCAG 2.0/2.1 A and AA rules on the page and fail on any violation."""
    load_axe(page)
    result: dict[str, Any] = page.evaluate(AXE_RUN_JS, AXE_TAGS)
    assert result["passes"], "axe ran no checks: is the page empty?"
    violations = result["violations"]
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']}" for node in violation["nodes"])
    if violations:
        pytest.fail(
            f"axe found {len(violations)} violation(s) on {page.url}:\n" + "\n".join(lines), pytrace=False
        )


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """The accessibility sweep's figures (pages per user and language, time), shown even under -q."""
    lines = config.stash.get(SWEEP_REPORT, None)
    if lines:
        terminalreporter.write_sep("-", "accessibility sweep")
        for line in lines:
            terminalreporter.write_line(line)
