"""Consent withdrawn for one organisation and given back, in a real browser on a phone, as the demo's Per:
the coordinator sees the participant who lost access marked on the plan page, and the mark gone once Per
shares with the organisation again. Every page visited is checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from vegviser.access import policy
from vegviser.accounts.models import Notification, User
from vegviser.demo.loader import load_demo
from vegviser.plans.models import IndividualPlan
from vegviser.registry.models import Person

from .conftest import BROWSER_DB, axe_check
from .test_portal_path import PHONE, as_user, portal_nav, submit, visit

pytestmark = [pytest.mark.browser, BROWSER_DB]


def _plan_page(context: BrowserContext, server: LiveServer, plan: IndividualPlan) -> Page:
    coordinator = as_user(context, server, "koordinator")
    response = coordinator.goto(f"{server.url}/plans/{plan.pk}/")
    assert response is not None and response.ok
    axe_check(coordinator)
    return coordinator


def test_consent_withdrawn_for_one_organisation_is_given_back_and_the_coordinator_sees_the_mark_go(
    server: LiveServer, browser: Browser
) -> None:
    load_demo()
    # A phone in English, so the steps read the UI's source text.
    phone = browser.new_context(locale="en-GB", viewport=PHONE)
    phone.set_default_timeout(15_000)
    try:
        _withdraw_and_give_back(server, phone)
    finally:
        phone.close()


def _withdraw_and_give_back(server: LiveServer, phone: BrowserContext) -> None:
    per = Person.objects.get(given_name="Per", family_name="Andersen")
    plan = IndividualPlan.objects.get(person=per)
    lege = User.objects.get(username="lege")
    # The physician takes part for the rehabilitation unit (and also works on the ward's episodes).
    participant = plan.participants.get(user=lege, active=True)
    rehabilitation = participant.organisation

    # Per withdraws the sharing with the hospital's rehabilitation unit only.
    page = as_user(phone, server, "pasient")
    page.goto(f"{server.url}/me/{per.pk}/")
    visit(page, portal_nav(page, "Consent"))
    visit(page, page.locator("main").get_by_role("link", name="Withdraw").first)
    page.get_by_label(f"Only the sharing with {rehabilitation.name}").check()
    submit(page, "Withdraw")
    assert f"{rehabilitation.name} no longer gets information from your plan." in page.content()
    axe_check(page)
    assert policy.plan_role(lege, plan) is None
    assert Notification.objects.filter(user=lege, url="/plans/mine/").exists()

    # The coordinator, told of it, sees who lost access and must be replaced.
    assert Notification.objects.filter(user__username="koordinator", url=f"/plans/{plan.pk}/").exists()
    coordinator = _plan_page(phone, server, plan)
    row = coordinator.locator("main li.card").filter(has_text=participant.name)
    assert row.locator(".ds-tag", has_text="No consent").is_visible()
    assert "can no longer open the plan" in coordinator.locator("main .ds-alert").all_inner_texts()[-1]

    # Per gives it back for that organisation alone.
    page = as_user(phone, server, "pasient")
    page.goto(f"{server.url}/me/{per.pk}/consent/")
    axe_check(page)
    submit(page, f"Share with {rehabilitation.name} again")
    assert f"{rehabilitation.name} gets information from your plan again." in page.content()
    axe_check(page)
    assert policy.plan_role(lege, plan) is not None

    # The mark is gone.
    coordinator = _plan_page(phone, server, plan)
    assert coordinator.locator("main").get_by_text("No consent").count() == 0
