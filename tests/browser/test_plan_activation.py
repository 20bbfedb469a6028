"""Issue 19, point 10, in a real browser and in each language: the coordinator tries to make an incomplete
plan active, is shown what it lacks in the regulation's words, and makes it active with the reason; the
person confirms in the portal that they have read the plan and agree to it; the coordinator sees it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from vegviser.plans.models import IndividualPlan, PlanAgreement, PlanStatus

from ..conftest import World
from ..factories import PASSWORD
from ..plans.helpers import plan_for
from .conftest import BROWSER_DB, as_user, axe_check

pytestmark = [pytest.mark.browser, BROWSER_DB]

TEXTS = {
    "en": {
        "locale": "en-GB",
        "activate": "Make the plan active",
        "lacks": "The plan lacks 3 of the nine elements the regulation requires",
        "element_g": "The plan period and when the plan is to be adjusted and revised",
        "anyway": "Make active without them",
        "give_reason": "Give the reason for making the plan active without them.",
        "active": "The plan is now active.",
        "agree": "I have read the plan and agree to it",
        "thanks": "Thank you. Your coordinator can see that you have read and agree to the plan.",
        "confirmed": "Confirmed read and agreed to by",
    },
    "nb": {
        "locale": "nb-NO",
        "activate": "Gjør planen aktiv",
        "lacks": "Planen mangler 3 av de ni elementene forskriften krever",
        "element_g": "Planperioden og når planen skal justeres og revideres",
        "anyway": "Gjør aktiv uten dem",
        "give_reason": "Oppgi begrunnelsen for å gjøre planen aktiv uten dem.",
        "active": "Planen er nå aktiv.",
        "agree": "Jeg har lest planen og er enig i den",
        "thanks": "Takk. Koordinatoren din kan se at du har lest og er enig i planen.",
        "confirmed": "Bekreftet lest og godtatt av",
    },
    "nn": {
        "locale": "nn-NO",
        "activate": "Gjer planen aktiv",
        "lacks": "Planen manglar 3 av dei ni elementa forskrifta krev",
        "element_g": "Planperioden og når planen skal justerast og reviderast",
        "anyway": "Gjer aktiv utan dei",
        "give_reason": "Gi grunngivinga for å gjere planen aktiv utan dei.",
        "active": "Planen er no aktiv.",
        "agree": "Eg har lese planen og er einig i han",
        "thanks": "Takk. Koordinatoren din kan sjå at du har lese og er einig i planen.",
        "confirmed": "Stadfesta lesen og godteken av",
    },
}


@pytest.fixture(params=sorted(TEXTS))
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def context(browser: Browser, language: str) -> Iterator[BrowserContext]:
    context = browser.new_context(locale=TEXTS[language]["locale"])
    context.set_default_timeout(15_000)
    yield context
    context.close()


def submit(page: Page, text: str) -> None:
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name=text, exact=True).click()


def test_an_incomplete_plan_is_made_active_knowingly_and_the_person_agrees_to_it(
    server: LiveServer, world: World, context: BrowserContext, language: str
) -> None:
    words = TEXTS[language]
    plan = plan_for(world)
    plan_url = f"{server.url}{reverse('plans:plan_detail', kwargs={'pk': plan.pk})}"

    # The coordinator presses "Make the plan active" and is shown what the plan lacks, in the law's words.
    page = as_user(context, server, world.coordinator.username, PASSWORD)
    page.goto(plan_url)
    with page.expect_navigation():
        page.get_by_role("link", name=words["activate"], exact=True).click()
    content = page.content()
    assert words["lacks"] in content and words["element_g"] in content
    axe_check(page)
    # Without a reason the plan stays a draft, and the reason is asked for.
    submit(page, words["anyway"])
    assert words["give_reason"] in page.content()
    assert IndividualPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT
    page.fill("#id_reason", "Per vil starte nå; resten skrives på første møte.")
    submit(page, words["anyway"])
    assert words["active"] in page.content()
    assert "Per vil starte nå; resten skrives på første møte." in page.content()
    assert IndividualPlan.objects.get(pk=plan.pk).status == PlanStatus.ACTIVE

    # The person reads the plan in the portal and confirms it.
    page = as_user(context, server, world.patient_user.username, PASSWORD)
    page.goto(f"{server.url}{reverse('portal:plan', kwargs={'pk': world.patient.pk})}")
    submit(page, words["agree"])
    assert words["thanks"] in page.content()
    today = timezone.localdate().strftime("%d.%m.%Y")
    confirmed = f"{words['confirmed']} {world.patient_user.display_name}"
    assert confirmed in page.content() and today in page.content()
    axe_check(page)
    assert PlanAgreement.objects.get().agreed_by == world.patient_user

    # The coordinator sees when and by whom.
    page = as_user(context, server, world.coordinator.username, PASSWORD)
    page.goto(plan_url)
    assert confirmed in page.content()
