"""The public pages in a real browser: three languages at 320 px, axe-core, no sideways scroll, keyboard."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from vegviser.public.pages import PAGES
from vegviser.registry.models import Municipality, Organisation, OrganisationKind

from .conftest import BROWSER_DB, axe_check

pytestmark = [pytest.mark.browser, BROWSER_DB]

REFLOW = {"width": 320, "height": 640}
LANGUAGE_BUTTON = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}


def public_paths() -> list[str]:
    return [
        reverse("public:index"),
        *(reverse("public:page", args=[page.slug]) for page in PAGES),
        reverse("public:directory"),
        reverse("public:directory") + "?q=Aarborte",
        reverse("public:directory") + "?q=" + "x" * 150,  # the error state
        reverse("public:municipality", args=["1804"]),
        reverse("public:municipality", args=["5622"]),
    ]


@pytest.fixture
def registered_services(server: LiveServer) -> None:
    """Bodø's coordinating unit and a service, with every contact field, so the widest cards are drawn."""
    bodo = Municipality.objects.get(number="1804")
    Organisation.objects.create(
        name="Koordinerende enhet for habilitering og rehabilitering, Bodø kommune",
        kind=OrganisationKind.COORDINATING_UNIT,
        municipality=bodo,
        phone="75 55 50 00",
        email="koordinerende.enhet.habilitering@bodo.kommune.example.no",
        address="Kongens gate 27, 8006 Bodø",
        website="https://www.bodo.kommune.example.no/helse-og-omsorg/koordinerende-enhet/",
    )
    Organisation.objects.create(
        name="Fysioterapitjenesten, Bodø kommune",
        kind=OrganisationKind.PHYSIOTHERAPY,
        municipality=bodo,
        phone="75 55 61 00",
    )


def assert_fits(page: Page, what: str) -> None:
    scroll_width, window_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= window_width, f"{what} scrolls sideways: {scroll_width}px in {window_width}px"


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_public_pages_at_320_px_in_each_language(
    page: Page, server: LiveServer, registered_services: None, language: str
) -> None:
    page.set_viewport_size(REFLOW)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": server.url}])
    for path in public_paths():
        response = page.goto(server.url + path)
        assert response is not None and response.status == 200, path
        assert page.locator("html").get_attribute("lang") == language, path
        assert page.locator("h1").count() == 1, path
        # Every county's list opened, so the longest names are measured too.
        page.evaluate("document.querySelectorAll('details').forEach(details => { details.open = true; })")
        assert page.evaluate("document.documentElement.scrollWidth") <= REFLOW["width"], path
        assert_fits(page, path)
        axe_check(page)


def test_public_pages_at_200_percent_zoom(
    browser: Browser, server: LiveServer, registered_services: None
) -> None:
    """A 1280 × 800 window at 200 %: 640 × 400 CSS pixels at twice the pixel density."""
    context: BrowserContext = browser.new_context(
        locale="nb-NO", viewport={"width": 640, "height": 400}, device_scale_factor=2
    )
    try:
        page = context.new_page()
        for path in public_paths():
            page.goto(server.url + path)
            page.evaluate("document.querySelectorAll('details').forEach(details => { details.open = true; })")
            assert_fits(page, path)
    finally:
        context.close()


def test_anonymous_visitors_switch_language(page: Page, server: LiveServer) -> None:
    """The home address shows the public front page, and the header's buttons switch its language."""
    page.goto(server.url + "/")
    assert page.url == server.url + reverse("public:index")
    assert page.locator("html").get_attribute("lang") == "nb"
    for language in ("nn", "en", "nb"):
        with page.expect_navigation():
            page.get_by_role("button", name=LANGUAGE_BUTTON[language], exact=True).click()
        assert page.url == server.url + reverse("public:index")
        assert page.locator("html").get_attribute("lang") == language
        current = page.locator(".language-switcher button[aria-current=true]")
        assert current.get_attribute("value") == language


def focus_by_tab(page: Page, test: str, limit: int = 60) -> None:
    """Press Tab until the focused element passes the JavaScript test, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate(f"(element => {test})(document.activeElement)"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"no element matching {test!r} was reached with {limit} presses of Tab")


def test_search_the_directory_by_keyboard_only(
    page: Page, server: LiveServer, registered_services: None
) -> None:
    page.set_viewport_size(REFLOW)
    page.goto(server.url + reverse("public:index"))
    # From the top of the page: skip link, then on to the main content's search field.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('ds-skip-link')")
    page.keyboard.press("Enter")
    focus_by_tab(page, "element.id === 'id_q'")
    page.keyboard.type("aarborte")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.startswith(server.url + reverse("public:directory") + "?q=aarborte")
    results = page.locator("main .municipality-results a")
    assert results.count() == 1
    assert results.first.inner_text() == "Hattfjelldal / Aarborte"
    focus_by_tab(page, "element.closest('.municipality-results') !== null")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == server.url + reverse("public:municipality", args=["1826"])
    assert page.locator("main h1").inner_text() == "Hattfjelldal"
    assert page.locator("main [lang=sma]").inner_text() == "Aarborte"

    # Search by number, then the county list: a summary opens with Enter, and its links follow.
    page.goto(server.url + reverse("public:directory"))
    focus_by_tab(page, "element.id === 'id_q'")
    page.keyboard.type("1804")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    focus_by_tab(page, "element.closest('.municipality-results') !== null")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("main h1").inner_text() == "Bodø"
    phone = page.locator("main a[href='tel:+4775555000']")
    assert phone.inner_text() == "75 55 50 00"

    page.goto(server.url + reverse("public:directory"))
    focus_by_tab(page, "element.tagName === 'SUMMARY' && element.textContent.includes('Nordland')")
    page.keyboard.press("Enter")
    focus_by_tab(page, "element.textContent.trim() === 'Bodø'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == server.url + reverse("public:municipality", args=["1804"])
