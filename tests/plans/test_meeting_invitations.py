"""Meetings reach their invitees: an invitation, a change of time or place, a cancellation and the approved
minutes are each told to every invitee who can open the meeting, in the app and by an email that names no one,
with the calendar event; never to the one who made the change, to those not invited, or to inactive users. A
limited participant opens the meetings they are invited to, sees the coordinator and writes to them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from vegviser.accounts.models import Notification, User
from vegviser.audit.models import AccessRecord, ReadPurpose
from vegviser.plans import services
from vegviser.plans.models import (
    AccessLevel,
    IndividualPlan,
    Meeting,
    MeetingMessage,
    ParticipantKind,
    PlanParticipant,
)
from vegviser.registry.models import OrganisationKind

from ..conftest import World, client_as
from ..factories import MembershipFactory, OrganisationFactory
from .helpers import child_with_parent, plan_for

# What an email must never carry: the person's name, the plan's content, the place and agenda typed in.
PLACE = "Habiliteringstjenesten, rom 3"
AGENDA = "Epilepsi og gangtrening"


@dataclass
class Group:
    """A plan's responsibility group: the coordinator (also a participant), the teacher (full access), a
    physiotherapist with limited access, the patient, a participant whose account is closed, and one who is
    never invited."""

    plan: IndividualPlan
    coordinator: User
    teacher: User
    limited: User
    patient: User
    closed: User
    uninvited: User

    def invitees(self) -> list[PlanParticipant]:
        return list(self.plan.participants.filter(active=True).exclude(user=self.uninvited))


def _join(plan: IndividualPlan, user: User, *, kind: str = ParticipantKind.PROFESSIONAL, **data: Any) -> None:
    services.add_participant(
        actor=None,
        plan=plan,
        data={"kind": kind, "user": user, "name": user.display_name, "role": "Deltaker", **data},
    )


def _professional(plan: IndividualPlan, access_level: str) -> User:
    """A professional of a new organisation the person's consent covers, in the plan."""
    organisation = OrganisationFactory(kind=OrganisationKind.PHYSIOTHERAPY)
    user = MembershipFactory(organisation=organisation, role="team_member", user__language="nn").user
    plan.person.consents.get(withdrawn_at__isnull=True).shared_with.add(organisation)
    _join(plan, user, organisation=organisation, access_level=access_level)
    return user


@pytest.fixture
def group(world: World) -> Group:
    plan = plan_for(world, active=True)
    world.coordinator.email, world.coordinator.language = "koordinator@example.no", "nb"
    world.coordinator.save()
    world.team_member.email, world.team_member.language = "laerer@example.no", "en"
    world.team_member.save()
    world.patient_user.email = "per@example.no"
    world.patient_user.save()
    if not plan.participants.filter(user=world.coordinator).exists():
        _join(plan, world.coordinator, organisation=world.physio)
    if not plan.participants.filter(user=world.patient_user).exists():
        _join(plan, world.patient_user, kind=ParticipantKind.PERSON)
    limited = _professional(plan, AccessLevel.LIMITED)
    limited.email = "fysio@example.no"
    limited.save()
    closed = _professional(plan, AccessLevel.FULL)
    closed.email = "stengt@example.no"
    closed.save()
    uninvited = _professional(plan, AccessLevel.FULL)
    uninvited.email = "ikke@example.no"
    uninvited.save()
    closed.is_active = False
    closed.save()
    return Group(plan, world.coordinator, world.team_member, limited, world.patient_user, closed, uninvited)


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Emails are sent once the change is committed: what waits for the commit runs when the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _data(starts: datetime | None = None, **extra: Any) -> dict[str, Any]:
    starts = starts or timezone.now() + timedelta(days=7)
    return {
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "place": PLACE,
        "agenda": AGENDA,
        **extra,
    }


def _schedule(group: Group, actor: User | None = None, **extra: Any) -> Meeting:
    return services.schedule_meeting(
        actor=actor or group.coordinator, plan=group.plan, data=_data(invited=group.invitees(), **extra)
    )


def _noticed(key_start: str) -> set[User]:
    return {n.user for n in Notification.objects.filter(key__startswith=key_start).select_related("user")}


def _sent_to(outbox: list[Any]) -> set[str]:
    return {address for email in outbox for address in email.to}


def _calendar(email: Any) -> Message:
    """The email's calendar part, parsed as a mail client reads it."""
    parsed = message_from_bytes(email.message().as_bytes())
    [part] = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
    return part


def _ics_fields(part: Message) -> dict[str, str]:
    """The calendar's properties, lines unfolded (RFC 5545 §3.1), first value of each name."""
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    text = payload.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    fields: dict[str, str] = {}
    for line in text.replace("\r\n ", "").split("\r\n"):
        if line:
            name, _sep, value = line.partition(":")
            fields.setdefault(name.split(";")[0], value)
    assert next(iter(fields)) == "BEGIN" and text.count("BEGIN:VEVENT") == 1
    return fields


def _no_names_or_health(group: Group, email: Any) -> None:
    raw = email.message().as_bytes().decode("utf-8", "replace")
    calendar = _calendar(email).get_payload(decode=True) if email.attachments else b""
    assert isinstance(calendar, bytes)
    for text in [email.subject, email.body, calendar.decode("utf-8"), raw]:
        for secret in [
            group.plan.person.given_name,
            group.plan.person.family_name,
            group.coordinator.display_name,
            group.teacher.display_name,
            PLACE,
            AGENDA,
            "Habilitering",
        ]:
            assert secret not in text, f"{secret!r} in an email"


# Who is told of each event


def test_an_invitation_reaches_each_invitee_but_not_the_one_who_scheduled(
    group: Group, committed: Any, mailoutbox: list[Any]
) -> None:
    with committed():
        meeting = _schedule(group)
    told = {group.teacher, group.limited, group.patient}
    assert _noticed(f"meeting-invited:{meeting.pk}") == told
    assert _sent_to(mailoutbox) == {user.email for user in told}
    notice = Notification.objects.get(user=group.teacher, key__startswith="meeting-invited")
    assert notice.url == reverse("plans:meeting_detail", kwargs={"pk": meeting.pk})
    assert "Per Andersen" in notice.text  # behind login the notice says whose group meets


def test_the_email_names_no_one_and_carries_a_request(
    group: Group, committed: Any, mailoutbox: list[Any]
) -> None:
    with committed():
        meeting = _schedule(group)
    [email] = [email for email in mailoutbox if email.to == [group.teacher.email]]
    _no_names_or_health(group, email)
    assert email.subject == "Invitation to a meeting in Vegviser"
    starts = timezone.localtime(meeting.starts_at)
    assert f"{starts:%d.%m.%Y} at {starts:%H:%M}" in email.body
    part = _calendar(email)
    assert part.get_param("method") == "REQUEST"
    fields = _ics_fields(part)
    assert fields["METHOD"] == "REQUEST"
    assert fields["UID"] == str(meeting.pk)
    assert fields["SEQUENCE"] == str(meeting.version)
    assert fields["DTSTART"] == meeting.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert fields["SUMMARY"] == "Meeting in Vegviser"
    assert fields["ATTENDEE"] == f"mailto:{group.teacher.email}"
    assert fields["ORGANIZER"].startswith("mailto:")
    assert "LOCATION" not in fields
    assert fields["STATUS"] == "CONFIRMED"


def test_the_event_links_to_the_meeting_where_the_site_is_known(
    group: Group, committed: Any, mailoutbox: list[Any], settings: Any
) -> None:
    settings.VEGVISER_SITE_URL = "https://vegviser.bodo.kommune.no"
    with committed():
        meeting = _schedule(group)
    [email] = [email for email in mailoutbox if email.to == [group.teacher.email]]
    fields = _ics_fields(_calendar(email))
    url = f"https://vegviser.bodo.kommune.no/plans/meetings/{meeting.pk}/"
    assert fields["URL"] == url and url in fields["DESCRIPTION"]
    _no_names_or_health(group, email)


def test_without_the_sites_address_the_event_has_no_link(
    group: Group, committed: Any, mailoutbox: list[Any], settings: Any
) -> None:
    settings.VEGVISER_SITE_URL = ""
    with committed():
        _schedule(group)
    [email] = [email for email in mailoutbox if email.to == [group.teacher.email]]
    fields = _ics_fields(_calendar(email))
    assert "URL" not in fields
    assert fields["DESCRIPTION"] == "Log in to Vegviser to see the place and the agenda."


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("nb", "Invitasjon til et møte i Vegviser"),
        ("nn", "Invitasjon til eit møte i Vegviser"),
        ("en", "Invitation to a meeting in Vegviser"),
    ],
)
def test_each_invitee_is_written_to_in_their_language(
    group: Group, committed: Any, mailoutbox: list[Any], language: str, subject: str
) -> None:
    group.teacher.language = language
    group.teacher.save()
    with committed():
        _schedule(group)
    [email] = [email for email in mailoutbox if email.to == [group.teacher.email]]
    assert email.subject == subject
    _no_names_or_health(group, email)


def test_a_change_of_time_reaches_the_invitees_with_a_higher_sequence(
    group: Group, committed: Any, mailoutbox: list[Any]
) -> None:
    with committed():
        meeting = _schedule(group)
    first = {email.to[0]: _ics_fields(_calendar(email)) for email in mailoutbox}
    mailoutbox.clear()
    later = meeting.starts_at + timedelta(days=1)
    with committed():
        changed = services.update_meeting(
            actor=group.coordinator,
            meeting=meeting,
            data={"starts_at": later, "ends_at": later + timedelta(hours=1)},
            expected_version=meeting.version,
        )
    told = {group.teacher, group.limited, group.patient}
    assert _noticed(f"meeting-changed:{meeting.pk}") == told
    assert _sent_to(mailoutbox) == {user.email for user in told}
    for email in mailoutbox:
        _no_names_or_health(group, email)
        fields = _ics_fields(_calendar(email))
        assert fields["METHOD"] == "REQUEST" and fields["UID"] == first[email.to[0]]["UID"]
        assert int(fields["SEQUENCE"]) > int(first[email.to[0]]["SEQUENCE"])
        assert fields["SEQUENCE"] == str(changed.version)


def test_a_change_of_the_agenda_alone_tells_no_one(
    group: Group, committed: Any, mailoutbox: list[Any]
) -> None:
    with committed():
        meeting = _schedule(group)
    mailoutbox.clear()
    with committed():
        services.update_meeting(
            actor=group.coordinator, meeting=meeting, data={"agenda": "Ny"}, expected_version=meeting.version
        )
    assert _noticed(f"meeting-changed:{meeting.pk}") == set()
    assert mailoutbox == []


def test_someone_invited_later_gets_the_invitation_and_someone_left_out_the_cancellation(
    group: Group, committed: Any, mailoutbox: list[Any]
) -> None:
    without_teacher = [p for p in group.invitees() if p.user != group.teacher]
    with committed():
        meeting = services.schedule_meeting(
            actor=group.coordinator, plan=group.plan, data=_data(invited=without_teacher)
        )
    assert group.teacher not in _noticed("meeting-invited")
    mailoutbox.clear()
    without_patient = [p for p in group.invitees() if p.user != group.patient]
    with committed():
        services.update_meeting(
            actor=group.coordinator,
            meeting=meeting,
            data={"invited": without_patient},
            expected_version=meeting.version,
        )
    assert _noticed(f"meeting-invited:{meeting.pk}:{meeting.version + 1}") == {group.teacher}
    assert _noticed(f"meeting-uninvited:{meeting.pk}") == {group.patient}
    # Nothing moved: those still invited hear nothing.
    assert _noticed(f"meeting-changed:{meeting.pk}") == set()
    methods = {email.to[0]: _calendar(email).get_param("method") for email in mailoutbox}
    assert methods == {group.teacher.email: "REQUEST", group.patient.email: "CANCEL"}


def test_a_cancellation_reaches_the_invitees(group: Group, committed: Any, mailoutbox: list[Any]) -> None:
    with committed():
        meeting = _schedule(group)
    mailoutbox.clear()
    with committed():
        cancelled = services.cancel_meeting(actor=group.coordinator, meeting=meeting)
    told = {group.teacher, group.limited, group.patient}
    assert _noticed(f"meeting-cancelled:{meeting.pk}") == told
    assert _sent_to(mailoutbox) == {user.email for user in told}
    for email in mailoutbox:
        _no_names_or_health(group, email)
        subjects = {
            group.teacher.email: "A meeting in Vegviser was cancelled",
            group.limited.email: "Eit møte i Vegviser er avlyst",
        }
        assert email.subject == subjects.get(email.to[0], "Et møte i Vegviser er avlyst")
        fields = _ics_fields(_calendar(email))
        assert fields["METHOD"] == "CANCEL" and fields["STATUS"] == "CANCELLED"
        assert fields["UID"] == str(meeting.pk) and fields["SEQUENCE"] == str(cancelled.version)


def test_approved_minutes_reach_the_invitees_without_a_calendar(
    group: Group, committed: Any, mailoutbox: list[Any]
) -> None:
    with committed():
        meeting = _schedule(group, starts=timezone.now() - timedelta(hours=2))
    # A meeting recorded after it was held invites no one.
    assert _noticed(f"meeting-invited:{meeting.pk}") == set() and mailoutbox == []
    with committed():
        meeting = services.update_meeting(
            actor=group.coordinator, meeting=meeting, data={"minutes": "Vi fortsetter."}, expected_version=1
        )
    with committed():
        services.approve_minutes(actor=group.coordinator, meeting=meeting)
    told = {group.teacher, group.limited, group.patient}
    assert _noticed(f"meeting-minutes:{meeting.pk}") == told
    assert _sent_to(mailoutbox) == {user.email for user in told}
    for email in mailoutbox:
        _no_names_or_health(group, email)
        assert "Vi fortsetter" not in email.body
        assert email.attachments == []


def test_the_changer_is_not_told_even_when_invited(
    group: Group, committed: Any, mailoutbox: list[Any]
) -> None:
    """The teacher (a participant who cannot edit) is not the changer; the coordinator is, and is invited."""
    with committed():
        meeting = _schedule(group)
    with committed():
        services.cancel_meeting(actor=group.coordinator, meeting=meeting)
    assert group.coordinator not in _noticed("meeting-")
    assert group.coordinator.email not in _sent_to(mailoutbox)


def test_a_system_change_tells_the_coordinator_too(
    group: Group, committed: Any, mailoutbox: list[Any]
) -> None:
    with committed():
        meeting = services.schedule_meeting(actor=None, plan=group.plan, data=_data(invited=group.invitees()))
    assert group.coordinator in _noticed(f"meeting-invited:{meeting.pk}")


def test_inactive_and_uninvited_users_and_ended_participants_hear_nothing(
    group: Group, committed: Any, mailoutbox: list[Any]
) -> None:
    with committed():
        services.end_participation(
            actor=None,
            participant=group.plan.participants.get(user=group.limited),
            left_on=timezone.localdate(),
        )
    with committed():
        meeting = services.schedule_meeting(
            actor=group.coordinator,
            plan=group.plan,
            data=_data(invited=list(group.plan.participants.exclude(user=group.uninvited))),
        )
    with committed():
        services.cancel_meeting(actor=group.coordinator, meeting=meeting)
    everyone = _noticed("meeting-")
    for user in [group.closed, group.uninvited, group.limited]:
        assert user not in everyone
        assert user.email not in _sent_to(mailoutbox)


def test_a_parent_is_invited(world: World, committed: Any, mailoutbox: list[Any]) -> None:
    parent = child_with_parent(world, 7)
    parent.email = "forelder@example.no"
    parent.save()
    plan = plan_for(world, active=True)
    _join(plan, parent, kind=ParticipantKind.RELATIVE)
    with committed():
        meeting = services.schedule_meeting(
            actor=world.coordinator,
            plan=plan,
            data=_data(invited=list(plan.participants.filter(user=parent))),
        )
    assert _noticed(f"meeting-invited:{meeting.pk}") == {parent}
    [email] = mailoutbox
    assert email.to == [parent.email]
    assert world.patient.given_name not in email.body + email.subject


def test_a_failed_email_keeps_the_meeting_and_the_notices(
    group: Group, committed: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(self: Any, fail_silently: bool = False) -> int:
        raise OSError("mail server down")

    monkeypatch.setattr(mail.EmailMessage, "send", refuse)
    with committed():
        meeting = _schedule(group)
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert _noticed(f"meeting-invited:{meeting.pk}") == {group.teacher, group.limited, group.patient}
    assert "Meeting email to user" in caplog.text
    assert "example.no" not in caplog.text


def test_no_email_before_the_commit(group: Group, mailoutbox: list[Any]) -> None:
    _schedule(group)
    assert mailoutbox == []


# The limited participant, invited


def test_a_limited_invitee_opens_the_meeting_and_sees_the_coordinator(group: Group) -> None:
    meeting = _schedule(group)
    services.update_meeting(
        actor=group.coordinator, meeting=meeting, data={"minutes": "Utkast"}, expected_version=meeting.version
    )
    services.record_decision(
        actor=group.coordinator, meeting=meeting, text="Nytt vedtak", goals=[group.plan.goals.get()]
    )
    client = client_as(group.limited)
    before = AccessRecord.objects.count()
    page = client.get(reverse("plans:meeting_detail", kwargs={"pk": meeting.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert group.coordinator.display_name in html
    assert AGENDA in html
    # Minutes not yet approved, and the decisions in them, stay with those who read the whole plan.
    assert "Utkast" not in html and "Nytt vedtak" not in html
    [record] = AccessRecord.objects.order_by("id")[before:]
    assert record.actor_id == group.limited.pk and record.purpose == ReadPurpose.MEETING
    assert record.actor_role == "plan:limited"
    ics = client.get(reverse("plans:meeting_ics", kwargs={"pk": meeting.pk}))
    assert ics.status_code == 200
    # Whoever reads the whole plan reads the decision.
    assert "Nytt vedtak" in client_as(group.teacher).get(page.request["PATH_INFO"]).content.decode()


def test_a_limited_participant_does_not_open_a_meeting_they_are_not_invited_to(group: Group) -> None:
    others = [p for p in group.invitees() if p.user != group.limited]
    meeting = services.schedule_meeting(actor=group.coordinator, plan=group.plan, data=_data(invited=others))
    client = client_as(group.limited)
    before = AccessRecord.objects.count()
    for name in ["plans:meeting_detail", "plans:meeting_ics"]:
        assert client.get(reverse(name, kwargs={"pk": meeting.pk})).status_code == 404
    response = client.post(reverse("plans:meeting_detail", kwargs={"pk": meeting.pk}), {"text": "Hei"})
    assert response.status_code == 404
    assert AccessRecord.objects.count() == before
    assert not MeetingMessage.objects.exists()


def test_a_limited_invitee_writes_to_the_coordinator(
    group: Group, committed: Any, mailoutbox: list[Any]
) -> None:
    with committed():
        meeting = _schedule(group)
    mailoutbox.clear()
    url = reverse("plans:meeting_detail", kwargs={"pk": meeting.pk})
    client = client_as(group.limited)
    with committed():
        empty = client.post(url, {"text": "  "})
    assert empty.status_code == 200 and "Write a message before sending it." in empty.content.decode()
    with committed():
        response = client.post(url, {"text": "Jeg kommer 10 minutter senere."})
    assert response.status_code == 302
    [message] = MeetingMessage.objects.all()
    assert message.author == group.limited and message.meeting == meeting
    notice = Notification.objects.get(key=f"meeting-message:{message.pk}")
    assert notice.user == group.coordinator and notice.url == url
    [email] = mailoutbox
    assert email.to == [group.coordinator.email]
    assert "10 minutter" not in email.body and group.limited.display_name not in email.body
    # The coordinator reads it on the meeting page; the writer their own; the teacher does not.
    assert "10 minutter" in client_as(group.coordinator).get(url).content.decode()
    assert "10 minutter" in client.get(url).content.decode()
    assert "10 minutter" not in client_as(group.teacher).get(url).content.decode()


def test_a_limited_invitee_still_reads_no_conversation(group: Group) -> None:
    meeting = _schedule(group)
    client = client_as(group.limited)
    assert client.get(reverse("plans:messages", kwargs={"pk": group.plan.pk})).status_code == 404
    assert client.get(reverse("plans:meeting_edit", kwargs={"pk": meeting.pk})).status_code == 404


def test_others_may_not_write_to_the_coordinator_through_the_meeting(group: Group) -> None:
    """Those who read the whole plan have the plan's conversation; the form is for limited invitees."""
    meeting = _schedule(group)
    before = AccessRecord.objects.count()
    for user in [group.teacher, group.patient, group.coordinator]:
        response = client_as(user).post(
            reverse("plans:meeting_detail", kwargs={"pk": meeting.pk}), {"text": "Hei"}
        )
        assert response.status_code == 404
    assert not MeetingMessage.objects.exists()
    assert AccessRecord.objects.count() == before  # refused, so nothing was read


def _written(group: Group, committed: Any) -> tuple[Meeting, str]:
    """A meeting the limited participant is invited to and has written to the coordinator about."""
    meeting = _schedule(group)
    url = reverse("plans:meeting_detail", kwargs={"pk": meeting.pk})
    with committed():
        client_as(group.limited).post(url, {"text": "Jeg kommer 10 minutter senere."})
    return meeting, url


def test_the_coordinator_answers_the_invitee_who_wrote(
    group: Group, committed: Any, mailoutbox: list[Any]
) -> None:
    _meeting, url = _written(group, committed)
    mailoutbox.clear()
    coordinator = client_as(group.coordinator)
    empty = coordinator.post(url, {"invitee": group.limited.pk, "text": " "})
    assert empty.status_code == 200 and "Write a message before sending it." in empty.content.decode()
    with committed():
        response = coordinator.post(url, {"invitee": group.limited.pk, "text": "Det går fint, vi venter."})
    assert response.status_code == 302
    answer = MeetingMessage.objects.get(author=group.coordinator)
    assert answer.invitee == group.limited
    notice = Notification.objects.get(key=f"meeting-message:{answer.pk}")
    assert notice.user == group.limited and notice.url == url
    [email] = mailoutbox
    assert email.to == [group.limited.email] and "venter" not in email.body
    # The invitee reads the answer; another invitee reads neither message.
    assert "Det går fint" in client_as(group.limited).get(url).content.decode()
    assert "Det går fint" not in client_as(group.teacher).get(url).content.decode()


def test_the_coordinator_answers_only_someone_who_wrote(group: Group, committed: Any) -> None:
    meeting, _url = _written(group, committed)
    with pytest.raises(ValidationError):
        services.answer_invitee(actor=group.coordinator, meeting=meeting, invitee=group.teacher, text="Hei")
    assert not MeetingMessage.objects.filter(author=group.coordinator).exists()


def test_only_the_coordinator_answers(group: Group, committed: Any) -> None:
    _meeting, url = _written(group, committed)
    before = AccessRecord.objects.count()
    for user in [group.teacher, group.limited, group.patient]:
        response = client_as(user).post(url, {"invitee": group.limited.pk, "text": "Hei"})
        assert response.status_code == 404
    assert MeetingMessage.objects.count() == 1
    assert AccessRecord.objects.count() == before


def test_each_exchange_has_its_own_answer_form(group: Group, committed: Any) -> None:
    second = _professional(group.plan, AccessLevel.LIMITED)
    meeting = _schedule(group)
    url = reverse("plans:meeting_detail", kwargs={"pk": meeting.pk})
    for user in [group.limited, second]:
        with committed():
            assert client_as(user).post(url, {"text": f"Hilsen {user.username}"}).status_code == 302
    html = client_as(group.coordinator).get(url).content.decode()
    assert html.count('name="invitee"') == 2
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "an id used twice breaks the labels"
    # The second writer reads their own exchange, not the first one's.
    own = client_as(second).get(url).content.decode()
    assert f"Hilsen {second.username}" in own and f"Hilsen {group.limited.username}" not in own


def test_the_limited_invitees_plan_page_lists_only_their_meetings(group: Group) -> None:
    theirs = _schedule(group)
    others = [p for p in group.invitees() if p.user != group.limited]
    not_theirs = services.schedule_meeting(
        actor=group.coordinator, plan=group.plan, data=_data(invited=others, place="Helsehuset")
    )
    html = client_as(group.limited).get(reverse("plans:plan_detail", kwargs={"pk": group.plan.pk})).content
    page = html.decode()
    assert reverse("plans:meeting_detail", kwargs={"pk": theirs.pk}) in page
    assert reverse("plans:meeting_detail", kwargs={"pk": not_theirs.pk}) not in page


def test_a_limited_invitee_reads_approved_minutes_not_the_goals_a_decision_links(
    group: Group,
) -> None:
    meeting = _schedule(group, starts=timezone.now() - timedelta(hours=2))
    meeting = services.update_meeting(
        actor=group.coordinator, meeting=meeting, data={"minutes": "Vi fortsetter."}, expected_version=1
    )
    goal = group.plan.goals.get()
    services.record_decision(actor=group.coordinator, meeting=meeting, text="Nytt vedtak", goals=[goal])
    services.approve_minutes(actor=group.coordinator, meeting=meeting)
    html = client_as(group.limited).get(reverse("plans:meeting_detail", kwargs={"pk": meeting.pk})).content
    page = html.decode()
    assert "Vi fortsetter." in page and "Nytt vedtak" in page
    assert goal.text not in page
