"""Messages between the person's side and the professionals in the plan: a notice in the app naming what
happened, and an email that says only that something is waiting."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from vegviser.accounts.models import Notification
from vegviser.plans import services
from vegviser.plans.models import MESSAGE_LIMIT, AccessLevel, IndividualPlan, PlanMessage

from ..conftest import World, client_as
from ..plans.helpers import english_messages, plan_for
from .helpers import family, url

pytestmark = pytest.mark.usefixtures(english_messages.__name__)

TEXT = "Jeg har vondt i kneet etter treningen på tirsdag. Kan vi ta det opp på møtet?"


def _content(response: Any) -> str:
    return html.unescape(response.content.decode())


def _thread(plan: IndividualPlan) -> str:
    return reverse("plans:messages", kwargs={"pk": plan.pk})


def test_a_message_from_the_person_tells_the_coordinator_and_full_participants_by_notice_and_one_email(
    world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    plan = plan_for(world, active=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world.patient_user).post(url("messages", world.patient.pk), {"text": TEXT})
    assert response.status_code == 302 and response.url == url("messages", world.patient.pk)
    message = PlanMessage.objects.get(plan=plan)
    assert message.text == TEXT and message.from_person_side and message.author == world.patient_user

    # The coordinator and the teacher (full access, the school consented to) get a notice each ...
    notices = Notification.objects.filter(key=f"message:{message.pk}")
    assert {notice.user for notice in notices} == {world.coordinator, world.team_member}
    for notice in notices:
        assert notice.url == _thread(plan) and notice.read_at is None
        assert "Per Andersen" in notice.text  # behind login, the notice may say whom it is about
    # ... and exactly one email each, which says nothing but that a message is waiting.
    assert sorted(address for email in mail.outbox for address in email.to) == sorted(
        [world.coordinator.email, world.team_member.email]
    )
    assert len(mail.outbox) == 2
    for email in mail.outbox:
        text = f"{email.subject}\n{email.body}"
        assert "Per" not in text and "Andersen" not in text
        assert world.patient_user.display_name not in text
        assert "kneet" not in text and TEXT[:20] not in text
        assert world.patient.national_id not in text


def test_a_limited_participant_is_not_told(world: World, django_capture_on_commit_callbacks: Any) -> None:
    plan = plan_for(world, active=True, access_level=AccessLevel.LIMITED)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(actor=world.patient_user, plan=plan, text=TEXT)
    assert not Notification.objects.filter(user=world.team_member).exists()
    assert [email.to for email in mail.outbox] == [[world.coordinator.email]]
    # Nor may they read the thread.
    assert client_as(world.team_member).get(_thread(plan)).status_code == 404


def test_a_coordinator_who_has_left_the_organisation_is_not_told(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """The assignment is still active until the unit appoints someone else, but one who no longer works where
    they were appointed cannot open the plan, and is not told about it either."""
    plan = plan_for(world, active=True)
    world.coordinator.memberships.update(active=False)
    with django_capture_on_commit_callbacks(execute=True):
        message = services.send_message(actor=world.patient_user, plan=plan, text=TEXT)
    assert {notice.user for notice in Notification.objects.filter(key=f"message:{message.pk}")} == {
        world.team_member
    }
    assert [email.to for email in mail.outbox] == [[world.team_member.email]]
    assert client_as(world.coordinator).get(_thread(plan)).status_code == 404


def test_a_professionals_reply_tells_the_persons_side(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    plan = plan_for(world, active=True)
    services.send_message(actor=world.patient_user, plan=plan, text=TEXT)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world.coordinator).post(_thread(plan), {"text": "Ja, vi tar det på møtet."})
    assert response.status_code == 302
    reply = PlanMessage.objects.get(plan=plan, author=world.coordinator)
    assert not reply.from_person_side
    notice = Notification.objects.get(key=f"message:{reply.pk}")
    assert notice.user == world.patient_user and notice.url == url("messages", world.patient.pk)
    # Not the professionals: they wrote it, or read it in the plan.
    assert (
        not Notification.objects.filter(key=f"message:{reply.pk}").exclude(user=world.patient_user).exists()
    )
    assert [email.to for email in mail.outbox] == [[world.patient_user.email]]
    assert (
        "vi tar det" not in mail.outbox[0].body and world.coordinator.display_name not in mail.outbox[0].body
    )


def test_a_reply_reaches_the_parents_of_a_child(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    found = family(world, age=14)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(actor=world.coordinator, plan=found.plan, text="Velkommen til møtet.")
    notice = Notification.objects.get(user=found.relative_user)
    assert notice.url == url("messages", found.person.pk)
    # The parent opens the thread from the notice and sees the reply there.
    page = client_as(found.relative_user).get(notice.url)
    assert page.status_code == 200 and "Velkommen til møtet." in page.content.decode()


def test_opening_the_thread_marks_its_notices_read(world: World) -> None:
    plan = plan_for(world, active=True)
    first = services.send_message(actor=world.coordinator, plan=plan, text="Hei Per")
    second = services.send_message(actor=world.coordinator, plan=plan, text="Har du tid i morgen?")
    unrelated = Notification.objects.create(
        user=world.patient_user, key="revision:x", text="Revisjon", url="/"
    )
    client = client_as(world.patient_user)
    home = _content(client.get(url("home", world.patient.pk)))
    assert "You have 2 new messages." in home
    assert Notification.objects.filter(user=world.patient_user, read_at__isnull=True).count() == 3

    client.get(url("messages", world.patient.pk))
    for message in (first, second):
        assert (
            Notification.objects.get(user=world.patient_user, key=f"message:{message.pk}").read_at is not None
        )
    unrelated.refresh_from_db()
    assert unrelated.read_at is None
    assert "new message" not in _content(client.get(url("home", world.patient.pk)))
    # The same on the professionals' side.
    from_person = services.send_message(actor=world.patient_user, plan=plan, text=TEXT)
    client_as(world.coordinator).get(_thread(plan))
    assert (
        Notification.objects.get(user=world.coordinator, key=f"message:{from_person.pk}").read_at is not None
    )
    assert Notification.objects.get(user=world.team_member, key=f"message:{from_person.pk}").read_at is None


def test_an_empty_message_is_refused_with_a_clear_message(world: World) -> None:
    plan_for(world, active=True)
    client = client_as(world.patient_user)
    for text in ("", "   \n  "):
        response = client.post(url("messages", world.patient.pk), {"text": text})
        assert response.status_code == 200
        assert "Write a message before sending it." in _content(response)
    assert not PlanMessage.objects.exists()


def test_an_over_long_message_is_refused_and_kept_in_the_form(world: World) -> None:
    plan_for(world, active=True)
    text = "æ" * (MESSAGE_LIMIT + 1)
    response = client_as(world.patient_user).post(url("messages", world.patient.pk), {"text": text})
    assert response.status_code == 200
    page = _content(response)
    assert f"at most {MESSAGE_LIMIT} characters (it has {MESSAGE_LIMIT + 1})" in page
    assert text in page  # nothing typed is lost
    assert not PlanMessage.objects.exists()
    # The field says how long a message may be before it is sent, too.
    assert f'maxlength="{MESSAGE_LIMIT}"' in page
    assert PlanMessage.objects.count() == 0
    ok = client_as(world.patient_user).post(url("messages", world.patient.pk), {"text": text[:MESSAGE_LIMIT]})
    assert ok.status_code == 302


def test_no_message_can_be_sent_in_a_closed_plan(world: World) -> None:
    plan = plan_for(world, active=True)
    services.send_message(actor=world.patient_user, plan=plan, text="Før planen ble avsluttet")
    services.close_plan(actor=None, plan=plan, reason="Flyttet")
    client = client_as(world.patient_user)
    page = _content(client.get(url("messages", world.patient.pk)))
    # The thread is still there to read, without a form to write in.
    assert "Før planen ble avsluttet" in page
    assert "This plan is closed: messages can no longer be sent in it." in page and 'name="text"' not in page
    response = client.post(url("messages", world.patient.pk), {"text": "Etter"})
    assert "This plan is closed: messages can no longer be sent in it." in _content(response)
    coordinator = client_as(world.coordinator).post(_thread(plan), {"text": "Etter"})
    assert coordinator.status_code in (200, 404)
    assert not PlanMessage.objects.filter(text="Etter").exists()


def test_who_reads_the_thread(world: World) -> None:
    plan = plan_for(world, active=True)
    for persona in ("ke_officer", "org_admin", "system_admin"):
        assert client_as(getattr(world, persona)).get(_thread(plan)).status_code == 404
    for persona in ("coordinator", "team_member"):
        assert client_as(getattr(world, persona)).get(_thread(plan)).status_code == 200
    # The person may read it there too, as a reader of the whole plan.
    assert client_as(world.patient_user).get(_thread(plan)).status_code == 200
