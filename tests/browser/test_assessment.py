"""The habilitation unit's physician on a phone: `vurdering` assesses Maja Lund's referral. Typing in the
search box narrows the conditions in place (htmx), choosing one shows the guide's deadline and fills it in,
and the saved assessment is on the referral with its letters; the page passes axe at 360 px."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext
from pytest_django.live_server_helper import LiveServer

from vegviser.demo.loader import load_demo
from vegviser.demo.world import DEMO_PASSWORD
from vegviser.referrals.models import Assessment, PriorityGuide, PriorityGuideCondition, Referral

from .conftest import BROWSER_DB, axe_check, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def test_the_physician_assesses_a_referral_with_the_guides_deadline(
    server: LiveServer, phone: BrowserContext
) -> None:
    load_demo()
    for title, weeks in [("Autismespekterforstyrrelse, utredning", 16), ("Utviklingshemning, utredning", 26)]:
        PriorityGuideCondition.objects.get_or_create(
            source_id=f"browser:{title}",
            defaults={
                "guide": PriorityGuide.HABILITATION_ADULTS,
                "title": title,
                "suggested_weeks": weeks,
                "care_type": "assessment",
                "suggests_right": True,
            },
        )
    referral = Referral.objects.get(named_as="Maja Lund")
    page = phone.new_page()
    sign_in(page, server, "vurdering", DEMO_PASSWORD)
    page.goto(f"{server.url}/referrals/{referral.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Assess the referral").click()
    axe_check(page)
    # Saved with nothing chosen: the errors first, with focus, and the page still accessible.
    with page.expect_navigation():
        page.get_by_role("button", name="Save the assessment").click()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')"), "summary not focused"
    assert "Right: This field is required." in page.locator("[data-error-summary]").inner_text()
    axe_check(page)
    main = page.locator("main")
    select = page.get_by_label("Priority-guide condition")
    assert "Utviklingshemning" in select.inner_text()
    page.get_by_label("Find a condition").press_sequentially("autism")
    page.wait_for_function(
        "() => !document.querySelector('#id_condition').textContent.includes('Utviklingshemning')"
    )
    assert "Autismespekterforstyrrelse" in select.inner_text()
    # Every letter typed asks for the list again, the last one 400 ms after typing stops: choose once it has
    # come: a search whose delay ends after a choice still replaces the choice's request.
    page.wait_for_load_state("networkidle")
    select.select_option(label="Autismespekterforstyrrelse, utredning")
    suggested = referral.received_on + timedelta(weeks=16)
    page.wait_for_function(
        f"() => document.querySelector('#id_care_deadline').value === '{suggested.isoformat()}'"
    )
    assert f"The guide suggests care to start by {suggested:%d.%m.%Y}" in main.inner_text()
    page.get_by_role("radio", name="Right to necessary specialist health care", exact=True).check()
    page.locator("#id_benefit_1").check()
    page.locator("#id_severity_1").check()
    page.locator("#id_cost_effectiveness_1").check()
    page.get_by_role("radio", name="Called in", exact=True).check()
    page.get_by_label("Date of the first appointment").fill((suggested - timedelta(days=14)).isoformat())
    page.get_by_label("Time of the first appointment").fill("09:30")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Save the assessment").click()
    assert page.url == f"{server.url}/referrals/{referral.pk}/"
    assessment = Assessment.objects.get(referral=referral)
    assert assessment.care_deadline == suggested == assessment.suggested_deadline
    assert f"{suggested:%d.%m.%Y}" in main.inner_text()
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Show").first.click()
    assert "Svar på henvisning til spesialisthelsetjenesten" in page.locator("main").inner_text()
