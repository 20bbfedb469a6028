"""`vegviser remind`: notices in the app, emails that say nothing about anyone, and the notice pages."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from vegviser.accounts.models import Notification
from vegviser.intake.models import NeedReport, ReportStatus
from vegviser.plans.models import IndividualPlan, Meeting, PlanStatus
from vegviser.plans.reminders import language_of, send_reminders

from ..conftest import World, client_for
from ..factories import (
    MembershipFactory,
    NeedReportFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    habilitation_unit,
)
from ..factories import days_ago as days_ago_at_noon
from .helpers import english_messages, plan_for

GOAL = "Gå 1 km uten hjelp"
WHAT_MATTERS = "Å gå tur med hunden"
SITE = "https://vegviser.example.no"


pytestmark = pytest.mark.usefixtures(english_messages.__name__)


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.VEGVISER_SITE_URL = SITE


def _today() -> Any:
    return timezone.localdate()


def _plan_due_in(world: World, days: int) -> IndividualPlan:
    plan = plan_for(world, active=True)
    IndividualPlan.objects.filter(pk=plan.pk).update(next_revision=_today() + timedelta(days=days))
    plan.refresh_from_db()
    return plan


def _meeting(plan: IndividualPlan, *, in_days: int = 1, cancelled: bool = False) -> Meeting:
    starts = timezone.make_aware(datetime.combine(_today() + timedelta(days=in_days), time(10)))
    meeting = Meeting.objects.create(
        plan=plan,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Rådhuset",
        cancelled=cancelled,
    )
    meeting.invited.set(plan.participants.filter(user__isnull=False, kind="professional"))
    return meeting


def _report(world: World, *, days_ago: int, status: str = ReportStatus.RECEIVED) -> NeedReport:
    return NeedReportFactory(
        person=world.patient,
        needs_plan=False,
        needs_coordinator=True,
        description="Trenger koordinator etter hjerneslag",
        received_at=days_ago_at_noon(days_ago),
        status=status,
    )


def _notices(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(user=user))


def test_a_revision_within_14_days_reminds_the_coordinator(world: World, mailoutbox: list[Any]) -> None:
    plan = _plan_due_in(world, 7)
    counts = send_reminders(today=_today())
    assert counts["revision"] == 1
    [notice] = _notices(world.coordinator)
    assert notice.key == f"revision:{plan.pk}:{plan.next_revision.isoformat()}"
    assert notice.url == reverse("plans:plan_detail", kwargs={"pk": plan.pk})
    assert "Per Andersen" in notice.text
    assert notice.read_at is None
    assert _notices(world.team_member) == []
    [email] = mailoutbox
    assert email.to == [world.coordinator.email]


def test_an_overdue_revision_reminds_too(world: World, mailoutbox: list[Any]) -> None:
    _plan_due_in(world, -3)
    assert send_reminders(today=_today())["revision"] == 1
    # Notices are written in the user's language: Bokmål unless the user is a person who chose otherwise.
    assert "skulle vært revidert" in _notices(world.coordinator)[0].text


@pytest.mark.parametrize("days", [15, 60])
def test_a_revision_further_ahead_waits(world: World, days: int, mailoutbox: list[Any]) -> None:
    _plan_due_in(world, days)
    assert send_reminders(today=_today())["revision"] == 0
    assert mailoutbox == []


def test_only_active_plans_are_reminded_of(world: World, mailoutbox: list[Any]) -> None:
    plan = _plan_due_in(world, 3)
    IndividualPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.PAUSED)
    assert send_reminders(today=_today())["revision"] == 0


def test_running_twice_sends_nothing_new(world: World, mailoutbox: list[Any]) -> None:
    _plan_due_in(world, 7)
    first = send_reminders(today=_today())
    second = send_reminders(today=_today())
    assert first["notifications"] == 1 and first["emails"] == 1
    assert set(second.values()) == {0}
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_new_revision_date_is_a_new_reminder(world: World, mailoutbox: list[Any]) -> None:
    plan = _plan_due_in(world, 7)
    send_reminders(today=_today())
    IndividualPlan.objects.filter(pk=plan.pk).update(next_revision=_today() + timedelta(days=10))
    assert send_reminders(today=_today())["revision"] == 1
    assert Notification.objects.count() == 2


def test_a_meeting_tomorrow_reminds_the_invited_and_the_coordinator(
    world: World, mailoutbox: list[Any]
) -> None:
    plan = plan_for(world, active=True)
    meeting = _meeting(plan)
    counts = send_reminders(today=_today())
    assert counts["meeting"] == 2
    for user in (world.coordinator, world.team_member):
        [notice] = _notices(user)
        assert notice.key.startswith(f"meeting:{meeting.pk}:")
        assert "10:00" in notice.text
    assert sorted(email.to[0] for email in mailoutbox) == sorted(
        [world.coordinator.email, world.team_member.email]
    )


def test_a_cancelled_or_later_meeting_is_not_reminded_of(world: World, mailoutbox: list[Any]) -> None:
    plan = plan_for(world, active=True)
    _meeting(plan, cancelled=True)
    _meeting(plan, in_days=2)
    _meeting(plan, in_days=0)
    assert send_reminders(today=_today())["meeting"] == 0


def test_reports_waiting_over_30_days_remind_the_unit(world: World, mailoutbox: list[Any]) -> None:
    report = _report(world, days_ago=31)
    _report(world, days_ago=29)
    _report(world, days_ago=60, status=ReportStatus.DECIDED)
    counts = send_reminders(today=_today())
    assert counts["report"] == 1
    [notice] = _notices(world.ke_officer)
    assert notice.key == f"report-waiting:{report.pk}"
    assert notice.url == reverse("intake:report_detail", kwargs={"pk": report.pk})
    assert "31" in notice.text
    assert _notices(world.ke_officer_tromso) == []
    assert [email.to for email in mailoutbox] == [[world.ke_officer.email]]


def test_the_clerks_hear_of_assessments_due_the_next_working_day(
    world: World, mailoutbox: list[Any], settings: Any
) -> None:
    settings.VEGVISER_SATURDAY_IS_WORKING_DAY = False
    friday = date(2026, 11, 13)
    clerk = MembershipFactory(organisation=habilitation_unit(), role="referral_clerk").user
    other_unit = OrganisationFactory(kind="rehabilitation_unit")
    other_clerk = MembershipFactory(organisation=other_unit, role="referral_clerk").user
    # Received 10 working days before Monday 16 November: due then, so told on the Friday before.
    due_monday = ReferralFactory(named_as="Maja Lund", received_on=date(2026, 11, 2))
    assert due_monday.assessment_due_on == date(2026, 11, 16)
    ReferralFactory(named_as="Tor Hansen", received_on=date(2026, 11, 3))  # due Tuesday: not yet
    # The other unit's clerk hears only of that unit's referral.
    ReferralFactory(named_as="Kari Berg", received_on=date(2026, 11, 2), receiving_unit=other_unit)
    counts = send_reminders(today=friday)
    assert counts["assessment"] == 2
    [notice] = _notices(clerk)
    # In the clerk's language: Bokmål, the service's default.
    assert notice.text == "Henvisningen for Maja Lund må vurderes innen 16.11.2026."
    assert notice.url == reverse("referrals:referral_detail", kwargs={"pk": due_monday.pk})
    assert [notice.text for notice in _notices(other_clerk)] == [
        "Henvisningen for Kari Berg må vurderes innen 16.11.2026."
    ]
    assert _notices(world.ke_officer) == []
    assert "Maja" not in mailoutbox[0].body and "Maja" not in mailoutbox[0].subject
    # Running again, nothing new.
    assert send_reminders(today=friday)["assessment"] == 0


def test_emails_name_nobody_and_hold_no_health_content(world: World, mailoutbox: list[Any]) -> None:
    plan = _plan_due_in(world, 7)
    _meeting(plan)
    _report(world, days_ago=40)
    send_reminders(today=_today())
    assert len(mailoutbox) == 3
    for email in mailoutbox:
        text = f"{email.subject}\n{email.body}"
        for secret in ("Andersen", "Per ", GOAL, WHAT_MATTERS, "hjerneslag", "Rådhuset", "10:00"):
            assert secret not in text
        assert f"{SITE}{reverse('accounts:notifications')}" in email.body
        assert email.from_email == "Vegviser <noreply@localhost>"
    # The coordinator has two notices (revision and meeting) and gets one email saying so.
    [to_coordinator] = [email for email in mailoutbox if email.to == [world.coordinator.email]]
    assert "2" in to_coordinator.body


def test_without_an_email_address_the_notice_still_comes(world: World, mailoutbox: list[Any]) -> None:
    world.coordinator.email = ""
    world.coordinator.save()
    _plan_due_in(world, 7)
    counts = send_reminders(today=_today())
    assert counts["notifications"] == 1 and counts["emails"] == 0
    assert mailoutbox == []


def test_dry_run_sends_nothing(world: World, mailoutbox: list[Any]) -> None:
    _plan_due_in(world, 7)
    counts = send_reminders(today=_today(), dry_run=True)
    assert counts["revision"] == 1 and counts["emails"] == 1
    assert Notification.objects.count() == 0
    assert mailoutbox == []


def test_the_command_prints_a_summary(world: World, mailoutbox: list[Any]) -> None:
    _plan_due_in(world, 7)
    out = StringIO()
    call_command("remind", "--dry-run", stdout=out)
    assert "1 plan revisions" in out.getvalue() and "dry run" in out.getvalue()
    assert Notification.objects.count() == 0
    out = StringIO()
    call_command("remind", stdout=out)
    assert out.getvalue().strip() == (
        "Reminders: 1 plan revisions, 0 meetings, 0 reports of need, 0 referral assessments, "
        "0 notices of expected breaches; 1 notices, 1 emails; 0 questionnaires sent by schedules, "
        "0 questionnaire reminders."
    )
    assert len(mailoutbox) == 1


def test_email_language_follows_the_citizens_preferred_language(world: World) -> None:
    assert language_of(world.coordinator) == "nb"
    world.patient.preferred_language = "nn"
    world.patient.save()
    world.patient_user.refresh_from_db()
    assert language_of(world.patient_user) == "nn"
    sami = PersonFactory(preferred_language="se", user=world.team_member)
    assert sami.user is not None
    world.team_member.refresh_from_db()
    # No Sami interface yet: Bokmål, the service's default.
    assert language_of(world.team_member) == "nb"


# The notice pages


def _notice(world: World, url: str = "/plans/mine/") -> Notification:
    return Notification.objects.create(
        user=world.coordinator, key="k", text="Planen for Per Andersen", url=url
    )


def test_the_owner_sees_their_notices_newest_first(world: World) -> None:
    old = _notice(world)
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1))
    Notification.objects.create(user=world.coordinator, key="k2", text="Nyeste", url="/")
    response = client_for(world, "coordinator").get(reverse("accounts:notifications"))
    assert response.status_code == 200
    assert [n.text for n in response.context["notifications"]] == ["Nyeste", "Planen for Per Andersen"]
    page = response.content.decode()
    assert page.index("Nyeste") < page.index("Planen for Per Andersen")
    other = client_for(world, "team_member").get(reverse("accounts:notifications"))
    assert "Per Andersen" not in other.content.decode()


def test_opening_a_notice_marks_it_read_and_follows_its_link(world: World) -> None:
    notice = _notice(world)
    url = reverse("accounts:notification_read", kwargs={"pk": notice.pk})
    response = client_for(world, "coordinator").post(url)
    assert response.status_code == 302
    assert response["Location"] == "/plans/mine/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert client_for(world, "coordinator").get(url).status_code == 405


@pytest.mark.parametrize("persona", ["team_member", "ke_officer", "system_admin", "patient_user"])
def test_someone_elses_notice_answers_404(world: World, persona: str) -> None:
    notice = _notice(world)
    url = reverse("accounts:notification_read", kwargs={"pk": notice.pk})
    assert client_for(world, persona).post(url).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", ""]
)
def test_a_notice_never_redirects_off_the_site(world: World, target: str) -> None:
    notice = _notice(world, url=target)
    url = reverse("accounts:notification_read", kwargs={"pk": notice.pk})
    response = client_for(world, "coordinator").post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:notifications")
