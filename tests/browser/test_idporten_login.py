"""The demo's patient logs in with ID-porten and out again in a real browser, against the OpenID Connect
provider the tests run (configured like ID-porten): the button in each language, the provider's login page,
Per's own pages, and the logout that ends both sessions. Content-Security-Policy and cookies are the browser's
to enforce, which the other ID-porten tests (tests/accounts/test_idporten.py) cannot see."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from vegviser.registry.models import Person

from ..idporten_provider import RunningProvider, running_provider, settings_for
from .conftest import BROWSER_DB, axe_check

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.fixture(scope="module")
def provider(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    """A provider with the live server registered: the browser comes back to it, not to the test client."""
    with running_provider(tmp_path_factory.mktemp("oidc-browser"), live_server.url) as running:
        yield running


def test_the_demo_patient_logs_in_and_out_with_id_porten(
    server: LiveServer, demo: None, browser: Browser, settings: Any, provider: RunningProvider
) -> None:
    settings.OIDC_PROVIDERS = settings_for(provider)
    # As settings.py does for a configured issuer: logging out goes on to the provider's pages.
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**directives, "form-action": [*directives["form-action"], provider.issuer]}
    }
    pid = Person.objects.get(user__username="pasient").national_id
    login = server.url + "/account/login/"

    for locale, button in [("nb-NO", "Logg inn med ID-porten"), ("en-GB", "Log in with ID-porten")]:
        context = browser.new_context(locale=locale)
        page = context.new_page()
        page.goto(login)
        assert page.get_by_role("link", name=button).is_visible()
        context.close()

    context = browser.new_context(locale="nn-NO")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(login)
    axe_check(page)
    page.get_by_role("link", name="Logg inn med ID-porten").click()
    page.wait_for_url(provider.issuer + "/interaction/**")
    page.fill("input[name=pid]", pid)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(server.url + "/me/**")
    assert "Per" in page.locator("main").inner_text()
    assert pid not in page.url

    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(provider.issuer + "/session/end**")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(login + "**")
    # Out of Vegviser: its own pages ask for a login again.
    page.goto(server.url + "/me/")
    assert page.url.startswith(login)
    context.close()
