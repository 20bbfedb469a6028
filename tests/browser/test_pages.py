"""End-to-end tests in a real browser: languages, the person registry, keyboard use, phones, CSP, WCAG."""

from __future__ import annotations

import base64
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone, translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, Route, expect
from pytest_django.live_server_helper import LiveServer

from vegviser.accounts.models import User
from vegviser.demo.loader import load_demo
from vegviser.demo.world import DEMO_PASSWORD
from vegviser.intake.models import NeedReport
from vegviser.plans.models import IndividualPlan
from vegviser.registry.identity import parse_national_id, synthetic_national_id
from vegviser.registry.models import Municipality, OrganisationKind, Person

from ..factories import (
    PASSWORD,
    CoordinatorAssignmentFactory,
    MembershipFactory,
    NeedReportFactory,
    OrganisationFactory,
    PersonFactory,
)
from .conftest import BROWSER_DB, axe_check, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]

LOGIN = "/account/login/"
PERSON_SEARCH = "/registry/persons/"
PERSON_CREATE = "/registry/persons/new/"
PERSON_DETAIL = re.compile(r"/registry/persons/[0-9a-f-]{36}/")

# The headings and a line of each language that the other two do not share (Nynorsk and Bokmål have the
# same heading on the login page).
LOGIN_PAGE_TEXT = {
    "nb": ("Logg inn i Vegviser", "Glemt passordet?", "Hopp til hovedinnholdet"),
    "nn": ("Logg inn i Vegviser", "Gløymt passordet?", "Hopp til hovudinnhaldet"),
    "en": ("Log in to Vegviser", "Forgotten your password?", "Skip to main content"),
}
LANGUAGE_BUTTON = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}


@pytest.fixture
def ke_officer(server: LiveServer) -> User:
    """A coordinating unit officer in Bodø."""
    unit = OrganisationFactory(
        name="Koordinerende enhet Bodø",
        kind=OrganisationKind.COORDINATING_UNIT,
        municipality=Municipality.objects.get(number="1804"),
    )
    return MembershipFactory(organisation=unit, role="ke_officer", user__username="ke").user


def born(birth_date: date) -> dict[str, object]:
    """A birth date and a synthetic number to match, independent of the factory's session-wide sequence."""
    return {"birth_date": birth_date, "national_id": synthetic_national_id(birth_date, 0)}


def assert_login_page_in(page: Page, language: str) -> None:
    heading, forgotten, skip = LOGIN_PAGE_TEXT[language]
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("main h1").inner_text() == heading
    assert page.locator("main").get_by_role("link", name=forgotten).is_visible()
    assert page.locator("a.ds-skip-link").inner_text() == skip
    current = page.locator(".language-switcher button[aria-current=true]")
    assert current.count() == 1
    assert current.get_attribute("value") == language


def test_stylesheets_load(page: Page, server: LiveServer) -> None:
    """Designsystemet's CSS and theme and the project's CSS all apply (served by the live server)."""
    page.goto(server.url + LOGIN)
    styles = page.evaluate(
        """() => {
            const button = getComputedStyle(document.querySelector("main button.ds-button"));
            const root = getComputedStyle(document.documentElement);
            return {
                accent: root.getPropertyValue("--ds-color-accent-base-default").trim(),
                buttonBackground: button.backgroundColor,
                bodyMargin: getComputedStyle(document.body).margin,
                fontFamily: getComputedStyle(document.body).fontFamily,
            };
        }"""
    )
    assert styles["accent"], "theme-digdir.css did not load"
    accent_rgb = page.evaluate(
        """colour => { const probe = document.createElement("div"); probe.style.color = colour;
            document.body.append(probe); const rgb = getComputedStyle(probe).color; probe.remove();
            return rgb; }""",
        styles["accent"],
    )
    assert styles["buttonBackground"] == accent_rgb, "designsystemet.css did not style .ds-button"
    assert styles["bodyMargin"] == "0px", "app.css did not load"
    assert styles["fontFamily"].startswith("Inter"), "fonts.css did not load"


def test_login_page_languages(page: Page, server: LiveServer) -> None:
    """Bokmål from the browser's language; the buttons switch to Nynorsk and English, and it sticks."""
    page.goto(server.url + LOGIN)
    assert_login_page_in(page, "nb")
    axe_check(page)

    for language in ("nn", "en"):
        with page.expect_navigation():
            page.get_by_role("button", name=LANGUAGE_BUTTON[language], exact=True).click()
        assert page.url == server.url + LOGIN, "the language switch should return to the same page"
        assert_login_page_in(page, language)
        axe_check(page)

    # A new page load, with the browser still asking for Norwegian Bokmål, stays in English.
    page.goto(server.url + LOGIN)
    assert_login_page_in(page, "en")
    page.goto(server.url + "/account/reset/")
    assert page.locator("html").get_attribute("lang") == "en"


def test_ke_officer_registers_and_finds_a_person(page: Page, server: LiveServer, ke_officer: User) -> None:
    """Register a person (a mistyped number first), see the masked number, find them again by number."""
    valid_number = synthetic_national_id(date(1980, 5, 17), 0)
    invalid_number = "12345678901"
    with pytest.raises(ValueError) as error:
        parse_national_id(invalid_number)
    with translation.override("nb"):
        expected_error = str(error.value.args[0])
    # No URL the browser asks for may ever hold an identity number.
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    sign_in(page, server, ke_officer.username)
    page.locator("nav.site-nav").get_by_role("link", name="Personregister").click()
    page.wait_for_url(server.url + PERSON_SEARCH)
    assert page.locator("main h1").inner_text() == "Personregister"
    axe_check(page)

    # Register, with a mistyped identity number.
    page.get_by_role("link", name="Registrer en person").click()
    page.wait_for_url(server.url + PERSON_CREATE)
    typed = {
        "#id_given_name": "Kari",
        "#id_family_name": "Nordmann",
        "#id_national_id": invalid_number,
        "#id_birth_date": "1980-05-17",
        "#id_address": "Storgata 1",
        "#id_postal_code": "8006",
        "#id_postal_town": "Bodø",
        "#id_phone": "+47 900 00 000",
        "#id_email": "kari.nordmann@example.no",
    }
    for selector, value in typed.items():
        page.fill(selector, value)
    page.select_option("#id_municipality", "1804")
    with page.expect_navigation():
        page.get_by_role("button", name="Registrer", exact=True).click()

    assert page.url == server.url + PERSON_CREATE
    field = page.locator("#id_national_id")
    assert field.get_attribute("aria-invalid") == "true"
    assert "id_national_id_error1" in (field.get_attribute("aria-describedby") or "").split()
    message = page.locator("#id_national_id_error1")
    assert message.inner_text() == expected_error
    assert message.is_visible()
    # Next to the field: in the same field group, just below the input.
    assert page.locator(".ds-field", has=field).locator("#id_national_id_error1").count() == 1
    field_box, message_box = field.bounding_box(), message.bounding_box()
    assert field_box and message_box
    assert 0 <= message_box["y"] - (field_box["y"] + field_box["height"]) < 40
    # Only this field is in error.
    assert page.locator("[aria-invalid=true]").count() == 1

    summary = page.locator("main form .ds-error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')"), "summary not focused"
    summary_links = summary.locator("a")
    assert summary_links.count() == 1
    assert summary_links.first.get_attribute("href") == "#id_national_id"
    assert expected_error in summary_links.first.inner_text()
    summary_links.first.click()
    assert page.url.endswith("#id_national_id")
    assert page.evaluate("document.activeElement.id") == "id_national_id", "the link should lead to the field"

    for selector, value in typed.items():
        assert page.input_value(selector) == value, f"{selector} lost what was typed"
    assert page.input_value("#id_municipality") == "1804"
    # "(optional)" after a label is grey like the field descriptions, not blue like a link.
    marker, description = page.evaluate(
        """() => [".optional", "[data-field=description]"].map(
            selector => getComputedStyle(document.querySelector("main " + selector)).color)"""
    )
    assert marker == description
    axe_check(page)

    # Correct the number.
    page.fill("#id_national_id", valid_number)
    with page.expect_navigation():
        page.get_by_role("button", name="Registrer", exact=True).click()
    # The fragment from the summary link above stays on the URL through the redirect.
    assert PERSON_DETAIL.fullmatch(urlsplit(page.url).path), page.url
    assert page.locator("main h1").inner_text() == "Kari Nordmann"
    assert page.locator("main .ds-alert").inner_text() == "Personen er registrert."
    facts = page.locator("main dl.facts")
    assert valid_number[:6] + "*****" in facts.inner_text()
    assert valid_number not in page.content()
    person = Person.objects.get(national_id=valid_number)
    assert (person.full_name, person.municipality_id) == ("Kari Nordmann", "1804")
    axe_check(page)

    # Search by the whole number: it goes in the POST body and the page it leads to has no number in its URL.
    page.locator("nav.site-nav").get_by_role("link", name="Personregister").click()
    page.wait_for_url(server.url + PERSON_SEARCH)
    page.fill("#id_query", valid_number)
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    response = navigation.value
    assert response is not None
    assert response.request.method == "POST"
    assert page.url == server.url + PERSON_SEARCH
    assert page.locator("#results-heading").inner_text() == "Fant 1 person"
    row = page.locator("main table tbody tr")
    assert row.count() == 1
    assert row.get_by_role("link").inner_text() == "Kari Nordmann"
    assert valid_number[:6] + "*****" in row.inner_text()
    axe_check(page)

    assert requested, "no requests were recorded"
    for url in requested:
        assert valid_number not in url and invalid_number not in url, url


def tab_to(page: Page, element_id: str, limit: int = 15) -> None:
    """Press Tab until the element has focus, as a keyboard user would, or fail."""
    for _ in range(limit):
        if page.evaluate("document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    pytest.fail(f"#{element_id} was not reached with {limit} presses of Tab")


def test_keyboard_only(page: Page, server: LiveServer, ke_officer: User) -> None:
    """Log in with the keyboard alone; on the page it leads to, the skip link is the first Tab stop."""
    page.goto(server.url + LOGIN)
    # The login form may already have put focus on the user name field (Django's autofocus).
    tab_to(page, "id_username")
    page.keyboard.type(ke_officer.username)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == server.url + "/"
    assert page.locator("main h1").inner_text() == f"Velkommen, {ke_officer.display_name}"

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('ds-skip-link')"), "skip link not first"
    # Hidden until focused, then on screen.
    box = page.locator("a.ds-skip-link").bounding_box()
    assert box and box["width"] > 10 and box["height"] > 10 and box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")
    # The next Tab stop is the first link or control in the main content, past the header and the menu.
    page.keyboard.press("Tab")
    assert page.evaluate(
        """() => document.activeElement ===
            document.querySelector("main :is(a[href], button, input, select, textarea)")"""
    ), "Tab after the skip link should go to the main content"


def report_for(person: Person, *, status: str = "received", days_ago: int = 0) -> NeedReport:
    """A written report of need to Bodø, received `days_ago` days ago."""
    report: NeedReport = NeedReportFactory(
        person=person,
        municipality=Municipality.objects.get(number="1804"),
        description="Trenger individuell plan.",
        reported_by=None,
        reporter_name="Fysioterapeut",
        status=status,
        received_at=timezone.now() - timedelta(days=days_ago),
    )
    return report


@pytest.mark.parametrize(
    "viewport",
    [{"width": 360, "height": 740}, {"width": 320, "height": 640}],
    ids=["phone-360", "reflow-320"],  # a common phone; and WCAG 1.4.10's reflow width
)
def test_no_horizontal_scrolling_on_a_phone(
    page: Page, server: LiveServer, ke_officer: User, viewport: dict[str, int], tmp_path: Path
) -> None:
    """document.documentElement.scrollWidth never exceeds the window's width (WCAG 1.4.10, reflow)."""
    page.set_viewport_size(viewport)
    person = PersonFactory(
        **born(date(1991, 3, 9)),
        given_name="Kristine Marie",
        family_name="Johannessen-Wilhelmsen",
        email="kristine.marie.johannessen-wilhelmsen@example.no",
        address="Kong Olav Vs gate 123 B",
    )
    # A coordinator, so the person page shows its widest table too.
    CoordinatorAssignmentFactory(
        person=person, coordinator=ke_officer, organisation=ke_officer.memberships.get().organisation
    )
    # A report undecided for 40 days, so the queue shows its flag.
    report_for(person, days_ago=40)

    def assert_fits(what: str) -> None:
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{what} scrolls sideways: {widths[0]}px content, {widths[1]}px window"

    page.goto(server.url + LOGIN)
    assert_fits("the login page")
    sign_in(page, server, ke_officer.username)
    page.goto(server.url + PERSON_SEARCH)
    assert_fits("the person registry")
    page.fill("#id_query", "Johannessen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("main table tbody tr").count() == 1
    assert_fits("the search results")
    page.goto(f"{server.url}/registry/persons/{person.pk}/")
    assert page.locator("main h1").inner_text() == person.full_name
    assert_fits("the person page")
    if viewport["width"] == 360:
        # Kept with pytest's temporary files, to look at when the layout changes.
        page.screenshot(path=tmp_path / "person-360x740.png", full_page=True)
    if viewport["width"] == 360:
        assert_header_leaves_the_page(page)
    assert_cells_in_view(page, "#coordinator-heading ~ div table", viewport["width"])
    page.goto(f"{server.url}/registry/persons/{person.pk}/relations/new/")
    assert_fits("the form for adding a relative")
    page.goto(f"{server.url}/intake/reports/?status=all")
    assert_fits("the coordinating unit's queue")
    if viewport["width"] == 360:
        # The flag on a report waiting too long is in view before the table is scrolled.
        flag = page.locator("main table .ds-tag").bounding_box()
        assert flag is not None and flag["x"] + flag["width"] <= viewport["width"]
    page.goto(f"{server.url}/intake/reports/new/")
    assert_fits("the form for reporting a need")
    # The first page every professional sees in production; its heading is one long word in Norwegian.
    page.goto(server.url + "/account/two-factor/")
    assert_fits("the two-factor setup page")


def assert_header_leaves_the_page(page: Page) -> None:
    """On a phone the menu folds away, so the page's heading is on the first screen."""
    heading = page.locator("main h1").bounding_box()
    assert heading is not None and heading["y"] + heading["height"] <= 740, "the header fills the screen"
    assert page.locator("nav.site-nav").is_hidden()


def assert_cells_in_view(page: Page, table: str, width: int) -> None:
    """Every cell of the table lies inside the window: no column is left off to the side."""
    cells = page.locator(f"{table} td")
    assert cells.count()
    for box in cells.evaluate_all("cells => cells.map(cell => cell.getBoundingClientRect().toJSON())"):
        assert box["left"] >= 0 and box["right"] <= width, f"a cell of {table} is out of view: {box}"


@pytest.mark.parametrize(
    "viewport",
    [{"width": 360, "height": 740}, {"width": 320, "height": 640}],
    ids=["phone-360", "reflow-320"],
)
def test_the_plan_page_on_a_phone(page: Page, server: LiveServer, viewport: dict[str, int]) -> None:
    """Per's plan in the demo: the menu folds away, the measures are cards, nothing scrolls sideways."""
    load_demo()
    plan = IndividualPlan.objects.filter(person__given_name="Per", status="active").get()
    page.set_viewport_size(viewport)
    sign_in(page, server, "koordinator", DEMO_PASSWORD)
    page.goto(f"{server.url}/plans/{plan.pk}/")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the plan page scrolls sideways: {widths}"
    if viewport["width"] == 360:
        assert_header_leaves_the_page(page)
    assert_cells_in_view(page, "#measures-heading ~ div table", viewport["width"])
    # The column names stay in the table for screen readers, and each cell shows its own.
    assert page.locator("#measures-heading ~ div table th").first.is_hidden() is False
    assert page.locator("#measures-heading ~ div td[data-label=Ansvarlig]").count()
    # The menu opens from the keyboard, without script.
    page.locator("summary.site-menu__toggle").focus()
    page.keyboard.press("Enter")
    expect(page.locator("nav.site-nav").get_by_role("link", name="Mine planer")).to_be_visible()


def test_the_plan_page_on_a_desktop(page: Page, server: LiveServer) -> None:
    """At 1 280 px the menu is open as before, and the long sections of the plan are folded with counts."""
    load_demo()
    plan = IndividualPlan.objects.filter(person__given_name="Per", status="active").get()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, server, "koordinator", DEMO_PASSWORD)
    page.goto(f"{server.url}/plans/{plan.pk}/")
    assert page.locator("summary.site-menu__toggle").is_hidden()
    expect(page.locator("nav.site-nav").get_by_role("link", name="Mine planer")).to_be_visible()
    expect(page.locator("#measures-heading ~ div table")).to_be_visible()
    expect(page.locator("#goals-heading")).to_be_visible()
    log = page.locator("details:has(#log-heading)")
    assert log.get_attribute("open") is None
    log.locator("summary").click()
    expect(log.locator("li").first).to_be_visible()
    axe_check(page)


def watch_for_problems(page: Page) -> list[str]:
    """The console errors, CSP violations and failed requests of the page from now on."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text}")

    def on_request_failed(request: Request) -> None:
        # Leaving a page cancels what it still loads (the favicon, typically): that is not a failure.
        if request.failure != "net::ERR_ABORTED":
            problems.append(f"request failed: {request.url} {request.failure}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", on_request_failed)
    # Injected by the browser itself, so the policy does not apply to this listener.
    page.add_init_script(
        """document.addEventListener("securitypolicyviolation", event =>
            console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));"""
    )
    return problems


def test_content_security_policy(page: Page, server: LiveServer, ke_officer: User) -> None:
    """Every page sends the policy and loads without console errors, CSP violations or failed requests."""
    problems = watch_for_problems(page)
    documents: list[Response] = []
    page.on(
        "response",
        lambda response: documents.append(response) if response.request.is_navigation_request() else None,
    )
    person = PersonFactory(**born(date(1975, 11, 2)), given_name="Per", family_name="Andersen")

    page.goto(server.url + LOGIN)
    sign_in(page, server, ke_officer.username)
    for path in ("/", PERSON_SEARCH, PERSON_CREATE, f"/registry/persons/{person.pk}/"):
        page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
    # A form with errors and a page of search results, after a POST.
    page.goto(server.url + PERSON_CREATE)
    with page.expect_navigation():
        page.get_by_role("button", name="Registrer", exact=True).click()
    assert page.locator(".ds-error-summary").is_visible()
    page.goto(server.url + PERSON_SEARCH)
    page.fill("#id_query", "Andersen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")

    assert not problems, "\n".join(problems)
    html_documents = [r for r in documents if r.status == 200]
    assert len(html_documents) >= 8
    for response in html_documents:
        policy = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in policy, response.url
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, response.url


def test_two_factor_setup(page: Page, server: LiveServer, ke_officer: User, settings: Any) -> None:
    """With production's rule, a professional must turn on the second factor before anything else."""
    settings.VEGVISER_REQUIRE_2FA = True
    sign_in(page, server, ke_officer.username)
    assert urlsplit(page.url).path == "/account/two-factor/"
    # The QR code is a data: URI image, which the Content-Security-Policy must allow.
    assert page.locator("main img.qr").evaluate("img => img.complete && img.naturalWidth > 0")
    axe_check(page)

    # What the authenticator app would show, from the key written on the page.
    secret = page.locator("main .secret").inner_text()
    code = totp(base64.b32decode(secret))
    page.fill("#id_token", f"{code:06d}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == server.url + "/"
    assert page.locator("main .ds-alert").inner_text() == "Totrinnsinnlogging er nå slått på for kontoen din."
    assert TOTPDevice.objects.filter(user=ke_officer, confirmed=True).count() == 1


def test_the_queue_filter_swaps_the_list_in_place(page: Page, server: LiveServer, ke_officer: User) -> None:
    """Choosing a filter replaces the list without loading the page anew; the address follows, focus stays on
    the filter chosen, and going back shows the list as it was, loaded anew from the server."""
    report_for(PersonFactory(**born(date(1990, 1, 1)), given_name="Åpen", family_name="Sak"))
    report_for(
        PersonFactory(**born(date(1991, 1, 1)), given_name="Lukket", family_name="Sak"), status="closed"
    )
    problems = watch_for_problems(page)
    sign_in(page, server, ke_officer.username)
    page.goto(server.url + "/intake/reports/")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1
    page.evaluate("window.sameDocument = true")

    page.locator("#queue-status-all").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/intake/reports/?status=all")
    expect(rows).to_have_count(2)
    assert page.evaluate("window.sameDocument") is True
    assert page.evaluate("document.activeElement.id") == "queue-status-all"
    assert page.locator("main [aria-current=true]").inner_text() == "Alle"
    axe_check(page)

    page.go_back()
    page.wait_for_url("**/intake/reports/")
    expect(rows).to_have_count(1)
    assert page.evaluate("window.sameDocument") is None
    assert page.locator("main [aria-current=true]").inner_text() == "Åpne"
    assert not problems, "\n".join(problems)

    # A part that fails to come (here a server error) is opened as the whole page instead.
    def fail_the_part(route: Route) -> None:
        if route.request.headers.get("hx-request"):
            route.fulfill(status=500, body="")
        else:
            route.continue_()

    page.route("**/intake/reports/?status=all", fail_the_part)
    page.evaluate("window.sameDocument = true")
    page.locator("#queue-status-all").click()
    page.wait_for_url("**/intake/reports/?status=all")
    expect(rows).to_have_count(2)
    assert page.evaluate("window.sameDocument") is None


def test_the_overview_filter_works_without_javascript_and_after_the_session_ended(
    browser: Browser, page: Page, server: LiveServer, ke_officer: User
) -> None:
    """Without JavaScript a filter is an ordinary link. With it, a filter chosen after the session ended leads
    to the login page as a whole page (not into the list), and back to the list chosen after logging in."""
    without_script = browser.new_context(locale="nb-NO", java_script_enabled=False)
    plain = without_script.new_page()
    sign_in(plain, server, ke_officer.username)
    plain.goto(server.url + "/plans/overview/")
    with plain.expect_navigation():
        plain.locator("#overview-status-closed").click()
    assert plain.url.endswith("/plans/overview/?status=closed")
    assert plain.locator("#overview-status-closed").get_attribute("aria-current") == "true"
    without_script.close()

    sign_in(page, server, ke_officer.username)
    page.goto(server.url + "/plans/overview/")
    page.context.clear_cookies()
    page.locator("#overview-status-closed").click()
    page.wait_for_url("**/account/login/?next=/plans/overview/%3Fstatus%3Dclosed")
    assert page.locator("main h1").inner_text() == "Logg inn i Vegviser"
    page.fill("#id_username", ke_officer.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/plans/overview/?status=closed")
