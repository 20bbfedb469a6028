"""Meetings of the responsibility group: who may and who may not, scheduling and bad input, minutes and their
approval, cancelling, decisions linked to goals and measures, the calendar invitation, and the access log."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from vegviser.audit.models import AccessRecord, AuditRecord, Channel
from vegviser.plans import page, selectors, services
from vegviser.plans.calendar import ics_fold, ics_text
from vegviser.plans.models import AccessLevel, IndividualPlan, Meeting
from vegviser.plans.selectors import PlanContent

from ..conftest import World, client_for, english
from ..factories import (
    ConsentFactory,
    CoordinatorAssignmentFactory,
    PersonFactory,
    PersonRelationFactory,
    UserFactory,
)
from .helpers import english_messages, plan_for

OSLO = ZoneInfo("Europe/Oslo")
READERS = {"coordinator", "team_member", "patient_user"}
REFUSED = ["ke_officer", "ke_officer_tromso", "org_admin", "system_admin"]


pytestmark = pytest.mark.usefixtures(english_messages.__name__)


LOCKED = "The minutes are approved, so the meeting can no longer be changed."


def schedule(plan: IndividualPlan, *, starts: datetime | None = None, **data: Any) -> Meeting:
    starts = starts or timezone.now() + timedelta(days=7)
    fields = {
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1, minutes=30),
        "place": "Bodø rådhus, møterom 2",
        "agenda": "Gangtrening; skoledagen",
        "invited": list(plan.participants.filter(active=True)),
        **data,
    }
    return services.schedule_meeting(actor=None, plan=plan, data=fields)


def held(plan: IndividualPlan, *, minutes: str = "Vi ble enige om å fortsette gangtreningen.") -> Meeting:
    """A meeting that began two hours ago, with minutes written."""
    meeting = schedule(plan, starts=timezone.now() - timedelta(hours=2))
    return services.update_meeting(
        actor=None, meeting=meeting, data={"minutes": minutes}, expected_version=meeting.version
    )


def local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def meeting_form(plan: IndividualPlan, **overrides: Any) -> dict[str, Any]:
    starts = timezone.localtime() + timedelta(days=10)
    data: dict[str, Any] = {
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Helsehuset, 2. etasje",
        "video_link": "",
        "agenda": "Status for gangtreningen",
        "invited": [str(p.pk) for p in plan.participants.filter(active=True)],
    }
    data.update(overrides)
    return data


@pytest.fixture
def plan(world: World) -> IndividualPlan:
    return plan_for(world, active=True)


# Who may and who may not

READ_PAGES = ["plans:meeting_detail", "plans:meeting_ics"]
COORDINATOR_PAGES = [
    ("get", "plans:meeting_edit"),
    ("get", "plans:meeting_decision_add"),
    ("post", "plans:meeting_approve"),
    ("post", "plans:meeting_cancel"),
]


@pytest.mark.parametrize("persona", [*sorted(READERS), *REFUSED])
@pytest.mark.parametrize("name", READ_PAGES)
def test_the_meeting_is_read_by_those_who_read_the_whole_plan(
    world: World, plan: IndividualPlan, name: str, persona: str
) -> None:
    meeting = schedule(plan)
    response = client_for(world, persona).get(reverse(name, kwargs={"pk": meeting.pk}))
    assert response.status_code == (200 if persona in READERS else 404)


@pytest.mark.parametrize("persona", ["team_member", "patient_user", *REFUSED])
@pytest.mark.parametrize(("method", "name"), COORDINATOR_PAGES)
def test_only_the_coordinator_changes_a_meeting(
    world: World, plan: IndividualPlan, method: str, name: str, persona: str
) -> None:
    meeting = held(plan)
    url = reverse(name, kwargs={"pk": meeting.pk})
    response = getattr(client_for(world, persona), method)(url)
    assert response.status_code == 404
    unchanged = Meeting.objects.get(pk=meeting.pk)
    assert (unchanged.version, unchanged.cancelled, unchanged.minutes_approved_at) == (
        meeting.version,
        False,
        None,
    )


@pytest.mark.parametrize("persona", ["team_member", "patient_user", *REFUSED])
def test_only_the_coordinator_schedules_a_meeting(world: World, plan: IndividualPlan, persona: str) -> None:
    url = reverse("plans:meeting_create", kwargs={"pk": plan.pk})
    assert client_for(world, "coordinator").get(url).status_code == 200
    assert client_for(world, persona).get(url).status_code == 404
    assert client_for(world, persona).post(url, meeting_form(plan)).status_code == 404
    assert not Meeting.objects.exists()


def test_a_team_member_cannot_save_an_edit(world: World, plan: IndividualPlan) -> None:
    meeting = schedule(plan)
    response = client_for(world, "team_member").post(
        reverse("plans:meeting_edit", kwargs={"pk": meeting.pk}),
        meeting_form(plan, place="Annet sted", version=meeting.version),
    )
    assert response.status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).place == "Bodø rådhus, møterom 2"


def test_anonymous_is_sent_to_log_in(world: World, plan: IndividualPlan) -> None:
    meeting = schedule(plan)
    for name in [*READ_PAGES, "plans:meeting_edit"]:
        response = Client().get(reverse(name, kwargs={"pk": meeting.pk}))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_limited_participant_does_not_read_meetings_they_are_not_invited_to(world: World) -> None:
    plan = plan_for(world, active=True, access_level=AccessLevel.LIMITED)
    meeting = schedule(plan, invited=list(plan.participants.exclude(user=world.team_member)))
    client = client_for(world, "team_member")
    for name in READ_PAGES:
        assert client.get(reverse(name, kwargs={"pk": meeting.pk})).status_code == 404


def test_an_unknown_meeting_is_404(world: World) -> None:
    client = client_for(world, "coordinator")
    for name in READ_PAGES:
        assert client.get(reverse(name, kwargs={"pk": uuid.uuid4()})).status_code == 404


# Scheduling and bad input


def test_the_coordinator_schedules_a_meeting(world: World, plan: IndividualPlan) -> None:
    client = english(world, "coordinator")
    page = client.get(reverse("plans:meeting_create", kwargs={"pk": plan.pk}))
    # The whole responsibility group is ticked to begin with.
    shown = page.content.decode()
    for participant in plan.participants.filter(active=True):
        box = f'<input type="checkbox" name="invited" value="{participant.pk}"[^>]* checked>'
        assert re.search(box, shown), participant
    teacher = plan.participants.get(user=world.team_member)
    data = meeting_form(plan, invited=[str(teacher.pk)], video_link="https://video.example.no/rom/42")
    response = client.post(reverse("plans:meeting_create", kwargs={"pk": plan.pk}), data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:meeting_detail", kwargs={"pk": meeting.pk})
    assert local(meeting.starts_at) == data["starts_at"]
    assert meeting.ends_at - meeting.starts_at == timedelta(hours=1)
    assert (meeting.place, meeting.video_link) == ("Helsehuset, 2. etasje", "https://video.example.no/rom/42")
    assert list(meeting.invited.all()) == [teacher]
    assert meeting.created_by == world.coordinator
    assert AuditRecord.objects.filter(action="plan.meeting.schedule", object_id=str(meeting.pk)).exists()


def test_a_meeting_by_video_only_is_fine(world: World, plan: IndividualPlan) -> None:
    data = meeting_form(plan, place="", video_link="https://video.example.no/rom/42")
    response = english(world, "coordinator").post(
        reverse("plans:meeting_create", kwargs={"pk": plan.pk}), data
    )
    assert response.status_code == 302
    assert Meeting.objects.get().place == ""


def test_an_end_before_the_start_is_explained_and_nothing_typed_is_lost(
    world: World, plan: IndividualPlan
) -> None:
    starts = timezone.localtime() + timedelta(days=3)
    data = meeting_form(
        plan,
        starts_at=starts.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(starts - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        agenda="Punkt én: skoleskyss",
    )
    response = english(world, "coordinator").post(
        reverse("plans:meeting_create", kwargs={"pk": plan.pk}), data
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The meeting must end after it starts." in html
    assert html.count("The meeting must end after it starts.") == 2  # in the summary and at the field
    assert "Punkt én: skoleskyss" in html
    assert "Helsehuset, 2. etasje" in html
    assert f'value="{data["starts_at"]}"' in html
    assert not Meeting.objects.exists()


def test_a_meeting_needs_a_place_or_a_link(world: World, plan: IndividualPlan) -> None:
    data = meeting_form(plan, place="  ", video_link="", agenda="Skoledagen")
    response = english(world, "coordinator").post(
        reverse("plans:meeting_create", kwargs={"pk": plan.pk}), data
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Give a place or a video link." in html
    assert "Skoledagen" in html
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"starts_at": "i morgen"}, "Enter a valid date/time."),
        ({"ends_at": ""}, "This field is required."),
        ({"video_link": "ikke en lenke"}, "Enter a valid URL."),
    ],
)
def test_other_bad_input_is_explained(
    world: World, plan: IndividualPlan, overrides: dict[str, str], message: str
) -> None:
    response = english(world, "coordinator").post(
        reverse("plans:meeting_create", kwargs={"pk": plan.pk}), meeting_form(plan, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


def test_only_participants_of_the_plan_can_be_invited(world: World, plan: IndividualPlan) -> None:
    data = meeting_form(plan, invited=[str(uuid.uuid4())])
    response = english(world, "coordinator").post(
        reverse("plans:meeting_create", kwargs={"pk": plan.pk}), data
    )
    assert response.status_code == 200
    assert not Meeting.objects.exists()


# The meeting page


def test_the_meeting_page_shows_the_meeting_and_the_coordinators_actions(
    world: World, plan: IndividualPlan
) -> None:
    starts = datetime(2030, 3, 4, 10, 0, tzinfo=OSLO)
    meeting = schedule(plan, starts=starts, video_link="https://video.example.no/rom/42")
    html = english(world, "coordinator").get(reverse("plans:meeting_detail", kwargs={"pk": meeting.pk}))
    text = html.content.decode()
    assert "10:00" in text and "11:30" in text and "2030" in text
    assert "Bodø rådhus, møterom 2" in text
    assert "https://video.example.no/rom/42" in text
    assert "Gangtrening; skoledagen" in text
    assert world.team_member.display_name in text
    for name in ["meeting_edit", "meeting_cancel", "meeting_decision_add", "meeting_ics"]:
        assert reverse(f"plans:{name}", kwargs={"pk": meeting.pk}) in text
    # Before the meeting there is nothing to approve.
    assert reverse("plans:meeting_approve", kwargs={"pk": meeting.pk}) not in text


@pytest.mark.parametrize("persona", ["team_member", "patient_user"])
def test_readers_get_the_invitation_but_no_actions(world: World, plan: IndividualPlan, persona: str) -> None:
    meeting = held(plan)
    text = english(world, persona).get(reverse("plans:meeting_detail", kwargs={"pk": meeting.pk})).content
    html = text.decode()
    assert reverse("plans:meeting_ics", kwargs={"pk": meeting.pk}) in html
    assert "Vi ble enige om å fortsette gangtreningen." in html
    for name in ["meeting_edit", "meeting_cancel", "meeting_decision_add", "meeting_approve"]:
        assert reverse(f"plans:{name}", kwargs={"pk": meeting.pk}) not in html


# Minutes


def test_the_coordinator_writes_and_approves_the_minutes(world: World, plan: IndividualPlan) -> None:
    meeting = schedule(plan, starts=timezone.now() - timedelta(hours=2))
    client = english(world, "coordinator")
    data = meeting_form(
        plan,
        starts_at=local(meeting.starts_at),
        ends_at=local(meeting.ends_at),
        place=meeting.place,
        minutes="Alle var enige.",
        version=meeting.version,
    )
    response = client.post(reverse("plans:meeting_edit", kwargs={"pk": meeting.pk}), data)
    assert response.status_code == 302
    page = client.get(reverse("plans:meeting_detail", kwargs={"pk": meeting.pk})).content.decode()
    assert reverse("plans:meeting_approve", kwargs={"pk": meeting.pk}) in page
    response = client.post(reverse("plans:meeting_approve", kwargs={"pk": meeting.pk}), follow=True)
    meeting.refresh_from_db()
    assert meeting.minutes == "Alle var enige."
    assert meeting.minutes_approved_by == world.coordinator
    assert meeting.minutes_approved_at is not None
    html = response.content.decode()
    assert "The minutes were approved." in html
    approved_on = timezone.localtime(meeting.minutes_approved_at).strftime("%d.%m.%Y")
    assert f"Approved on {approved_on} by {world.coordinator.display_name}." in html
    assert AuditRecord.objects.filter(
        action="plan.meeting.approve_minutes", object_id=str(meeting.pk)
    ).exists()


def test_minutes_are_not_approved_before_the_meeting_starts(world: World, plan: IndividualPlan) -> None:
    meeting = schedule(plan)
    meeting = services.update_meeting(
        actor=None, meeting=meeting, data={"minutes": "Skrevet på forhånd"}, expected_version=meeting.version
    )
    response = english(world, "coordinator").post(
        reverse("plans:meeting_approve", kwargs={"pk": meeting.pk}), follow=True
    )
    assert "Minutes can be approved only after the meeting has started." in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).minutes_approved_at is None


def test_empty_minutes_are_not_approved(world: World, plan: IndividualPlan) -> None:
    meeting = held(plan, minutes="   ")
    response = english(world, "coordinator").post(
        reverse("plans:meeting_approve", kwargs={"pk": meeting.pk}), follow=True
    )
    assert "Write the minutes before approving them." in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).minutes_approved_at is None


def test_minutes_are_approved_once(world: World, plan: IndividualPlan) -> None:
    meeting = held(plan)
    client = english(world, "coordinator")
    client.post(reverse("plans:meeting_approve", kwargs={"pk": meeting.pk}))
    first = Meeting.objects.get(pk=meeting.pk).minutes_approved_at
    response = client.post(reverse("plans:meeting_approve", kwargs={"pk": meeting.pk}), follow=True)
    assert "The minutes are already approved." in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).minutes_approved_at == first


def test_approved_minutes_lock_the_meeting_on_its_pages(world: World, plan: IndividualPlan) -> None:
    meeting = services.approve_minutes(actor=None, meeting=held(plan))
    client = english(world, "coordinator")
    page = client.get(reverse("plans:meeting_detail", kwargs={"pk": meeting.pk})).content.decode()
    assert reverse("plans:meeting_edit", kwargs={"pk": meeting.pk}) not in page
    assert reverse("plans:meeting_decision_add", kwargs={"pk": meeting.pk}) not in page
    assert "Record a decision" not in page
    url = reverse("plans:meeting_edit", kwargs={"pk": meeting.pk})
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("plans:meeting_detail", kwargs={"pk": meeting.pk})
    assert LOCKED in response.content.decode()
    data = meeting_form(
        plan,
        starts_at=local(meeting.starts_at + timedelta(days=1)),
        ends_at=local(meeting.ends_at + timedelta(days=1)),
        place="Nytt sted",
        invited=[],
        minutes="Endret i ettertid",
        version=meeting.version,
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    # What was typed is still in the form, for the user to copy into a new meeting.
    assert "Nytt sted" in response.content.decode()
    saved = Meeting.objects.get(pk=meeting.pk)
    assert (saved.starts_at, saved.place, saved.minutes) == (
        meeting.starts_at,
        meeting.place,
        meeting.minutes,
    )
    assert saved.invited.count() == meeting.invited.count() > 0
    decision = reverse("plans:meeting_decision_add", kwargs={"pk": meeting.pk})
    response = client.get(decision, follow=True)
    assert response.redirect_chain[-1][0] == reverse("plans:meeting_detail", kwargs={"pk": meeting.pk})
    assert "The minutes are approved: no decisions can be added." in response.content.decode()
    client.post(decision, {"text": "For sent"})
    assert not meeting.decisions.exists()


def test_the_service_refuses_to_move_a_meeting_whose_minutes_are_approved(plan: IndividualPlan) -> None:
    meeting = services.approve_minutes(actor=None, meeting=held(plan))
    changes: list[dict[str, Any]] = [
        {"starts_at": meeting.starts_at + timedelta(days=1), "ends_at": meeting.ends_at + timedelta(days=1)},
        {"place": "Nytt sted"},
        {"invited": []},
        {"agenda": "Ny dagsorden"},
    ]
    for change in changes:
        with pytest.raises(ValidationError, match="the meeting can no longer be changed"):
            services.update_meeting(
                actor=None, meeting=meeting, data=change, expected_version=meeting.version
            )
    saved = Meeting.objects.get(pk=meeting.pk)
    assert (saved.starts_at, saved.place, saved.agenda, saved.version) == (
        meeting.starts_at,
        meeting.place,
        meeting.agenda,
        meeting.version,
    )
    assert saved.invited.count() == meeting.invited.count() > 0


def test_the_service_refuses_to_change_approved_minutes_whatever_the_object_holds(
    world: World, plan: IndividualPlan
) -> None:
    meeting = services.approve_minutes(actor=None, meeting=held(plan))
    # A bound model form has already copied the new text onto the object it was given.
    meeting.minutes = "Endret i ettertid"
    with pytest.raises(ValidationError):
        services.update_meeting(
            actor=None,
            meeting=meeting,
            data={"minutes": "Endret i ettertid"},
            expected_version=meeting.version,
        )
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Vi ble enige om å fortsette gangtreningen."


def test_an_edit_over_someone_elses_change_is_a_conflict_shown_both_ways(
    world: World, plan: IndividualPlan
) -> None:
    meeting = schedule(plan)
    client = english(world, "coordinator")
    url = reverse("plans:meeting_edit", kwargs={"pk": meeting.pk})
    mine = meeting_form(
        plan,
        starts_at=local(meeting.starts_at),
        ends_at=local(meeting.ends_at),
        place="Mitt forslag",
        agenda=meeting.agenda,
        version=meeting.version,
    )
    services.update_meeting(
        actor=None, meeting=meeting, data={"place": "Deres forslag"}, expected_version=meeting.version
    )
    response = client.post(url, mine)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this while you were editing." in html
    assert "Saved by someone else meanwhile" in html
    assert "Deres forslag" in html and "Mitt forslag" in html
    assert Meeting.objects.get(pk=meeting.pk).place == "Deres forslag"
    # Saving again is a deliberate choice, made with the version now shown.
    mine["version"] = Meeting.objects.get(pk=meeting.pk).version
    assert client.post(url, mine).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).place == "Mitt forslag"


def test_a_meeting_is_read_once_to_be_updated(world: World, plan: IndividualPlan) -> None:
    """The row is locked and read once: the check on approved minutes and the update share it."""
    meeting = schedule(plan)
    with CaptureQueriesContext(connection) as queries:
        updated = services.update_meeting(
            actor=None, meeting=meeting, data={"place": "Helsehuset"}, expected_version=meeting.version
        )
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "plans_meeting"')]
    assert len(reads) == 1
    assert (updated.place, updated.version) == ("Helsehuset", meeting.version + 1)
    assert Meeting.objects.get(pk=meeting.pk).place == "Helsehuset"


# Cancelling


def test_the_coordinator_cancels_a_meeting(world: World, plan: IndividualPlan) -> None:
    meeting = schedule(plan)
    client = english(world, "coordinator")
    response = client.post(reverse("plans:meeting_cancel", kwargs={"pk": meeting.pk}), follow=True)
    html = response.content.decode()
    assert "The meeting was cancelled." in html
    assert "This meeting is cancelled." in html
    assert Meeting.objects.get(pk=meeting.pk).cancelled
    assert reverse("plans:meeting_cancel", kwargs={"pk": meeting.pk}) not in html
    assert AuditRecord.objects.filter(action="plan.meeting.cancel", object_id=str(meeting.pk)).exists()
    again = client.post(reverse("plans:meeting_cancel", kwargs={"pk": meeting.pk}), follow=True)
    assert "This meeting can no longer be cancelled." in again.content.decode()


def test_a_meeting_with_approved_minutes_is_not_cancelled(world: World, plan: IndividualPlan) -> None:
    meeting = services.approve_minutes(actor=None, meeting=held(plan))
    response = english(world, "coordinator").post(
        reverse("plans:meeting_cancel", kwargs={"pk": meeting.pk}), follow=True
    )
    assert "This meeting can no longer be cancelled." in response.content.decode()
    assert not Meeting.objects.get(pk=meeting.pk).cancelled


def test_approving_and_cancelling_answer_only_post(world: World, plan: IndividualPlan) -> None:
    meeting = held(plan)
    client = client_for(world, "coordinator")
    for name in ["plans:meeting_approve", "plans:meeting_cancel"]:
        assert client.get(reverse(name, kwargs={"pk": meeting.pk})).status_code == 405
    assert Meeting.objects.get(pk=meeting.pk).minutes_approved_at is None


# Decisions


def test_a_decision_is_linked_to_goals_and_measures(world: World, plan: IndividualPlan) -> None:
    meeting = held(plan)
    goal, measure = plan.goals.get(), plan.measures.get()
    client = english(world, "coordinator")
    url = reverse("plans:meeting_decision_add", kwargs={"pk": meeting.pk})
    form = client.get(url).content.decode()
    assert goal.text in form and measure.title in form
    response = client.post(
        url,
        {"text": "Gangtreningen økes til tre ganger i uka.", "goals": [goal.pk], "measures": [measure.pk]},
    )
    assert response.status_code == 302
    decision = meeting.decisions.get()
    assert decision.text == "Gangtreningen økes til tre ganger i uka."
    assert list(decision.goals.all()) == [goal]
    assert list(decision.measures.all()) == [measure]
    assert list(goal.decisions.all()) == [decision]
    page = english(world, "team_member").get(reverse("plans:meeting_detail", kwargs={"pk": meeting.pk}))
    html = page.content.decode()
    assert "Gangtreningen økes til tre ganger i uka." in html
    assert goal.text in html and measure.title in html
    assert AuditRecord.objects.filter(action="plan.meeting.decision", object_id=str(decision.pk)).exists()


def test_a_decision_needs_its_text_and_the_plans_own_goals(world: World, plan: IndividualPlan) -> None:
    meeting = held(plan)
    other = _other_plan(world)
    foreign_goal = other.goals.get()
    client = english(world, "coordinator")
    url = reverse("plans:meeting_decision_add", kwargs={"pk": meeting.pk})
    empty = client.post(url, {"text": "   ", "goals": [plan.goals.get().pk]})
    assert empty.status_code == 200
    assert "This field is required." in empty.content.decode()
    foreign = client.post(url, {"text": "Noe", "goals": [foreign_goal.pk]})
    assert foreign.status_code == 200
    assert "Select a valid choice." in foreign.content.decode()
    assert not meeting.decisions.exists()


def _other_plan(world: World) -> IndividualPlan:
    """A plan for the person in Tromsø, with one goal."""
    person = world.person_tromso
    ConsentFactory(person=person, shared_with=[world.physio])
    CoordinatorAssignmentFactory(person=person, coordinator=world.coordinator, organisation=world.physio)
    other = services.create_plan(actor=None, person=person)
    services.add_goal(actor=None, plan=other, data={"text": "Et annet mål", "baseline": -1})
    return other


def test_a_parent_of_a_young_person_does_not_see_private_goals_through_a_decision(world: World) -> None:
    today = timezone.localdate()
    world.patient.birth_date = date(today.year - 13, 1, 1)
    world.patient.save()
    parent_user = UserFactory(username="forelder")
    parent = PersonFactory(given_name="Mor", user=parent_user)
    PersonRelationFactory(person=world.patient, relative=parent, valid_from=date(2013, 1, 1))
    plan = plan_for(world, active=True)
    shared = plan.goals.get()
    private = services.add_goal(
        actor=None, plan=plan, data={"text": "Mitt hemmelige mål", "baseline": -1, "private_to_parents": True}
    )
    meeting = held(plan)
    services.record_decision(
        actor=None, meeting=meeting, text="Begge målene følges opp.", goals=[shared, private]
    )
    client = Client()
    client.force_login(parent_user, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(reverse("plans:meeting_detail", kwargs={"pk": meeting.pk})).content.decode()
    assert "Begge målene følges opp." in html
    assert shared.text in html
    assert "Mitt hemmelige mål" not in html
    coordinator_view = client_for(world, "coordinator").get(
        reverse("plans:meeting_detail", kwargs={"pk": meeting.pk})
    )
    assert "Mitt hemmelige mål" in coordinator_view.content.decode()


# The calendar invitation


def unfold(body: str) -> list[str]:
    """RFC 5545 §3.1: content lines, with folded lines joined back."""
    assert body.endswith("\r\n")
    return body[:-2].replace("\r\n ", "").split("\r\n")


def properties(body: str) -> dict[str, str]:
    """The properties of the one event, by name (parameters dropped)."""
    lines = unfold(body)
    event = lines[lines.index("BEGIN:VEVENT") + 1 : lines.index("END:VEVENT")]
    found: dict[str, str] = {}
    for line in event:
        name, value = line.split(":", 1)
        found[name.split(";", 1)[0]] = value
    return found


def test_the_invitation_is_a_calendar_event_without_the_persons_name(
    world: World, plan: IndividualPlan
) -> None:
    starts = datetime(2030, 6, 4, 10, 0, tzinfo=OSLO)
    place = "Bodø rådhus; møterom 2, inngang fra Torvgata " + "og så videre " * 8
    meeting = schedule(plan, starts=starts, place=place, video_link="https://video.example.no/rom/42")
    response = english(world, "team_member").get(reverse("plans:meeting_ics", kwargs={"pk": meeting.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    raw = response.content
    body = raw.decode("utf-8")
    physical = body.split("\r\n")
    assert physical[-1] == ""
    assert all(len(line.encode()) <= 75 for line in physical)
    assert all("\n" not in line and "\r" not in line for line in physical)
    assert any(line.startswith(" ") for line in physical), "the long place is folded"
    lines = unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    assert "METHOD:PUBLISH" in lines
    assert lines.count("BEGIN:VEVENT") == 1
    event = properties(body)
    assert event["UID"] == str(meeting.pk)
    assert event["DTSTART"] == "20300604T080000Z"  # 10:00 in Oslo, summer time
    assert event["DTEND"] == "20300604T093000Z"
    assert event["SUMMARY"] == "Meeting of the responsibility group"
    assert event["LOCATION"] == place.replace(";", "\\;").replace(",", "\\,")
    assert event["STATUS"] == "CONFIRMED"
    assert event["URL"] == "http://testserver" + reverse("plans:meeting_detail", kwargs={"pk": meeting.pk})
    assert "https://video.example.no/rom/42" in event["DESCRIPTION"]
    assert event["DTSTAMP"].endswith("Z")
    for name in (world.patient.full_name, world.patient.family_name, world.patient.national_id):
        assert name not in body
    assert "Gangtrening" not in body, "the agenda stays on the meeting page"


def test_the_invitation_uses_the_users_language(world: World, plan: IndividualPlan) -> None:
    meeting = schedule(plan)
    response = client_for(world, "coordinator").get(
        reverse("plans:meeting_ics", kwargs={"pk": meeting.pk}), HTTP_ACCEPT_LANGUAGE="nb"
    )
    summary = properties(response.content.decode())["SUMMARY"]
    assert summary
    assert world.patient.family_name not in summary


def test_the_invitation_keeps_its_uid_and_a_cancellation_replaces_it(
    world: World, plan: IndividualPlan
) -> None:
    meeting = schedule(
        plan, starts=datetime(2030, 1, 15, 9, 0, tzinfo=OSLO), place="", video_link="https://v.example.no/1"
    )
    client = client_for(world, "patient_user")
    url = reverse("plans:meeting_ics", kwargs={"pk": meeting.pk})
    first = properties(client.get(url).content.decode())
    assert first["DTSTART"] == "20300115T080000Z"  # winter time
    assert first["LOCATION"] == "https://v.example.no/1"
    services.cancel_meeting(actor=None, meeting=meeting)
    body = client.get(url).content.decode()
    cancelled = properties(body)
    assert "METHOD:CANCEL" in unfold(body)
    assert cancelled["STATUS"] == "CANCELLED"
    assert cancelled["UID"] == first["UID"] == str(meeting.pk)
    assert int(cancelled["SEQUENCE"]) > int(first["SEQUENCE"])


def test_the_organiser_is_the_coordinator_who_scheduled(world: World, plan: IndividualPlan) -> None:
    world.coordinator.email = "koordinator@bodo.kommune.no"
    world.coordinator.save()
    english(world, "coordinator").post(
        reverse("plans:meeting_create", kwargs={"pk": plan.pk}), meeting_form(plan)
    )
    meeting = Meeting.objects.get()
    body = client_for(world, "team_member").get(reverse("plans:meeting_ics", kwargs={"pk": meeting.pk}))
    organiser = [line for line in unfold(body.content.decode()) if line.startswith("ORGANIZER")]
    assert organiser == [
        f'ORGANIZER;CN="{world.coordinator.display_name}":mailto:koordinator@bodo.kommune.no'
    ]


def test_text_values_are_escaped() -> None:
    assert ics_text("a\\b;c,d\ne\r\nf\x00g") == "a\\\\b\\;c\\,d\\ne\\nfg"


@given(st.text(max_size=400))
def test_folding_keeps_every_line_within_75_octets_and_loses_nothing(text: str) -> None:
    line = "DESCRIPTION:" + ics_text(text)
    folded = ics_fold(line)
    physical = folded.split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in physical)
    assert all(part.startswith(" ") for part in physical[1:])
    assert folded.replace("\r\n ", "") == line


@given(st.text(max_size=200))
def test_escaped_text_holds_no_line_break_and_no_bare_separator(text: str) -> None:
    escaped = ics_text(text)
    assert "\n" not in escaped and "\r" not in escaped
    unescaped = escaped.replace("\\\\", "\x00").replace("\\;", "").replace("\\,", "").replace("\\n", "")
    assert ";" not in unescaped and "," not in unescaped


# The access log


@pytest.mark.parametrize(
    ("name", "persona", "channel"),
    [
        ("plans:meeting_detail", "coordinator", Channel.WEB),
        ("plans:meeting_detail", "team_member", Channel.WEB),
        ("plans:meeting_detail", "patient_user", Channel.WEB),
        ("plans:meeting_edit", "coordinator", Channel.WEB),
        ("plans:meeting_decision_add", "coordinator", Channel.WEB),
        ("plans:meeting_ics", "team_member", Channel.EXPORT),
        ("plans:meeting_ics", "coordinator", Channel.EXPORT),
    ],
)
def test_each_read_of_a_meeting_writes_one_access_record(
    world: World, plan: IndividualPlan, name: str, persona: str, channel: str
) -> None:
    meeting = schedule(plan)
    client = client_for(world, persona)
    before = AccessRecord.objects.count()
    assert client.get(reverse(name, kwargs={"pk": meeting.pk})).status_code == 200
    assert AccessRecord.objects.count() == before + 1
    record = AccessRecord.objects.order_by("-at").first()
    assert record is not None
    assert (record.actor, record.person_id, record.channel) == (
        getattr(world, persona),
        world.patient.pk,
        channel,
    )
    assert (record.object_type, record.object_id) == ("plans.meeting", str(meeting.pk))


def test_the_scheduling_form_writes_one_access_record(world: World, plan: IndividualPlan) -> None:
    before = AccessRecord.objects.count()
    client_for(world, "coordinator").get(reverse("plans:meeting_create", kwargs={"pk": plan.pk}))
    assert AccessRecord.objects.count() == before + 1


def test_a_refused_read_writes_no_access_record(world: World, plan: IndividualPlan) -> None:
    meeting = schedule(plan)
    before = AccessRecord.objects.count()
    for name in READ_PAGES:
        assert (
            client_for(world, "ke_officer").get(reverse(name, kwargs={"pk": meeting.pk})).status_code == 404
        )
    assert AccessRecord.objects.count() == before


# The section on the plan page


def section(content: PlanContent, *, may_edit: bool) -> str:
    """The section as the plan page renders it, for the coordinator (`may_edit`) or another reader."""
    return render_to_string(
        "plans/_meetings_section.html",
        {
            "plan": content.plan,
            "content": content,
            "may_edit": may_edit,
            "meetings": page.meetings(content, may_edit=may_edit),
        },
    )


def test_the_plan_page_section_lists_upcoming_and_earlier_meetings(
    world: World, plan: IndividualPlan
) -> None:
    upcoming = schedule(plan, place="Kommende sted")
    earlier = services.approve_minutes(actor=None, meeting=held(plan))
    cancelled = services.cancel_meeting(actor=None, meeting=schedule(plan, place="Avlyst sted"))
    content = selectors.plan_content(user=world.coordinator, plan=plan)
    html = section(content, may_edit=True)
    for meeting in (upcoming, earlier, cancelled):
        assert reverse("plans:meeting_detail", kwargs={"pk": meeting.pk}) in html
    upcoming_part, earlier_part = html.split("Earlier meetings")
    assert "Kommende sted" in upcoming_part and "Avlyst sted" in upcoming_part
    assert reverse("plans:meeting_detail", kwargs={"pk": earlier.pk}) in earlier_part
    assert "Minutes approved" in earlier_part
    assert reverse("plans:meeting_create", kwargs={"pk": plan.pk}) in html
    reader = section(content, may_edit=False)
    assert reverse("plans:meeting_create", kwargs={"pk": plan.pk}) not in reader


def test_each_meeting_is_tagged_by_its_state_and_place(world: World, plan: IndividualPlan) -> None:
    """Cancelled, minutes approved or not (the last only for the coordinator, who approves them), and where:
    the place, or "by video" for a meeting held by video only."""
    schedule(plan, place="", video_link="https://video.example.no/rom/1")
    services.cancel_meeting(actor=None, meeting=held(plan))
    services.approve_minutes(actor=None, meeting=held(plan))
    held(plan)
    content = selectors.plan_content(user=world.coordinator, plan=plan)
    with translation.override("en"):
        coordinator, reader = section(content, may_edit=True), section(content, may_edit=False)
    for html in (coordinator, reader):
        upcoming, earlier = html.split("Earlier meetings")
        assert upcoming.count(" · by video") == 1 and "ds-tag" not in upcoming
        assert earlier.count('<span class="ds-tag" data-color="danger">Cancelled</span>') == 1
        assert earlier.count('<span class="ds-tag" data-color="success">Minutes approved</span>') == 1
        assert earlier.count(" · Bodø rådhus, møterom 2") == 3
    assert coordinator.count('<span class="ds-tag" data-color="warning">Minutes not approved</span>') == 1
    assert "Minutes not approved" not in reader


def test_the_section_without_meetings_says_so(world: World, plan: IndividualPlan) -> None:
    content = selectors.plan_content(user=world.coordinator, plan=plan)
    html = section(content, may_edit=False)
    assert "No meetings are scheduled." in html
    assert "Earlier meetings" not in html


def test_a_limited_participant_gets_no_meeting_section_without_an_invitation(world: World) -> None:
    plan = plan_for(world, active=True, access_level=AccessLevel.LIMITED)
    schedule(plan, invited=list(plan.participants.exclude(user=world.team_member)))
    content = selectors.plan_content(user=world.team_member, plan=plan)
    html = section(content, may_edit=False)
    assert html.strip() == ""


def test_a_limited_participant_sees_the_meetings_they_are_invited_to(world: World) -> None:
    plan = plan_for(world, active=True, access_level=AccessLevel.LIMITED)
    theirs = schedule(plan)
    schedule(plan, invited=list(plan.participants.exclude(user=world.team_member)), place="Helsehuset")
    content = selectors.plan_content(user=world.team_member, plan=plan)
    assert content.meetings == [theirs]
    html = section(content, may_edit=False)
    assert reverse("plans:meeting_detail", kwargs={"pk": theirs.pk}) in html
    assert "Schedule a meeting" not in html


def test_meetings_need_an_open_plan(world: World, plan: IndividualPlan) -> None:
    meeting = schedule(plan)
    services.close_plan(actor=None, plan=plan, reason="Flyttet")
    client = client_for(world, "coordinator")
    assert client.get(reverse("plans:meeting_create", kwargs={"pk": plan.pk})).status_code == 404
    assert client.get(reverse("plans:meeting_edit", kwargs={"pk": meeting.pk})).status_code == 404
    assert client.get(reverse("plans:meeting_detail", kwargs={"pk": meeting.pk})).status_code == 200


def test_a_cancelled_meeting_takes_no_minutes_approval_or_decisions(plan: IndividualPlan) -> None:
    meeting = held(plan)
    services.cancel_meeting(actor=None, meeting=meeting)
    with pytest.raises(ValidationError, match="cancelled"):
        services.approve_minutes(actor=None, meeting=meeting)
    with pytest.raises(ValidationError, match="cancelled"):
        services.record_decision(actor=None, meeting=meeting, text="Etter avlysning")
    with pytest.raises(ValidationError, match="no longer be cancelled"):
        services.cancel_meeting(actor=None, meeting=meeting)


def test_no_decisions_after_the_minutes_are_approved(plan: IndividualPlan) -> None:
    meeting = held(plan)
    services.approve_minutes(actor=None, meeting=meeting)
    with pytest.raises(ValidationError, match="approved"):
        services.record_decision(actor=None, meeting=meeting, text="For sent")
