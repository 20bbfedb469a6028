"""The person's own pages in a real browser on a phone (360 × 740), as the demo's citizens: Per writes a goal,
rates his progress, writes to his coordinator and withdraws consent for one organisation, and sees the
coordinator's read in "who has seen it"; Fatima acts for her son Emil; Ulrik (16) has his own page, and his
parent is told plainly why they have none; and Per's main tasks with the keyboard alone. Every portal page
visited is checked with axe."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from vegviser.access import policy
from vegviser.accounts.models import User
from vegviser.audit.models import AccessRecord
from vegviser.plans.models import Goal, GoalRating, GoalStatus, IndividualPlan, PlanMessage
from vegviser.registry.models import Person

from ..factories import PASSWORD, PersonFactory, PersonRelationFactory, UserFactory
from .conftest import BROWSER_DB, as_user, axe_check, submit

pytestmark = [pytest.mark.browser, BROWSER_DB]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    """A phone-sized profile in English, so the steps read the UI's source text."""
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def visit(page: Page, link: Any) -> None:
    """Follow a link and check the page it leads to."""
    with page.expect_navigation():
        link.click()
    axe_check(page)


def portal_nav(page: Page, name: str) -> Any:
    return page.locator("nav.portal-nav").get_by_role("link", name=name, exact=True)


def alert_text(page: Page) -> str:
    return " ".join(page.locator("main .ds-alert, .messages .ds-alert, .ds-alert").all_inner_texts())


# (1) Per's own page, from writing a goal to seeing who has read the plan


def test_the_patient_writes_rates_messages_withdraws_and_sees_who_has_read(
    server: LiveServer, demo: None, phone: BrowserContext
) -> None:
    per = Person.objects.get(given_name="Per", family_name="Andersen")
    plan = IndividualPlan.objects.get(person=per)
    page = as_user(phone, server, "pasient")
    page.goto(f"{server.url}/me/")
    assert page.url == f"{server.url}/me/{per.pk}/"
    assert page.locator("main h1").inner_text() == "Hello, Per"
    axe_check(page)

    # A goal in his own words, proposed to the coordinator.
    visit(page, portal_nav(page, "The plan"))
    visit(page, page.get_by_role("link", name="Propose a new goal"))
    page.fill("#id_text", "Gå på ski med Ida i vinterferien.")
    submit(page, "Save")
    assert "Your goal was sent to your coordinator" in page.content()
    axe_check(page)
    proposed = Goal.objects.get(plan=plan, text="Gå på ski med Ida i vinterferien.")
    assert proposed.status == GoalStatus.PROPOSED and proposed.written_by.username == "pasient"

    # Where he is now on an active goal's scale.
    visit(page, page.get_by_role("link", name=re.compile("^Rate the progress")).first)
    goal_text = page.locator("main p strong").first.inner_text()
    page.locator("input[name=attainment][value='1']").check()
    page.fill("#id_comment", "Gikk til butikken og hjem igjen uten å stoppe.")
    submit(page, "Save my rating")
    assert "Your coordinator will see your rating at the next evaluation." in page.content()
    rating = GoalRating.objects.filter(goal__plan=plan, rated_by__username="pasient").latest("created_at")
    assert (rating.attainment, rating.goal.text) == (1, goal_text)

    # A message to the coordinator and the team.
    visit(page, portal_nav(page, "Messages"))
    page.fill("#id_text", "Kan vi snakke om skiturer på neste møte?")
    submit(page, "Send")
    assert "Your message was sent." in page.content()
    assert page.locator("main .message-thread").get_by_text("Kan vi snakke om skiturer").count() == 1
    axe_check(page)
    assert PlanMessage.objects.filter(plan=plan).latest("created_at").author.username == "pasient"

    # Consent withdrawn for the hospital's rehabilitation unit only.
    lege = User.objects.get(username="lege")
    # The physician takes part for the rehabilitation unit (and also works on the ward's episodes).
    rehabilitation = plan.participants.get(user=lege, active=True).organisation
    assert policy.plan_role(lege, plan) is not None
    visit(page, portal_nav(page, "Consent"))
    visit(page, page.locator("main").get_by_role("link", name="Withdraw").first)
    page.get_by_label(f"Only the sharing with {rehabilitation.name}").check()
    submit(page, "Withdraw")
    assert f"{rehabilitation.name} no longer gets information from your plan." in page.content()
    axe_check(page)
    assert policy.plan_role(lege, plan) is None
    assert policy.plan_role(User.objects.get(username="koordinator"), plan) == policy.PlanRole.COORDINATOR

    # The coordinator opens Per's plan ...
    coordinator = as_user(phone, server, "koordinator")
    response = coordinator.goto(f"{server.url}/plans/{plan.pk}/")
    assert response is not None and response.ok
    read = AccessRecord.objects.filter(person_id=per.pk, actor__username="koordinator").latest("at")

    # ... and Per sees that read in "Who has seen it", with when, who and in what role.
    page = as_user(phone, server, "pasient")
    page.goto(f"{server.url}/me/{per.pk}/")
    visit(page, portal_nav(page, "Who has seen it"))
    rows = page.locator("main table tbody tr").all_inner_texts()
    when = timezone.localtime(read.at).strftime("%d.%m.%Y %H:%M")
    assert any(
        row.startswith(when) and "Kristian Olsen" in row and "Coordinator of the plan" in row
        for row in rows[:5]
    ), rows[:5]


# (2) A parent acts for her child


def test_a_parent_switches_to_her_child_and_writes_to_his_coordinator(
    server: LiveServer, demo: None, phone: BrowserContext
) -> None:
    emil = Person.objects.get(given_name="Emil", family_name="Haugen")
    page = as_user(phone, server, "forelder")
    page.goto(f"{server.url}/me/")
    # Her own page and Emil's: she chooses.
    assert page.locator("main h1").inner_text() == "Whose page do you want to open?"
    axe_check(page)
    visit(page, page.locator("main").get_by_role("link", name=re.compile("^My own page")))
    assert page.locator("main h1").inner_text() == "Hello, Fatima"
    switcher = page.get_by_role("navigation", name="Switch to another person")
    visit(page, switcher.get_by_role("link", name="Emil Haugen"))
    assert page.url == f"{server.url}/me/{emil.pk}/"
    assert "You are acting for Emil Haugen." in page.locator("main .portal-subject").inner_text()

    visit(page, portal_nav(page, "The plan"))
    assert page.locator("main h1").inner_text() == "The individual plan for Emil Haugen"
    # Written of Emil, not to her: his words are his, under his name.
    assert page.locator("#matters-heading").inner_text() == "What matters to Emil"
    assert page.get_by_text("What matters to me").count() == 0
    assert page.get_by_text("Emil vil gå selv ute i friminuttene").count() >= 1

    visit(page, portal_nav(page, "Messages"))
    page.fill("#id_text", "Emil har vært syk denne uka, så han har ikke gjort øvelsene.")
    submit(page, "Send")
    assert "Your message was sent." in page.content()
    axe_check(page)
    message = PlanMessage.objects.filter(plan__person=emil).latest("created_at")
    assert (message.author.username, message.from_person_side) == ("forelder", True)


# (3) At 16 the young person has their own page, and the parent none


def test_the_young_person_has_their_own_page_and_the_parent_is_told_why_they_have_none(
    server: LiveServer, demo: None, phone: BrowserContext
) -> None:
    ulrik = Person.objects.get(given_name="Ulrik", family_name="Nilsen")
    page = as_user(phone, server, "ungdom")
    page.goto(f"{server.url}/me/")
    assert page.url == f"{server.url}/me/{ulrik.pk}/"
    assert page.locator("main h1").inner_text() == "Hello, Ulrik"
    axe_check(page)
    visit(page, portal_nav(page, "The plan"))
    assert page.locator("main h1").inner_text() == "My individual plan"
    main = page.locator("main").inner_text()
    assert "The plan is draft." in main and "Være på skolen minst fire dager i uka." in main
    assert "Jeg vil klare å være på skolen hele dager igjen" in main
    visit(page, portal_nav(page, "Consent"))

    # The demo has no parent of Ulrik with a user: one is registered here.
    parent_user = UserFactory(username="ulriks_mor", first_name="Nina", last_name="Nilsen")
    parent = PersonFactory(given_name="Nina", family_name="Nilsen", user=parent_user)
    PersonRelationFactory(person=ulrik, relative=parent)
    page = as_user(phone, server, "ulriks_mor", PASSWORD)
    response = page.goto(f"{server.url}/me/{ulrik.pk}/plan/")
    assert response is not None and response.status == 403
    main = page.locator("main").inner_text()
    assert "You can no longer act for this person." in main and "turns 16" in main
    assert "Ulrik" not in main
    axe_check(page)
    # Her own page does not offer his.
    page.goto(f"{server.url}/me/")
    assert page.url == f"{server.url}/me/{parent.pk}/"
    assert page.get_by_role("navigation", name="Switch to another person").count() == 0
    axe_check(page)


# (4) Per's main tasks with the keyboard alone


# Whether the focused element looks focused: its outline or box shadow (or its field's, for a radio button),
# or whether it is on screen at all, differs from how it looked before anything had focus.
FOCUS_JS = """
  window.__look = el => {
    const rings = [];
    for (let node = el, level = 0; node && level < 3; node = node.parentElement, level++) {
      const s = getComputedStyle(node);
      rings.push(s.outlineStyle === "none" || parseFloat(s.outlineWidth) < 1 ? "none"
                 : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, s.boxShadow);
    }
    // A skip link is off screen until it has focus: coming into view is its focus style.
    const box = el.getBoundingClientRect();
    rings.push(box.width > 2 && box.height > 2 ? "shown" : "hidden");
    return rings.join("|");
  };
"""
BASELINE_JS = (
    "() => {"
    + FOCUS_JS
    + """
  document.activeElement?.blur();
  window.__baseline = new Map();
  document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]").forEach(
    el => window.__baseline.set(el, window.__look(el)));
}"""
)
FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const text = (el.textContent || el.value || el.name || "").trim().replace(/\\s+/g, " ").slice(0, 60);
  return {
    tag: el.localName, id: el.id, name: el.name || "", type: el.type || "", value: el.value || "",
    href: el.getAttribute("href") || "", text,
    visible: window.__baseline.has(el) && window.__baseline.get(el) !== window.__look(el),
  };
}"""


class Keyboard:
    """Tab, Shift+Tab, Enter, Space and the arrow keys only; the focus style is checked at every stop."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.stops = 0

    def arrived(self) -> None:
        """A new page: note how everything looks before it has focus."""
        self.page.wait_for_load_state()
        self.page.evaluate(BASELINE_JS)

    def focused(self) -> dict[str, Any]:
        now = self.page.evaluate(FOCUSED_JS)
        assert now is not None, "nothing has focus"
        assert now["visible"], f"no visible focus style on {now}"
        self.stops += 1
        return dict(now)

    def tab_to(self, wanted: Any, *, limit: int = 60, back: bool = False) -> dict[str, Any]:
        """Tab (or Shift+Tab) until `wanted(focused)` holds, checking the focus style at every stop."""
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            now = self.focused()
            if wanted(now):
                return now
        pytest.fail(f"not reached with {limit} presses of Tab")

    def press_and_follow(self, key: str) -> None:
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.arrived()


def test_the_patients_main_tasks_with_the_keyboard_alone(
    server: LiveServer, demo: None, phone: BrowserContext
) -> None:
    per = Person.objects.get(given_name="Per", family_name="Andersen")
    plan = IndividualPlan.objects.get(person=per)
    page = as_user(phone, server, "pasient")
    keys = Keyboard(page)
    keys.arrived()

    # Signing in leads a citizen to their own page (else: Tab to it from the start page), then to the plan.
    if page.url != f"{server.url}/me/{per.pk}/":
        keys.tab_to(lambda el: el["href"].startswith("/me/"))
        keys.press_and_follow("Enter")
    assert page.url == f"{server.url}/me/{per.pk}/"
    axe_check(page)
    keys.arrived()
    keys.tab_to(lambda el: el["href"] == f"/me/{per.pk}/plan/")
    keys.press_and_follow("Enter")
    assert page.url == f"{server.url}/me/{per.pk}/plan/"

    # The rating form: reached, a level chosen with the arrow keys, a comment typed, sent with Enter.
    keys.tab_to(lambda el: el["text"].startswith("Rate the progress"))
    keys.press_and_follow("Enter")
    assert "/rate/" in page.url
    axe_check(page)
    keys.arrived()
    first = keys.tab_to(lambda el: el["name"] == "attainment")
    assert first["value"] == "-2"  # nothing chosen yet: the first level takes focus
    page.keyboard.press("Space")
    for _ in range(3):  # −2 → +1
        page.keyboard.press("ArrowDown")
    chosen = keys.focused()
    assert chosen["name"] == "attainment" and chosen["value"] == "1"
    assert page.locator("input[name=attainment]:checked").get_attribute("value") == "1"
    keys.tab_to(lambda el: el["id"] == "id_comment")
    page.keyboard.type("Bedre med staven nå.")
    keys.tab_to(lambda el: el["tag"] == "button" and el["text"] == "Save my rating")
    keys.press_and_follow("Enter")
    assert page.url == f"{server.url}/me/{per.pk}/plan/"
    assert "Your coordinator will see your rating at the next evaluation." in page.content()
    rating = GoalRating.objects.filter(goal__plan=plan, rated_by__username="pasient").latest("created_at")
    assert (rating.attainment, rating.comment) == (1, "Bedre med staven nå.")

    # The message form, back up the page with Shift+Tab to the menu; the message sent with Space.
    keys.arrived()
    keys.tab_to(lambda el: el["href"] == f"/me/{per.pk}/plan/")  # the menu, past the notice
    keys.tab_to(lambda el: el["href"] == f"/me/{per.pk}/", back=True)
    keys.tab_to(lambda el: el["href"] == f"/me/{per.pk}/messages/")
    keys.press_and_follow("Enter")
    axe_check(page)
    keys.arrived()
    keys.tab_to(lambda el: el["id"] == "id_text")
    page.keyboard.type("Skrevet med tastaturet.")
    keys.tab_to(lambda el: el["tag"] == "button" and el["text"] == "Send")
    keys.press_and_follow("Space")
    assert "Your message was sent." in page.content()
    assert PlanMessage.objects.filter(plan=plan, text="Skrevet med tastaturet.").count() == 1
    assert keys.stops >= 10
