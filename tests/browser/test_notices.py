"""A notice made while the reader used Bokmål reads in the language they switch to, in a real browser."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils.translation import gettext_lazy
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from vegviser.plans import notices

from ..factories import UserFactory
from .conftest import BROWSER_DB, axe_check, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]


def _switch(page: Page, language: str) -> None:
    with page.expect_navigation():
        page.locator(f".language-switcher button[value={language}]").click()


def test_a_notice_follows_the_language_switch(server: LiveServer, page: Page) -> None:
    user = UserFactory(username="koordinator", first_name="Kristian", last_name="Olsen")
    notices.tell(
        users=[user],
        key="revision:1:2026-12-14",
        message=gettext_lazy("The plan for %(name)s is due for revision on %(date)s."),
        params={"name": "Per Andersen", "date": date(2026, 12, 14)},
        url="/",
        email=False,
    )
    sign_in(page, server, "koordinator")
    page.goto(f"{server.url}/account/notifications/")
    table = page.locator("main table")
    assert "Planen for Per Andersen skal revideres 14.12.2026." in table.inner_text()
    _switch(page, "en")
    assert "The plan for Per Andersen is due for revision on 14.12.2026." in table.inner_text()
    axe_check(page)
    _switch(page, "nn")
    assert "Planen for Per Andersen skal reviderast 14.12.2026." in table.inner_text()
