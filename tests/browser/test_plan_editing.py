"""The coordinator edits the plan in a real browser, as the demo's `koordinator` on Per's plan: sub-goals,
two tabs saving the same goal, and a meeting whose minutes are approved."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from vegviser.demo.loader import load_demo
from vegviser.demo.world import DEMO_PASSWORD
from vegviser.plans import services
from vegviser.plans.models import Goal, IndividualPlan, Meeting, PlanStatus

from . import test_plan_path
from .conftest import BROWSER_DB, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]

# The profile in English of the whole path, so the steps read the UI's source text.
english = test_plan_path.english


@pytest.fixture
def coordinator(server: LiveServer, english: BrowserContext) -> Page:
    load_demo()
    page = english.new_page()
    sign_in(page, server, "koordinator", DEMO_PASSWORD)
    return page


def pers_plan() -> IndividualPlan:
    return IndividualPlan.objects.get(person__given_name="Per", status=PlanStatus.ACTIVE)


def submit(page: Page, text: str) -> None:
    """Submit the form; a refusal is for the test to check, the conflict page being one."""
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


def test_two_tabs_edit_the_same_goal(server: LiveServer, coordinator: Page, english: BrowserContext) -> None:
    goal = pers_plan().goals.filter(parent__isnull=True).first()
    assert goal is not None
    url = f"{server.url}/plans/goals/{goal.pk}/edit/"
    tab_a = coordinator
    tab_a.goto(url)
    tab_b = english.new_page()
    tab_b.goto(url)
    # B changes one level text and saves first; A changes the goal itself and saves on top.
    tab_b.fill("#id_level_plus_1", "Går 3 km uten hvile")
    submit(tab_b, "Save")
    tab_a.fill("#id_text", "Gå til butikken og hjem igjen")
    submit(tab_a, "Save")
    assert "The changes were saved." in tab_a.content()
    assert "their changes were kept" in tab_a.content()
    goal.refresh_from_db()
    assert (goal.text, goal.level_plus_1) == ("Gå til butikken og hjem igjen", "Går 3 km uten hvile")

    # Both change the expected outcome: that field alone is for A to decide, the rest is merged.
    tab_a.goto(url)
    tab_b.goto(url)
    tab_b.fill("#id_level_0", "2 km med to pauser")
    tab_b.fill("#id_level_minus_2", "Kommer seg ikke ut")
    submit(tab_b, "Save")
    tab_a.fill("#id_level_0", "2 km med én pause")
    tab_a.fill("#id_level_plus_2", "5 km alene")
    submit(tab_a, "Save")
    alert = tab_a.locator(".ds-alert", has_text="Saved by someone else meanwhile")
    assert alert.locator("tbody th").all_inner_texts() == ["0: the expected outcome"]
    assert "2 km med to pauser" in alert.inner_text() and "2 km med én pause" in alert.inner_text()
    assert tab_a.input_value("#id_level_minus_2") == "Kommer seg ikke ut"
    assert tab_a.input_value("#id_level_0") == "2 km med én pause"
    goal.refresh_from_db()
    assert goal.level_0 == "2 km med to pauser"
    submit(tab_a, "Save")
    assert "The changes were saved." in tab_a.content()
    goal.refresh_from_db()
    assert (goal.level_0, goal.level_plus_2, goal.level_minus_2) == (
        "2 km med én pause",
        "5 km alene",
        "Kommer seg ikke ut",
    )
