"""A meeting reaches its invitees, in a real browser: the demo's coordinator schedules a meeting of Per's
responsibility group through the page; Eva, his occupational therapist with limited access, signs in, finds
the invitation among her notices, opens the meeting, sees who the coordinator is and writes to him; he
answers her on the meeting page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext
from pytest_django.live_server_helper import LiveServer

from vegviser.accounts.models import Notification, User
from vegviser.demo.loader import load_demo
from vegviser.plans.models import IndividualPlan, Meeting, MeetingMessage, PlanStatus

from . import test_plan_path
from .test_plan_path import as_user, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

english = test_plan_path.english


def test_a_limited_invitee_is_told_opens_the_meeting_and_writes_to_the_coordinator(
    server: LiveServer, english: BrowserContext, browser: Browser
) -> None:
    load_demo()
    plan = IndividualPlan.objects.get(person__given_name="Per", status=PlanStatus.ACTIVE)
    eva = User.objects.get(username="ergo")
    eva.language = "nb"
    eva.save(update_fields=["language"])

    coordinator = as_user(english, server, "koordinator")
    coordinator.goto(f"{server.url}/plans/{plan.pk}/meetings/new/")
    starts = timezone.localtime() + timedelta(days=9)
    coordinator.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    coordinator.fill("#id_ends_at", (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    coordinator.fill("#id_place", "Bodø rådhus, møterom 2")
    coordinator.fill("#id_agenda", "Hjelpemidler på arbeidsplassen")
    submit(coordinator, "Schedule")
    assert "The meeting was scheduled." in coordinator.content()
    meeting = Meeting.objects.get(plan=plan, agenda="Hjelpemidler på arbeidsplassen")
    assert meeting.invited.filter(user=eva).exists(), list(
        meeting.invited.values_list("name", "user__username")
    )

    # Eva reads in Bokmål: her notice is in her language, the page in her browser's.
    limited = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
    limited.set_default_timeout(15_000)
    page = as_user(limited, server, "ergo")
    page.goto(f"{server.url}/account/notifications/")
    invitation = page.get_by_role(
        "button", name=re.compile("Du er invitert til møte i ansvarsgruppen for Per")
    )
    with page.expect_navigation():
        invitation.first.click()
    assert page.url.rstrip("/").endswith(f"/plans/meetings/{meeting.pk}")
    main = page.locator("main")
    assert "Kristian Olsen" in main.inner_text()  # the coordinator
    assert "Hjelpemidler på arbeidsplassen" in main.inner_text()

    page.fill("#id_text", "Jeg kommer 15 minutter senere.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send til koordinatoren").click()
    assert "Meldingen er sendt til koordinatoren." in page.content()
    assert "Jeg kommer 15 minutter senere." in page.locator("main").inner_text()
    message = MeetingMessage.objects.get(meeting=meeting)
    assert message.author == eva
    assert Notification.objects.filter(
        key=f"meeting-message:{message.pk}", user__username="koordinator"
    ).exists()

    # Another meeting of the plan, one she is not invited to, stays closed to her.
    others = [p for p in plan.participants.filter(active=True) if p.user_id != eva.pk]
    other = Meeting.objects.create(
        plan=plan, starts_at=meeting.starts_at, ends_at=meeting.ends_at, place="Helsehuset"
    )
    other.invited.set(others)
    response = page.goto(f"{server.url}/plans/meetings/{other.pk}/")
    assert response is not None and response.status == 404

    # The coordinator reads what she wrote on the meeting page, and answers her there.
    coordinator.goto(f"{server.url}/plans/meetings/{meeting.pk}/")
    assert "Jeg kommer 15 minutter senere." in coordinator.locator("main").inner_text()
    coordinator.get_by_label("Answer").fill("Det går fint, vi begynner med saken din.")
    with coordinator.expect_navigation():
        coordinator.get_by_role("button", name="Answer Eva Rønning").click()
    assert "Your answer was sent." in coordinator.content()
    page.goto(f"{server.url}/plans/meetings/{meeting.pk}/")
    assert "Det går fint, vi begynner med saken din." in page.locator("main").inner_text()
    limited.close()
