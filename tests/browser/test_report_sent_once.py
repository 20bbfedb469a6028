"""A double click on "Send the report" stores the report once: the page's script lets the form go once, and
without the script the server's one-time token does (vegviser/core/once.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from vegviser.intake.models import NeedReport
from vegviser.registry.models import Municipality, OrganisationKind

from ..factories import MembershipFactory, OrganisationFactory, PersonFactory
from .conftest import BROWSER_DB, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]


def _fill(page: Page, server: LiveServer, national_id: str) -> None:
    page.goto(f"{server.url}/intake/reports/new/")
    page.fill("#id_national_id", national_id)
    page.fill("#id_given_name", "Sara")
    page.fill("#id_family_name", "Lind")
    page.select_option("#id_municipality", "1804")
    page.check("#id_needs_plan")
    page.fill("#id_description", "Trenger hjelp fra mange tjenester etter ulykken.")
    page.check("#id_channel_0")
    page.check("#id_consent_to_report_0")


@pytest.mark.parametrize("script", [True, False], ids=["with the script", "without the script"])
def test_a_double_click_on_send_stores_the_report_once(
    server: LiveServer, browser: Browser, script: bool
) -> None:
    physio = OrganisationFactory(
        kind=OrganisationKind.PHYSIOTHERAPY, municipality=Municipality.objects.get(number="1804")
    )
    reporter = MembershipFactory(organisation=physio, role="coordinator").user
    person = PersonFactory()
    context = browser.new_context(locale="en-GB", java_script_enabled=script)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, server, reporter.username)
        posts: list[str] = []
        page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
        _fill(page, server, person.national_id)
        with page.expect_navigation(url="**/intake/reports/mine/"):
            page.dblclick("main form button[type=submit]")
        # Both clicks' requests have been answered once the page of the last one is shown.
        page.wait_for_load_state("load")
        assert NeedReport.objects.filter(person=person).count() == 1
        assert len(posts) == 1, posts
        assert page.locator("main").get_by_text("Sara Lind").count() == 1
    finally:
        context.close()


SENT_AGAIN = "async (form) => [await send(form), await send(form)]"
SENT_SIDE_BY_SIDE = "async (form) => Promise.all([send(form), send(form)])"


# Side by side on PostgreSQL only: the live server shares the test's in-memory SQLite connection among its
# threads, which refuses a second writer instead of letting it wait as a database file does.
@pytest.mark.parametrize(
    "sending",
    [SENT_AGAIN, pytest.param(SENT_SIDE_BY_SIDE, marks=pytest.mark.postgresql)],
    ids=["again", "side by side"],
)
def test_the_same_form_sent_twice_from_the_page_stores_the_report_once(
    server: LiveServer, browser: Browser, sending: str
) -> None:
    """What a script cannot stop, a request sent again: the filled form's data posted twice, one after the
    other and side by side."""
    physio = OrganisationFactory(kind=OrganisationKind.PHYSIOTHERAPY)
    reporter = MembershipFactory(organisation=physio, role="coordinator").user
    person = PersonFactory()
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, server, reporter.username)
        _fill(page, server, person.national_id)
        page.evaluate(
            "() => { window.send = async (form) => { const answer = await fetch(form.action, "
            "{method: 'POST', body: new FormData(form)}); return [answer.status, answer.url]; }; }"
        )
        statuses = page.locator("main form").evaluate(sending)
        assert [status for status, _url in statuses] == [200, 200]
        assert all(url.endswith("/intake/reports/mine/") for _status, url in statuses)
        assert NeedReport.objects.filter(person=person).count() == 1
    finally:
        context.close()
