import pytest
from playwright.sync_api import Page
from tests.browser.conftest import BROWSER_DB, axe_check

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_probe(page: Page, server) -> None:
    msgs = []
    page.on("console", lambda m: msgs.append((m.type, m.text)))
    resp = page.goto(server.url + "/account/login/")
    print(resp.headers)
    print(page.context.cookies())
    page.click("button[value=en]")
    page.wait_for_load_state()
    print(page.context.cookies())
    print(page.inner_text("h1"))
    try:
        axe_check(page)
    except Exception as e:
        print("AXE", e)
    print(msgs)
