"""The coordinator edits the plan in a real browser, as the demo's `koordinator` on Per's plan: sub-goals,
two tabs saving the same goal, and a meeting whose minutes are approved."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from vegviser.demo.loader import load_demo
from vegviser.demo.world import DEMO_PASSWORD
from vegviser.plans import services
from vegviser.plans.models import Goal, IndividualPlan, Meeting, PlanStatus

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


def test_approved_minutes_lock_the_meeting(server: LiveServer, coordinator: Page) -> None:
    plan = pers_plan()
    starts = timezone.now() - timedelta(hours=3)
    meeting = services.schedule_meeting(
        actor=None,
        plan=plan,
        data={
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=1),
            "place": "Bodø rådhus",
            "invited": list(plan.participants.filter(active=True)),
        },
    )
    coordinator.goto(f"{server.url}/plans/meetings/{meeting.pk}/")
    with coordinator.expect_navigation():
        coordinator.get_by_role("link", name="Edit the meeting or write the minutes").click()
    coordinator.fill("#id_minutes", "Vi ble enige om ny gangtrening.")
    submit(coordinator, "Save")
    submit(coordinator, "Approve the minutes")
    assert "The minutes were approved." in coordinator.content()
    main = coordinator.locator("main")
    assert main.get_by_role("link", name=re.compile("Edit the meeting")).count() == 0
    assert main.get_by_role("link", name="Record a decision").count() == 0
    assert main.get_by_role("button", name="Cancel the meeting").count() == 0
    approved = Meeting.objects.get(pk=meeting.pk)
    # Typed in by hand, the edit page leads back to the meeting and says why.
    coordinator.goto(f"{server.url}/plans/meetings/{meeting.pk}/edit/")
    assert coordinator.url.rstrip("/").endswith(str(meeting.pk))
    assert "The minutes are approved, so the meeting can no longer be changed." in coordinator.content()
    saved = Meeting.objects.get(pk=meeting.pk)
    assert (saved.starts_at, saved.place, saved.version) == (
        approved.starts_at,
        "Bodø rådhus",
        approved.version,
    )
