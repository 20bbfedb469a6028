"""Per answers his overdue PSFS on a phone: the portal's overview tells him there is one, the form says it was
due and can still be answered, a rating out of range is explained with nothing typed lost, "save and continue
later" keeps what he typed, and sending shows a plain summary; each page passes axe at 360 px."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext
from pytest_django.live_server_helper import LiveServer

from vegviser.assessments.models import SentQuestionnaire
from vegviser.demo.loader import load_demo
from vegviser.demo.world import DEMO_PASSWORD
from vegviser.registry.models import Person

from .conftest import BROWSER_DB, axe_check, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def _fits(page: object) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    assert width <= PHONE["width"], f"the page is {width} px wide on a 360 px phone"


def test_per_answers_his_overdue_psfs_on_a_phone(server: LiveServer, phone: BrowserContext) -> None:
    load_demo()
    per = Person.objects.get(given_name="Per", family_name="Andersen")
    waiting = SentQuestionnaire.objects.get(person=per, administration__isnull=True, closed_at__isnull=True)
    page = phone.new_page()
    sign_in(page, server, "pasient", DEMO_PASSWORD)
    page.goto(f"{server.url}/me/{per.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="There is 1 questionnaire to answer.").click()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Patient-Specific Functional Scale (PSFS)").first.click()
    assert "You can still answer it" in page.content()
    _fits(page)
    axe_check(page)
    activities = page.get_by_role("textbox", name="Activity (in your own words)")
    ratings = page.get_by_role("textbox", name="How well can you do the activity today?")
    for index, (activity, rating) in enumerate(
        [("Gå tur i skogen med Anne", "8"), ("Jobbe en hel arbeidsdag", "11"), ("Kjøre bil", "5")]
    ):
        activities.nth(index).fill(activity)
        ratings.nth(index).fill(rating)
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answers").click()
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    # Nothing typed is lost: the bad rating and the activities are still there to put right.
    assert ratings.nth(1).input_value() == "11"
    assert activities.nth(2).input_value() == "Kjøre bil"
    axe_check(page)
    ratings.nth(1).fill("6")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue later").click()
    waiting.refresh_from_db()
    assert waiting.draft["activities__1__rating"] == "6" and waiting.administration_id is None
    page.goto(f"{server.url}/me/questionnaires/{waiting.pk}/")
    assert (
        page.get_by_role("textbox", name="How well can you do the activity today?").nth(1).input_value()
        == "6"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answers").click()
    assert "Your result" in page.content()
    assert "better than last time" in page.content()
    _fits(page)
    axe_check(page)
    waiting.refresh_from_db()
    assert waiting.administration is not None and waiting.administration.in_portal
