"""A professional who tries the addresses of plans they have no part in is refused each time with the site's
404 page, and the unit's log search lists them for review, with the attempts in the log."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from vegviser.audit.selectors import ANOMALY_REFUSALS_PER_DAY
from vegviser.registry.models import OrganisationKind

from ..factories import IndividualPlanFactory, MembershipFactory, OrganisationFactory
from .conftest import BROWSER_DB, axe_check, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_foreign_plans_tried_one_after_another_are_listed_for_review(page: Page, server: LiveServer) -> None:
    unit = OrganisationFactory(name="Koordinerende enhet Bodø", kind=OrganisationKind.COORDINATING_UNIT)
    MembershipFactory(organisation=unit, role="ke_officer", user__username="ke")
    MembershipFactory(
        organisation=OrganisationFactory(name="Bodø skole", kind=OrganisationKind.SCHOOL),
        user__username="nysgjerrig",
        user__first_name="Nils",
        user__last_name="Nysgjerrig",
    )
    plans = IndividualPlanFactory.create_batch(ANOMALY_REFUSALS_PER_DAY + 1)

    sign_in(page, server, "nysgjerrig")
    for plan in plans:
        response = page.goto(f"{server.url}/plans/{plan.pk}/")
        assert response is not None and response.status == 404
        assert page.locator("h1").inner_text() == "Fant ikke siden"
    assert "no-store" in (response.headers.get("cache-control") or "")

    page.context.clear_cookies()
    sign_in(page, server, "ke")
    page.goto(server.url + "/audit/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([name])").click()
    row = page.locator("main li", has_text="Nils Nysgjerrig")
    assert f"avvist {len(plans)} ganger" in row.inner_text()
    axe_check(page)
    row.get_by_role("link").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    rows = page.locator("main table tbody tr", has_text="Avvist")
    assert rows.count() == len(plans)
    assert "individuell plan" in rows.first.inner_text()
