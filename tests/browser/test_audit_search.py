"""The log search with both kinds of anomaly listed, in a real browser: on a 360 px phone and at 320 px
without sideways scrolling, axe clean, and a row's link followed to its log search with the keyboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from vegviser.audit.models import AccessRecord
from vegviser.audit.services import record_access
from vegviser.registry.models import Municipality, OrganisationKind

from ..factories import MembershipFactory, OrganisationFactory, PersonFactory
from .conftest import BROWSER_DB, axe_check, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]

SEARCH = "/audit/"
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def logs(server: LiveServer) -> dict[str, object]:
    """A unit officer in Bodø; a professional with a long name who read a person with a long name without
    any role, and another who read 21 persons in one day."""
    bodo = Municipality.objects.get(number="1804")
    unit = OrganisationFactory(name="Koordinerende enhet Bodø", kind=OrganisationKind.COORDINATING_UNIT)
    officer = MembershipFactory(organisation=unit, role="ke_officer", user__username="ke").user
    clinic = OrganisationFactory(name="Legesenteret i Bodø sentrum og omegn", municipality=bodo)
    snoop = MembershipFactory(
        organisation=clinic,
        user__username="nysgjerrig",
        user__first_name="Bernhard-Kristoffer Alexander",
        user__last_name="Abrahamsen-Kolstad",
    ).user
    person = PersonFactory(given_name="Marie-Louise Henriette", family_name="Fredriksen-Kristiansen")
    record_access(actor=snoop, person_ids=[person.pk], purpose="plan")
    yesterday = timezone.now() - timedelta(days=1)
    AccessRecord.objects.filter(actor=snoop).update(at=yesterday)
    busy = MembershipFactory(organisation=clinic, user__username="travel").user
    record_access(actor=busy, person_ids=[PersonFactory().pk for _ in range(21)], purpose="registry")
    return {"officer": officer, "snoop": snoop, "person": person}


def _search(page: Page, server: LiveServer) -> None:
    page.goto(server.url + SEARCH)
    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([name])").click()


@pytest.mark.parametrize("width", [360, 320])
def test_the_review_lists_fit_a_phone_and_pass_axe(
    page: Page, server: LiveServer, logs: dict[str, object], width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 740})
    sign_in(page, server, "ke")
    _search(page, server)
    # Both kinds listed: the one who read 21 persons, and the reads without a role (theirs too).
    assert page.locator("main section[aria-labelledby=anomaly-heading] ul").count() == 2
    assert "Fredriksen-Kristiansen" in page.locator("main").inner_text()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), f"the page scrolls sideways at {width} px"
    axe_check(page)


def test_a_row_leads_to_its_log_search_by_keyboard(
    page: Page, server: LiveServer, logs: dict[str, object]
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, server, "ke")
    _search(page, server)
    person = logs["person"]
    row = page.locator("main li", has_text="Fredriksen-Kristiansen")
    link = row.get_by_role("link")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    table = page.locator("main table")
    assert table.locator("tbody tr").count() == 1
    assert "Fredriksen-Kristiansen" in table.inner_text()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    axe_check(page)
    # The person is named in the link by id only: no identity number in any address asked for.
    assert not any(person.national_id in url for url in requested)  # type: ignore[attr-defined]
