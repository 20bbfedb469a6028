"""The coordinator edits the plan in a real browser, as the demo's `koordinator` on Per's plan: sub-goals,
two tabs saving the same goal, and a meeting whose minutes are approved."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from vegviser.demo.loader import load_demo
from vegviser.demo.world import DEMO_PASSWORD
from vegviser.plans.models import Goal, IndividualPlan, PlanStatus

from .conftest import BROWSER_DB, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.fixture
def english(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def coordinator(server: LiveServer, english: BrowserContext) -> Page:
    load_demo()
    page = english.new_page()
    sign_in(page, server, "koordinator", DEMO_PASSWORD)
    return page


def pers_plan() -> IndividualPlan:
    return IndividualPlan.objects.get(person__given_name="Per", status=PlanStatus.ACTIVE)


def submit(page: Page, text: str) -> None:
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name=text, exact=True).click()


def test_the_coordinator_adds_a_sub_goal(server: LiveServer, coordinator: Page) -> None:
    plan = pers_plan()
    main = plan.goals.filter(parent__isnull=True).first()
    assert main is not None
    coordinator.goto(f"{server.url}/plans/{plan.pk}/")
    card = coordinator.locator("article", has=coordinator.get_by_role("heading", name=main.text, exact=True))
    with coordinator.expect_navigation():
        card.get_by_role("link", name="Add a sub-goal").first.click()
    assert coordinator.input_value("#id_parent") == str(main.pk)
    coordinator.fill("#id_text", "Gå til postkassen alene")
    submit(coordinator, "Save")
    assert not coordinator.locator("[data-error-summary]").count(), coordinator.content()
    assert "The goal was added." in coordinator.content()
    assert Goal.objects.get(text="Gå til postkassen alene").parent == main
    assert coordinator.get_by_role("heading", name=re.compile("Sub-goal: Gå til postkassen alene")).count()
