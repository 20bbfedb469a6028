"""The demo's coordinator logs in with HelseID and out again in a real browser, against the OpenID Connect
provider the tests run configured like HelseID (pushed authorisation requests, private_key_jwt, DPoP): the
button in each language, the provider's login page, the coordinator's work, and the logout that ends both
sessions. Content-Security-Policy and cookies are the browser's to enforce, which the other HelseID tests
(tests/accounts/test_helseid.py) cannot see."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser
from pytest_django.live_server_helper import LiveServer

from vegviser.accounts.models import User
from vegviser.registry.models import Membership

from ..idporten_provider import RunningProvider, helseid_settings_for, running_provider
from .conftest import BROWSER_DB, axe_check

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.fixture(scope="module")
def provider(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    with running_provider(tmp_path_factory.mktemp("helseid-browser"), live_server.url, "helseid") as running:
        yield running


def test_the_demo_coordinator_logs_in_and_out_with_helseid(
    server: LiveServer, demo: None, browser: Browser, settings: Any, provider: RunningProvider
) -> None:
    settings.OIDC_PROVIDERS = helseid_settings_for(provider)
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**directives, "form-action": [*directives["form-action"], provider.issuer]}
    }
    coordinator = User.objects.get(username="koordinator")
    organisation = Membership.objects.get(user=coordinator, active=True).organisation
    login = server.url + "/account/login/"

    for locale, button in [("nn-NO", "Logg inn med HelseID"), ("en-GB", "Log in with HelseID")]:
        context = browser.new_context(locale=locale)
        page = context.new_page()
        page.goto(login)
        assert page.get_by_role("link", name=button).is_visible()
        context.close()

    context = browser.new_context(locale="nb-NO")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(login)
    axe_check(page)
    page.get_by_role("link", name="Logg inn med HelseID").click()
    page.wait_for_url(provider.issuer + "/interaction/**")
    page.fill("input[name=hpr]", coordinator.hpr_number)
    page.fill("input[name=child]", organisation.organisation_number)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(server.url + "/")
    assert coordinator.first_name in page.locator("header").inner_text()
    assert coordinator.hpr_number not in page.url

    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(provider.issuer + "/session/end**")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(login + "**")
    page.goto(server.url + "/account/notifications/")
    assert page.url.startswith(login)
    context.close()
