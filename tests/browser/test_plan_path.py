"""The whole path in a real browser, as the demo users: `fysio` reports a need, `ke` decides, records consent
and appoints `koordinator`, who makes the plan with goals and measures, holds a meeting with minutes,
evaluates with a T-score, and downloads the PDF with every element a–i."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from vegviser.demo.loader import load_demo
from vegviser.demo.world import DEMO_PASSWORD
from vegviser.plans.models import Evaluation, IndividualPlan, PlanStatus
from vegviser.registry.identity import synthetic_national_id

from .conftest import BROWSER_DB, axe_check, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]

GIVEN, FAMILY = "Solveig", "Stien"


@pytest.fixture
def english(browser: Browser) -> Iterator[BrowserContext]:
    """A profile in English, so the steps read the UI's source text; other languages are tested elsewhere."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context
    context.close()


def as_user(context: BrowserContext, server: LiveServer, username: str) -> Page:
    context.clear_cookies()
    page = context.new_page()
    sign_in(page, server, username, DEMO_PASSWORD)
    return page


def submit(page: Page, text: str) -> None:
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name=text, exact=True).click()
    errors = page.locator("[data-error-summary]")
    assert not errors.count(), f"the form was refused: {errors.inner_text()}"


def test_report_to_plan_to_pdf(server: LiveServer, english: BrowserContext) -> None:
    load_demo()
    today = timezone.localdate()
    number = synthetic_national_id(date(1961, 4, 9), 3)

    # A physiotherapist reports the need.
    page = as_user(english, server, "fysio")
    page.goto(f"{server.url}/intake/reports/new/")
    page.fill("#id_national_id", number)
    page.fill("#id_given_name", GIVEN)
    page.fill("#id_family_name", FAMILY)
    page.select_option("#id_municipality", label="Bodø")
    page.check("#id_needs_plan")
    page.check("#id_needs_coordinator")
    page.fill("#id_description", "Trenger koordinert rehabilitering etter hjerneslag, hjemme og på jobb.")
    page.check("#id_channel_0")
    page.check("#id_consent_to_report_0")
    submit(page, "Send the report")
    assert "The report was sent to the coordinating unit in Bodø" in page.content()

    # The coordinating unit decides, records consent and appoints the coordinator.
    page = as_user(english, server, "ke")
    page.goto(f"{server.url}/intake/reports/")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(f"{GIVEN} {FAMILY}")).click()
    with page.expect_navigation():
        page.get_by_role("link", name="Decide", exact=True).click()
    page.check("#id_plan_granted")
    page.check("#id_coordinator_granted")
    submit(page, "Save the decision")
    assert "The decision was saved." in page.content()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("in the person registry")).click()
    with page.expect_navigation():
        page.get_by_role("link", name="Record consent").click()
    for organisation in page.locator("input[name=shared_with]").all():
        organisation.check()
    page.check("#id_evidence_1")  # oral, with a journal reference
    page.fill("#id_journal_reference", "Journal 2026/77")
    submit(page, "Record consent")
    assert "The consent was recorded." in page.content()
    with page.expect_navigation():
        page.get_by_role("link", name="Appoint a coordinator").click()
    page.select_option("#id_coordinator", label="Kristian Olsen")
    page.select_option("#id_organisation", label="Hjemmetjenesten, Bodø kommune")
    page.fill("#id_started_on", today.isoformat())
    submit(page, "Appoint")
    assert "The coordinator was appointed." in page.content()

    # The coordinator makes the plan.
    page = as_user(english, server, "koordinator")
    page.goto(f"{server.url}/plans/mine/")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(f"Start the plan {GIVEN} {FAMILY}")).click()
    submit(page, "Start the plan")
    assert "The plan was started as a draft." in page.content()
    plan_url = page.url
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Edit what matters")).click()
    page.fill("#id_what_matters", "Å komme tilbake på jobb og gå turer i marka.")
    page.fill("#id_resources", "Sta, god familie")
    page.fill("#id_needs", "Trening, tilrettelegging på jobb")
    page.fill("#id_collaboration", "NAV og arbeidsgiver")
    page.fill("#id_period_start", today.isoformat())
    page.fill("#id_period_end", (today + timedelta(days=365)).isoformat())
    page.fill("#id_next_revision", (today + timedelta(days=180)).isoformat())
    submit(page, "Save")
    with page.expect_navigation():
        page.get_by_role("link", name="Add a goal", exact=True).click()
    page.fill("#id_text", "Gå 2 km i marka uten hvile")
    page.fill("#id_level_minus_2", "Går ikke ute")
    page.fill("#id_level_minus_1", "500 m med hvile")
    page.fill("#id_level_0", "2 km med én hvile")
    page.fill("#id_level_plus_1", "2 km uten hvile")
    page.fill("#id_level_plus_2", "5 km uten hvile")
    page.fill("#id_importance", "3")
    page.fill("#id_difficulty", "2")
    submit(page, "Save")
    with page.expect_navigation():
        page.get_by_role("link", name="Add a measure", exact=True).click()
    page.fill("#id_title", "Gangtrening med fysioterapeut")
    page.fill("#id_scope", "To ganger i uka")
    page.select_option("#id_responsible_participant", index=1)
    page.fill("#id_how", "Ute, i nærmiljøet")
    page.locator("input[name=goals]").first.check()
    submit(page, "Save")
    assert "The measure was added." in page.content()
    with page.expect_navigation():
        page.get_by_role("link", name="Make the plan active").click()
    # What the person will contribute (d) is not written yet: the coordinator decides to go ahead.
    page.fill("#id_reason", "Personen skriver sitt bidrag selv i portalen.")
    submit(page, "Make active without them")
    assert "The plan is now active." in page.content()
    axe_check(page)

    # A meeting of the responsibility group, with minutes approved.
    with page.expect_navigation():
        page.get_by_role("link", name="Schedule a meeting").click()
    started = timezone.localtime() - timedelta(hours=2)
    page.fill("#id_starts_at", started.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (started + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "Bodø rådhus, møterom 2")
    page.fill("#id_agenda", "Mål og tiltak")
    submit(page, "Schedule")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Edit the meeting")).first.click()
    page.fill("#id_minutes", "Vi ble enige om gangtrening to ganger i uka.")
    submit(page, "Save")
    submit(page, "Approve the minutes")
    assert "approved" in page.content().lower()

    # An evaluation with the goal attainment T-score.
    page.goto(plan_url)
    with page.expect_navigation():
        page.get_by_role("link", name="Evaluate the plan").click()
    page.locator("input[type=radio][name^=goal_][value='0']").first.check()
    submit(page, "Save the evaluation")
    evaluation = Evaluation.objects.get(plan__person__national_id=number)
    assert evaluation.t_score == pytest.approx(50.0)
    assert "50.0" in page.content() or "50,0" in page.content()

    # The PDF holds every element a–i.
    plan = IndividualPlan.objects.get(person__national_id=number)
    assert plan.status == PlanStatus.ACTIVE
    response = page.request.get(f"{server.url}/plans/{plan.pk}/plan.pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(BytesIO(response.body())).pages)
    for letter in "abcdefghi":
        assert f"{letter}." in text
    assert "Gå 2 km i marka uten hvile" in text and "Gangtrening med fysioterapeut" in text


def test_a_draft_is_offered_back_after_the_session_ended(server: LiveServer, english: BrowserContext) -> None:
    load_demo()
    plan = IndividualPlan.objects.get(person__given_name="Per", status=PlanStatus.ACTIVE)
    edit = f"{server.url}/plans/{plan.pk}/edit/"
    page = as_user(english, server, "koordinator")
    page.goto(edit)
    page.fill("#id_needs", "Skrevet, men ikke lagret før økten gikk ut")
    # The session ends (as after 30 idle minutes); the same tab logs in again and opens the form.
    english.clear_cookies()
    sign_in(page, server, "koordinator", DEMO_PASSWORD)
    page.goto(edit)
    assert page.input_value("#id_needs") != "Skrevet, men ikke lagret før økten gikk ut"
    page.get_by_role("button", name="Restore the draft").click()
    assert page.input_value("#id_needs") == "Skrevet, men ikke lagret før økten gikk ut"
    axe_check(page)
    submit(page, "Save")
    assert "The changes were saved." in page.content()
    # Saved: the draft is gone, so nothing is offered any more.
    page.goto(edit)
    assert page.get_by_role("button", name="Restore the draft").count() == 0
