"""The habilitation unit's clerk on a phone looks up a condition in the priority guides from the work list:
searches, narrows to one guide, opens the condition and reads Helsedirektoratet's text with its source. Both
pages pass axe and reflow to 360 px."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext
from pytest_django.live_server_helper import LiveServer

from vegviser.demo.loader import load_demo
from vegviser.demo.world import DEMO_PASSWORD

from .conftest import BROWSER_DB, axe_check, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def test_the_clerk_looks_up_a_condition(server: LiveServer, phone: BrowserContext) -> None:
    load_demo()
    page = phone.new_page()
    sign_in(page, server, "henvisning", DEMO_PASSWORD)
    page.goto(f"{server.url}/referrals/")
    main = page.locator("main")
    with page.expect_navigation():
        main.get_by_role("link", name="Search the priority guides").click()
    assert "Følger av hjerneskade - raskt progredierende funksjonssvikt" in main.inner_text()
    axe_check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("searchbox").fill("autisme")
    page.get_by_role("combobox").select_option("habilitation_adults")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    rows = main.locator("tbody tr")
    assert rows.count() == 1
    row = rows.first
    assert row.locator('td[data-label="Suggested right"]').inner_text().strip() == "Yes"
    assert row.locator('td[data-label="Suggested deadline"]').inner_text().strip() == (
        "16 weeks, start of assessment"
    )
    # The search is kept in the form.
    assert page.get_by_role("searchbox").input_value() == "autisme"

    with page.expect_navigation():
        row.get_by_role("link").click()
    text = main.inner_text()
    assert "Helsehjelpen anses sannsynligvis å være kostnadseffektiv" in text
    assert "risiko for alvorlig selvskading" in text
    source = main.get_by_role("link", name="https://01.fastlegeportalen.no/veiledere/section/9461/")
    assert source.count() == 1
    axe_check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
