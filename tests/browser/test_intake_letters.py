"""The coordinating unit's and the reporter's journeys in a real browser, as the demo users: `ke` opens the
report undecided for more than 30 days, sends an interim reply through its form and reads the letter in the
person's language; a report a few days old offers none; `fysio`, who reported it, sees the name typed and that
it is not decided, and nothing of the handling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext
from pytest_django.live_server_helper import LiveServer

from vegviser.demo.loader import load_demo
from vegviser.intake.models import InterimReply, NeedReport

from .conftest import BROWSER_DB, as_user, axe_check

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_the_unit_sends_an_interim_reply_and_the_reporter_sees_only_their_own(
    server: LiveServer, english: BrowserContext
) -> None:
    load_demo()
    waiting = NeedReport.objects.get(person__given_name="Jonas")
    recent = NeedReport.objects.get(person__given_name="Sigrid")
    expected = timezone.localdate() + timedelta(days=14)

    page = as_user(english, server, "ke")
    page.goto(f"{server.url}/intake/reports/")
    with page.expect_navigation():
        page.get_by_role("link", name="Jonas Berg").first.click()
    assert waiting.case_number in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Send an interim reply").click()
    axe_check(page)
    page.get_by_label("Why the decision takes time").fill("Vi venter på en uttalelse fra fastlegen.")
    page.get_by_label("Decision expected by").fill(expected.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Save and show the letter").click()
    # The letter, in Jonas's language (Bokmål), with the case number, the date and the unit's contact details.
    letter = page.locator("main").inner_text()
    for text in [
        "Foreløpig svar",
        waiting.case_number,
        expected.strftime("%d.%m.%Y"),
        "Vi venter på en uttalelse fra fastlegen.",
        "forvaltningsloven § 18",
        "Statsforvalteren",
        "75 55 50 00",
    ]:
        assert text in letter, text
    assert InterimReply.objects.filter(report=waiting).count() == 1
    page.goto(f"{server.url}/intake/reports/{waiting.pk}/")
    assert "Interim replies" in page.locator("main").inner_text()

    # A report three days old: no interim reply is offered.
    page.goto(f"{server.url}/intake/reports/{recent.pk}/")
    assert page.get_by_role("link", name="Send an interim reply").count() == 0

    # The reporter: the name typed and whether it was decided, nothing of the handling.
    page = as_user(english, server, "fysio")
    page.goto(f"{server.url}/intake/reports/mine/")
    axe_check(page)
    row = page.locator("tr", has_text="Jonas Berg")
    assert "Not decided yet" in row.inner_text()
    with page.expect_navigation():
        row.get_by_role("link").click()
    shown = page.locator("main").inner_text()
    assert "Nakkeskade etter trafikkulykke" in shown
    for hidden in ["Interim replies", "Officer", "Kari Enge", "more than 30 days", "Send an interim reply"]:
        assert hidden not in shown, hidden
