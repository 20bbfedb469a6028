"""The system administrator and the users' accounts, in a real browser: a citizen's account is neither listed
nor opened, how a professional who is also a citizen signs in cannot be changed (the page says so, and says so
again when a changed address is sent anyway), and a professional's new address is told to the old one."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from vegviser.accounts.models import User
from vegviser.registry.models import OrganisationKind

from ..factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PersonRelationFactory,
    UserFactory,
)
from .conftest import BROWSER_DB, axe_check, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]

LOCKED = "Bare brukeren selv kan endre hvordan hen logger inn på denne kontoen."


@pytest.fixture
def accounts(server: LiveServer) -> dict[str, User]:
    """The system administrator; Per, a citizen; Kari, an officer who also signs in to her son's pages; Frida,
    a physiotherapist and nothing else."""
    admin = UserFactory(username="admin", first_name="Ada", last_name="Admin", is_system_admin=True)
    per = UserFactory(username="pasient", first_name="Per", last_name="Andersen", email="per@example.no")
    PersonFactory(given_name="Per", family_name="Andersen", user=per)
    unit = OrganisationFactory(name="Koordinerende enhet Bodø", kind=OrganisationKind.COORDINATING_UNIT)
    kari = MembershipFactory(
        organisation=unit,
        role="ke_officer",
        user__username="ke",
        user__first_name="Kari",
        user__last_name="Enge",
        user__email="kari@example.no",
    ).user
    PersonRelationFactory(relative=PersonFactory(given_name="Kari", family_name="Enge", user=kari))
    frida = MembershipFactory(
        organisation=OrganisationFactory(
            name="Fysioterapitjenesten Bodø", kind=OrganisationKind.PHYSIOTHERAPY
        ),
        role="team_member",
        user__username="fysio",
        user__first_name="Frida",
        user__last_name="Ystad",
        user__email="frida@example.no",
    ).user
    return {"admin": admin, "per": per, "kari": kari, "frida": frida}


def _users_page(page: Page) -> None:
    with page.expect_navigation():
        page.locator("header").get_by_role("link", name="Brukere").click()
    assert page.locator("h1").inner_text() == "Brukere"


def test_the_administrator_is_refused_a_citizens_email(
    page: Page, server: LiveServer, accounts: dict[str, User]
) -> None:
    sign_in(page, server, "admin")
    _users_page(page)
    table = page.locator("main table")
    assert "Kari Enge" in table.inner_text()
    assert "Per Andersen" not in page.locator("main").inner_text()

    # Per's account at the address it had before: refused, without telling whether it exists.
    page.goto(f"{server.url}/account/users/{accounts['per'].pk}/")
    assert "Siden finnes ikke, eller du har ikke tilgang til den." in page.locator("main").inner_text()
    assert page.locator("#id_email").count() == 0

    # Kari also signs in to her son's pages: her work details are the administrator's, her sign-in is not.
    _users_page(page)
    with page.expect_navigation():
        page.locator("main table").get_by_role("link", name="Kari Enge").click()
    email = page.locator("#id_email")
    assert not email.is_editable()
    assert page.locator("#id_is_active").is_disabled()
    assert email.input_value() == "kari@example.no"
    assert LOCKED in page.locator(f"#{email.get_attribute('aria-describedby')}").inner_text()
    assert (
        "Bare brukeren selv kan endre hvordan hen logger inn på denne kontoen:"
        in page.locator("main .ds-alert").inner_text()
    )
    axe_check(page)

    # A page that sends another address all the same (an old copy of the form) is refused, saying why.
    email.evaluate("field => { field.readOnly = false; }")
    email.fill("ada@example.no")
    page.fill("#id_phone", "75 55 55 55")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    error = page.locator("#id_email_error1")
    assert error.inner_text().strip() == LOCKED
    accounts["kari"].refresh_from_db()
    assert (accounts["kari"].email, accounts["kari"].phone) == ("kari@example.no", "")
    assert mail.outbox == []


def test_the_administrator_changes_a_professionals_email_and_the_old_address_is_told(
    page: Page, server: LiveServer, accounts: dict[str, User]
) -> None:
    sign_in(page, server, "admin")
    _users_page(page)
    with page.expect_navigation():
        page.locator("main table").get_by_role("link", name="Frida Ystad").click()
    assert page.locator("#id_email").is_editable()
    page.fill("#id_email", "frida.ystad@example.no")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "Endringene er lagret." in page.locator("main").inner_text()
    accounts["frida"].refresh_from_db()
    assert accounts["frida"].email == "frida.ystad@example.no"
    assert [message.to for message in mail.outbox] == [["frida@example.no"]]
    assert "Frida" not in mail.outbox[0].body
