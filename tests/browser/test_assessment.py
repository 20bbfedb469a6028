"""The habilitation unit's physician on a phone: `vurdering` assesses Maja Lund's referral. Typing in the
search box narrows the conditions in place (htmx), choosing one shows the guide's deadline and fills it in,
and the saved assessment is on the referral with its letters; the page passes axe at 360 px."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Route
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


def _referral_with_conditions() -> Referral:
    """The demo's referral for Maja Lund, assessed against a guide with two conditions."""
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
    return Referral.objects.get(named_as="Maja Lund")


def test_the_physician_assesses_a_referral_with_the_guides_deadline(
    server: LiveServer, phone: BrowserContext
) -> None:
    referral = _referral_with_conditions()
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
    # Chosen at once, while an answer to the search may still be on its way: it does not undo the choice.
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


def test_an_answer_to_a_search_does_not_undo_what_was_typed_after_it_was_sent(
    server: LiveServer, phone: BrowserContext
) -> None:
    """On a slow network the physician types a deadline while the search is on its way: its answer, which
    knows nothing of the deadline, is not shown; the list is asked for again with the deadline."""
    referral = _referral_with_conditions()
    page = phone.new_page()
    sign_in(page, server, "vurdering", DEMO_PASSWORD)
    page.goto(f"{server.url}/referrals/{referral.pk}/assess/")
    held: list[Route] = []

    def hold_the_search(route: Route) -> None:
        searching = route.request.headers.get("hx-trigger-name") == "condition_filter"
        if route.request.method == "POST" and searching:
            held.append(route)
        else:
            route.continue_()

    page.route(f"**/referrals/{referral.pk}/assess/", hold_the_search)
    page.get_by_label("Find a condition").fill("autism")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1, "the search was not sent"
    page.get_by_label("Deadline for the start of care").fill("2027-01-15")
    held[0].continue_()
    page.wait_for_function(
        "() => !document.querySelector('#id_condition').textContent.includes('Utviklingshemning')"
    )
    assert page.locator("#id_care_deadline").input_value() == "2027-01-15"
    assert page.locator("#id_condition_filter").input_value() == "autism"
