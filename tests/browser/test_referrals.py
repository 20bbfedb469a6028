"""The habilitation unit's clerk on a phone: `henvisning` registers a referral through the form, is told its
assessment deadline, and finds it on the unit's work list with that deadline and the working days left; the
referral past its deadline is flagged, and the list reflows to 360 px."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext
from pytest_django.live_server_helper import LiveServer

from vegviser.core.working_days import add_working_days, working_days_between
from vegviser.demo.loader import load_demo
from vegviser.demo.world import DEMO_PASSWORD
from vegviser.referrals.models import Referral
from vegviser.registry.identity import synthetic_national_id

from .conftest import BROWSER_DB, axe_check, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def test_the_clerk_registers_a_referral_and_finds_it_with_its_deadline(
    server: LiveServer, phone: BrowserContext
) -> None:
    load_demo()
    page = phone.new_page()
    sign_in(page, server, "henvisning", DEMO_PASSWORD)
    page.goto(f"{server.url}/referrals/")
    main = page.locator("main")
    # Tor Hansen's referral is past its deadline, waiting for the GP's answer.
    overdue = main.locator("tr", has_text="Tor Hansen")
    assert "overdue" in overdue.inner_text()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Register a referral").click()

    received = timezone.localdate() - timedelta(days=1)
    page.get_by_label("The person's identity number").fill(synthetic_national_id(date(2001, 6, 2), 3))
    page.get_by_label("Given name").fill("Sara")
    page.get_by_label("Family name").fill("Nordvik")
    page.get_by_label("The person's municipality").select_option("1804")
    page.get_by_label("Received", exact=True).fill(received.isoformat())
    page.get_by_label("Referrer", exact=True).fill("Sofie Strand")
    page.get_by_label("Referrer's HPR number").fill("12ab")
    page.get_by_label("Referrer's organisation").fill("Sentrum legekontor, Bodø")
    page.get_by_label("The question or reason").fill("Spørsmål om cerebral parese og behov for habilitering.")
    # Words of a code's name offer the matching codes (the datalist, fed by the code search).
    diagnoses = page.get_by_label("Diagnosis codes")
    diagnoses.press_sequentially("spastisk diplegi")
    page.locator('#diagnosis-suggestions option[value="G80.1"]').wait_for(state="attached")
    assert "G80.1 Spastisk diplegi cerebral parese" in page.locator("#diagnosis-suggestions").inner_html()
    diagnoses.fill("g801")
    page.get_by_label("Yes, the person (or whoever consents for them) agrees to the referral").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Register the referral").click()
    # A mistyped HPR number is explained; nothing typed is lost.
    assert "An HPR number has 4 to 9 digits." in main.inner_text()
    assert page.get_by_label("The question or reason").input_value().startswith("Spørsmål om cerebral")
    assert not Referral.objects.filter(named_as="Sara Nordvik").exists()
    page.get_by_label("Referrer's HPR number").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Register the referral").click()

    deadline = add_working_days(received, 10)
    assert page.url == f"{server.url}/referrals/"
    assert f"It must be assessed by {deadline:%d.%m.%Y}." in main.inner_text()
    row = main.locator("tr", has_text="Sara Nordvik")
    assert f"{deadline:%d.%m.%Y}" in row.inner_text()
    left = working_days_between(timezone.localdate(), deadline)
    assert row.locator('td[data-label="Working days left"]').inner_text().strip() == str(left)
    assert "overdue" not in row.inner_text()
    # Readable on the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    stored = Referral.objects.get(named_as="Sara Nordvik")
    assert stored.assessment_due_on == deadline and stored.diagnosis_codes == ["G80.1"]

    # Sorted by the date received, latest first: the new referral, received yesterday, before Tor's.
    with page.expect_response(lambda response: "sort=received" in response.url):
        page.get_by_role("navigation", name="Sort by").get_by_role("link", name="Received").click()
    with page.expect_response(lambda response: "sort=-received" in response.url):
        page.get_by_role("link", name="Received, earliest first").click()
    names = main.locator("tbody tr td:first-child").all_inner_texts()
    assert names.index("Sara Nordvik") < names.index("Tor Hansen")

    # The epicrisis that came with the referral is attached on its page. A web page named .pdf is refused,
    # keeping the title typed; the real PDF is stored under the attachment's id and opens inline.
    with page.expect_navigation():
        main.get_by_role("link", name="Sara Nordvik").click()
    assert "G80.1 Spastisk diplegi cerebral parese" in main.inner_text()
    page.get_by_label("What the document is").fill("Epikrise fra barneavdelingen")
    upload = page.get_by_label("File (PDF or image)")
    upload.set_input_files(
        {"name": "Sara Nordvik epikrise.pdf", "mimeType": "application/pdf", "buffer": b"<html></html>"}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Add the attachment").click()
    assert "is not a PDF, PNG or JPEG file as its name says" in main.inner_text()
    assert page.get_by_label("What the document is").input_value() == "Epikrise fra barneavdelingen"
    upload.set_input_files(
        {"name": "Sara Nordvik epikrise.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 epikrise"}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Add the attachment").click()
    assert "The attachment was added to the referral." in main.inner_text()
    attachment = stored.attachments.get()
    assert "Nordvik" not in attachment.file.name
    link = main.get_by_role("link", name="Epikrise fra barneavdelingen")
    opened = page.request.get(f"{server.url}{link.get_attribute('href')}")
    assert opened.body() == b"%PDF-1.4 epikrise"
    assert "no-store" in opened.headers["cache-control"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
