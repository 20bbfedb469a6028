"""Per on a 360 px phone opens his results from the portal: the charts fit the screen with legible text, are
named by their summary sentence for a screen reader, are styled under the strict content security policy with
nothing refused, sit beside their tables, and the page passes axe. His coordinator sees the same charts on the
plan's results page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from vegviser.demo.loader import load_demo
from vegviser.demo.world import DEMO_PASSWORD
from vegviser.plans.models import IndividualPlan

from .conftest import BROWSER_DB, axe_check, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def _refusals(page: Page) -> list[str]:
    """What the content security policy refuses on the page, as the console reports it."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return refused


def _charts_fit_and_read(page: Page, refused: list[str]) -> None:
    walk = page.get_by_role("img", name=re.compile(r"6-minute walk distance: 3 values from"))
    walk.scroll_into_view_if_needed()
    box = walk.bounding_box()
    assert box is not None
    assert 250 <= box["width"] <= 360, box
    # The page does not scroll sideways.
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    # The stylesheet's classes apply: the line is drawn, not filled.
    line = walk.locator(".chart__line")
    assert line.evaluate("el => getComputedStyle(el).fill") == "none"
    assert line.evaluate("el => getComputedStyle(el).stroke") != "none"
    # The axis labels are at least 10 CSS pixels tall on the phone.
    label = walk.locator(".chart__label").first
    height = label.evaluate("el => el.getBoundingClientRect().height")
    assert height >= 10, height
    # The data as a table beside it.
    assert page.get_by_role("table").filter(has_text="6-minute walk distance").count() == 1
    assert not refused, refused


def test_per_reads_his_progress_on_a_phone(server: LiveServer, phone: BrowserContext) -> None:
    load_demo()
    page = phone.new_page()
    refused = _refusals(page)
    sign_in(page, server, "pasient", DEMO_PASSWORD)
    page.goto(f"{server.url}/me/")
    with page.expect_navigation():
        page.get_by_role("link", name="My results").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "My results and progress"
    changed = page.get_by_role("region", name="What has changed").inner_text()
    assert "You walked 240 metres further than on" in changed
    _charts_fit_and_read(page, refused)
    # A profile has its table and no chart.
    assert page.get_by_role("img", name=re.compile("EQ-5D-5L profile")).count() == 0
    axe_check(page)


def test_the_coordinator_sees_the_charts_on_the_plans_results_page(
    server: LiveServer, phone: BrowserContext
) -> None:
    load_demo()
    plan = IndividualPlan.objects.get(person__given_name="Per")
    page = phone.new_page()
    refused = _refusals(page)
    sign_in(page, server, "koordinator", DEMO_PASSWORD)
    page.goto(f"{server.url}/assessments/plans/{plan.pk}/")
    _charts_fit_and_read(page, refused)
    assert page.get_by_role("heading", name="Goals over time").count() == 1
    axe_check(page)
