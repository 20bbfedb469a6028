"""The second kind of anomaly in the log search: reads without participation or emergency access.

A read is explained by the reader's role at the time of the read: coordinator of the person, professional
participant in the person's plan, emergency access open, the person or someone acting for them, the one who
reported a need, or the coordinating unit's own work on persons of its municipality. Anything else is listed
for the unit and its privacy officer to review."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.access.services import open_emergency_access
from vegviser.accounts.models import User
from vegviser.audit import selectors
from vegviser.audit.models import AccessRecord, ReadPurpose
from vegviser.audit.services import record_access
from vegviser.intake.models import CoordinatorAssignment
from vegviser.plans import services as plan_services
from vegviser.plans.models import IndividualPlan
from vegviser.referrals.models import Referral
from vegviser.registry.models import (
    Membership,
    MembershipRole,
    Municipality,
    OrganisationKind,
    RelationKind,
)

from ..conftest import World, client_for, english
from ..factories import (
    IndividualPlanFactory,
    MembershipFactory,
    NeedReportFactory,
    OrganisationFactory,
    PersonFactory,
    PersonRelationFactory,
    ReferralFactory,
    UserFactory,
    days_ago,
    habilitation_unit,
)
from ..plans.helpers import plan_for


def period(days: int = 30, **overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data = {"date_from": (today - timedelta(days=days)).isoformat(), "date_to": today.isoformat()}
    data.update(overrides)
    return data


def read(actor: User, person_pk: Any, at: datetime, purpose: str = "plan", role: str = "") -> None:
    """One logged read at a chosen time (the log writes the time itself: moved afterwards, for the test)."""
    record_access(actor=actor, person_ids=[person_pk], purpose=purpose, role=role)
    newest = AccessRecord.objects.filter(actor=actor).order_by("-id").first()
    assert newest is not None
    AccessRecord.objects.filter(pk=newest.pk).update(at=at)


def listed(world: World, persona: str = "ke_officer") -> list[tuple[str, str, int]]:
    response = english(world, persona).post(reverse("audit:search"), period())
    assert response.status_code == 200
    return [
        (row.actor_name, row.person.full_name if row.person else "", row.reads)
        for row in response.context["found"].without_role
    ]


@pytest.fixture(autouse=True)
def _memberships_from_long_ago(world: World) -> None:
    """The world's people have held their roles for months: reads in the past weeks were made in them."""
    Membership.objects.update(created_at=timezone.now() - timedelta(days=90))


def member(world: World, role: str, days: int = 90) -> Membership:
    """A new member of the world's coordinating unit, since `days` ago."""
    membership = MembershipFactory(organisation=world.ke_unit, role=role)
    Membership.objects.filter(pk=membership.pk).update(created_at=timezone.now() - timedelta(days=days))
    return membership


def outsider(world: World) -> User:
    return MembershipFactory(organisation=world.physio, role="team_member").user


def test_a_read_during_participation_is_not_listed_and_after_leaving_it_is(world: World) -> None:
    plan = plan_for(world)
    teacher = plan.participants.get(user=world.team_member)
    type(teacher).objects.filter(pk=teacher.pk).update(joined_on=timezone.localdate() - timedelta(days=20))
    teacher.refresh_from_db()
    plan_services.end_participation(
        actor=None, participant=teacher, left_on=timezone.localdate() - timedelta(days=10)
    )
    read(world.team_member, world.patient.pk, days_ago(15), role="plan:full")
    # The day they leave still counts: participation is kept in days.
    read(world.team_member, world.patient.pk, days_ago(10, hour=20), role="plan:full")
    read(world.team_member, world.patient.pk, days_ago(3))
    read(world.team_member, world.patient.pk, days_ago(3, hour=14))
    assert listed(world) == [(world.team_member.display_name, world.patient.full_name, 2)]


def test_a_read_before_joining_is_listed(world: World) -> None:
    plan_for(world)  # the teacher joins today
    read(world.team_member, world.patient.pk, days_ago(2))
    read(world.team_member, world.patient.pk, days_ago(0, hour=0), role="plan:full")
    assert listed(world) == [(world.team_member.display_name, world.patient.full_name, 1)]


def test_a_clerk_is_explained_by_a_referral_their_unit_received(world: World) -> None:
    clerk = MembershipFactory(organisation=habilitation_unit(), role=MembershipRole.REFERRAL_CLERK).user
    Membership.objects.filter(user=clerk).update(created_at=days_ago(30))
    referral = ReferralFactory(person=world.patient)
    Referral.objects.filter(pk=referral.pk).update(created_at=days_ago(3))
    read(clerk, world.patient.pk, days_ago(2), purpose=ReadPurpose.REFERRAL)
    read(clerk, world.patient.pk, days_ago(1), purpose=ReadPurpose.REFERRAL_WORK_LIST)
    read(clerk, world.patient.pk, days_ago(1), purpose=ReadPurpose.REFERRAL_ATTACHMENT)
    assert listed(world) == []
    # Before the referral came, or of a person the unit has no referral of, the read is listed.
    read(clerk, world.patient.pk, days_ago(5), purpose=ReadPurpose.REFERRAL)
    other = PersonFactory()
    read(clerk, other.pk, days_ago(1), purpose=ReadPurpose.REFERRAL_ATTACHMENT)
    assert sorted(listed(world)) == sorted(
        [(clerk.display_name, world.patient.full_name, 1), (clerk.display_name, other.full_name, 1)]
    )
    # Nor does a clerk of another unit read the person under this unit's referral.
    stranger = MembershipFactory(
        organisation=OrganisationFactory(kind=OrganisationKind.REHABILITATION_UNIT),
        role=MembershipRole.REFERRAL_CLERK,
    ).user
    read(stranger, world.patient.pk, days_ago(1), purpose=ReadPurpose.REFERRAL)
    assert (stranger.display_name, world.patient.full_name, 1) in listed(world)


def test_emergency_access_explains_reads_inside_its_window_only(world: World) -> None:
    plan = plan_for(world)
    doctor = outsider(world)
    access = open_emergency_access(actor=doctor, plan=plan, reason="Innlagt akutt, trenger planen", hours=2)
    granted = days_ago(5, hour=10)
    type(access).objects.filter(pk=access.pk).update(
        granted_at=granted, expires_at=granted + timedelta(hours=2)
    )
    read(doctor, world.patient.pk, granted + timedelta(minutes=5), role="plan:emergency")
    read(doctor, world.patient.pk, granted + timedelta(hours=1, minutes=59), role="plan:emergency")
    read(doctor, world.patient.pk, granted + timedelta(hours=2, minutes=1))
    read(doctor, world.patient.pk, granted - timedelta(minutes=1))
    assert listed(world) == [(doctor.display_name, world.patient.full_name, 2)]


def test_the_coordinator_is_explained_while_appointed(world: World) -> None:
    plan_for(world)  # appointed from 1 January
    read(world.coordinator, world.patient.pk, days_ago(20), role="plan:coordinator")
    assignment = CoordinatorAssignment.objects.get(person=world.patient)
    CoordinatorAssignment.objects.filter(pk=assignment.pk).update(
        active=False, ended_on=timezone.localdate() - timedelta(days=10)
    )
    read(world.coordinator, world.patient.pk, days_ago(4))
    assert listed(world) == [(world.coordinator.display_name, world.patient.full_name, 1)]


def test_the_units_own_work_in_its_municipality_is_not_listed_but_its_reads_of_a_plan_are(
    world: World,
) -> None:
    plan = plan_for(world)
    for purpose in ["registry", "search", "need-report-queue", "consent", "plan-overview", "record-notice"]:
        read(world.ke_officer, world.patient.pk, days_ago(3), purpose=purpose)
    # The unit sees no plan content unless an officer takes part in the plan.
    read(world.ke_officer, world.patient.pk, days_ago(2), purpose="plan")
    # A privacy officer of the unit reviews emergency access and searches the logs; nothing else.
    privacy = member(world, MembershipRole.PRIVACY_OFFICER).user
    read(privacy, world.patient.pk, days_ago(3), purpose="emergency-review")
    read(privacy, world.patient.pk, days_ago(3), purpose="registry")
    # The plan's own participants are not listed for what they may read.
    read(world.team_member, world.patient.pk, timezone.now(), purpose="plan-timeline")
    assert plan.participants.filter(user=world.team_member, active=True).exists()
    assert sorted(listed(world)) == sorted(
        [
            (world.ke_officer.display_name, world.patient.full_name, 1),
            (privacy.display_name, world.patient.full_name, 1),
        ]
    )


def test_an_officer_of_another_municipality_is_listed_and_a_former_officer_is_not(world: World) -> None:
    read(world.ke_officer_tromso, world.patient.pk, days_ago(3), purpose="registry")
    former = member(world, MembershipRole.COORDINATING_UNIT_OFFICER)
    read(former.user, world.patient.pk, days_ago(3), purpose="registry")
    Membership.objects.filter(pk=former.pk).update(active=False)
    # An officer who joined the unit after the read was not doing its work then.
    later = member(world, MembershipRole.COORDINATING_UNIT_OFFICER, days=1)
    read(later.user, world.patient.pk, days_ago(3), purpose="registry")
    assert sorted(listed(world)) == sorted(
        [
            (world.ke_officer_tromso.display_name, world.patient.full_name, 1),
            (later.user.display_name, world.patient.full_name, 1),
        ]
    )


def test_the_unit_leading_the_plan_of_a_person_living_elsewhere_does_its_work(world: World) -> None:
    """The municipality leads the plan also for a person registered in another; its unit sees the plan in
    its overview and fetches the record notice. A unit with neither is listed."""
    IndividualPlanFactory(person=world.person_tromso, municipality=world.bodo)
    read(world.ke_officer, world.person_tromso.pk, days_ago(2), purpose="plan-overview")
    read(world.ke_officer, world.person_tromso.pk, days_ago(2), purpose="record-notice")
    read(world.ke_officer, world.person_tromso.pk, days_ago(2), purpose="plan")
    stranger_unit = member(world, MembershipRole.COORDINATING_UNIT_OFFICER)
    Membership.objects.filter(pk=stranger_unit.pk).update(
        organisation=OrganisationFactory(
            kind=OrganisationKind.COORDINATING_UNIT, municipality=Municipality.objects.get(number="0301")
        )
    )
    read(stranger_unit.user, world.person_tromso.pk, days_ago(2), purpose="record-notice")
    assert sorted(listed(world, "ke_officer_tromso")) == sorted(
        [
            (world.ke_officer.display_name, world.person_tromso.full_name, 1),
            (stranger_unit.user.display_name, world.person_tromso.full_name, 1),
        ]
    )


def test_the_person_those_acting_for_them_and_the_reporter_are_not_listed(world: World) -> None:
    read(world.patient_user, world.patient.pk, days_ago(2), purpose="own-data")
    mother_user = UserFactory()
    mother = PersonFactory(user=mother_user)
    PersonRelationFactory(person=world.patient, relative=mother, kind=RelationKind.GUARDIAN)
    read(mother_user, world.patient.pk, days_ago(2), role="plan:representative")
    neighbour_user = UserFactory()
    neighbour = PersonFactory(user=neighbour_user)
    PersonRelationFactory(person=world.patient, relative=neighbour, kind=RelationKind.NEXT_OF_KIN)
    read(neighbour_user, world.patient.pk, days_ago(2))
    # The professional who reported a need reads their own report; other reads of theirs need a role.
    reporter = outsider(world)
    NeedReportFactory(person=world.patient, description="Trenger plan", reported_by=reporter)
    read(reporter, world.patient.pk, timezone.now(), purpose="need-report")
    read(reporter, world.patient.pk, timezone.now(), purpose="plan")
    assert sorted(listed(world)) == sorted(
        [
            (neighbour_user.display_name, world.patient.full_name, 1),
            (reporter.display_name, world.patient.full_name, 1),
        ]
    )


def test_only_the_searchers_municipality_is_shown(world: World) -> None:
    stranger = outsider(world)
    read(stranger, world.patient.pk, days_ago(1))
    read(stranger, world.person_tromso.pk, days_ago(1))
    assert listed(world) == [(stranger.display_name, world.patient.full_name, 1)]
    assert listed(world, "ke_officer_tromso") == [(stranger.display_name, world.person_tromso.full_name, 1)]


def test_a_privacy_officer_of_the_unit_sees_the_list_and_others_do_not(world: World) -> None:
    stranger = outsider(world)
    read(stranger, world.patient.pk, days_ago(1))
    role = MembershipRole.PRIVACY_OFFICER
    Membership.objects.create(user=world.team_member, organisation=world.school, role=role)
    assert client_for(world, "team_member").post(reverse("audit:search"), period()).status_code == 404
    Membership.objects.create(user=world.team_member, organisation=world.ke_unit, role=role)
    assert listed(world, "team_member") == [(stranger.display_name, world.patient.full_name, 1)]
    for persona in ["coordinator", "org_admin", "system_admin", "patient_user", "ke_officer_tromso"]:
        response = client_for(world, persona).post(reverse("audit:search"), period())
        found = response.context["found"] if response.status_code == 200 else None
        assert found is None or all(row.person != world.patient for row in found.without_role), persona
    assert client_for(world, "anonymous").post(reverse("audit:search"), period()).status_code == 302


def test_each_row_links_to_the_matching_log_search_without_an_identity_number(world: World) -> None:
    stranger = outsider(world)
    read(stranger, world.patient.pk, days_ago(4))
    read(stranger, world.patient.pk, days_ago(4, hour=13))
    other = PersonFactory()
    read(stranger, other.pk, days_ago(4))
    read(world.coordinator, world.patient.pk, days_ago(4))
    client = english(world)
    response = client.post(reverse("audit:search"), period())
    page = response.content.decode()
    assert "Reads without participation or emergency access" in page
    assert world.patient.national_id not in page
    row = next(
        r for r in response.context["found"].without_role if r.person == world.patient and r.reads == 2
    )
    link = f"{reverse('audit:search')}?{row.log_query}"
    assert link.replace("&", "&amp;") in page
    query = parse_qs(urlsplit(link).query)
    assert query == {
        "actor": [stranger.username],
        "date_from": [(timezone.localdate() - timedelta(days=4)).isoformat()],
        "date_to": [(timezone.localdate() - timedelta(days=4)).isoformat()],
        "person": [str(world.patient.pk)],
    }
    followed = client.get(link)
    lines = followed.context["lines"]
    assert [(line.actor_name, line.person) for line in lines] == [(stranger.display_name, world.patient)] * 2
    assert "Only the reads and changes of one person" in followed.content.decode()
    # An identity number in a link is never read: the search runs as if it were not there.
    sneaky = client.get(f"{link}&national_id={other.national_id}")
    assert [line.person for line in sneaky.context["lines"]] == [world.patient, world.patient]
    # Typed in the form, it wins over the person the link narrowed to.
    typed = client.post(
        reverse("audit:search"), period(person=str(world.patient.pk), national_id=other.national_id)
    )
    assert {line.person for line in typed.context["lines"]} == {other}


def test_the_many_persons_kind_links_to_the_actors_day(world: World) -> None:
    persons = [PersonFactory() for _ in range(21)]
    record_access(actor=world.coordinator, person_ids=[p.pk for p in persons], purpose="plan")
    response = english(world).post(reverse("audit:search"), period())
    (anomaly,) = response.context["found"].many_persons
    today = timezone.localdate().isoformat()
    assert parse_qs(anomaly.log_query) == {
        "actor": [world.coordinator.username],
        "date_from": [today],
        "date_to": [today],
    }
    assert "Many different persons in one day" in response.content.decode()


def test_the_persons_named_are_logged_once_each(world: World) -> None:
    stranger = outsider(world)
    read(stranger, world.patient.pk, days_ago(1))
    english(world).post(reverse("audit:search"), period())
    # The patient is both a line found and a row to review: one record of the search.
    assert AccessRecord.objects.filter(purpose="audit-search", person_id=world.patient.pk).count() == 1
    # The searcher's own review is the unit's work: it is not listed the next time.
    assert listed(world) == [(stranger.display_name, world.patient.full_name, 1)]


def test_the_list_stops_at_its_limit(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "READS_WITHOUT_ROLE_LIMIT", 2)
    stranger = outsider(world)
    for _ in range(3):
        read(stranger, PersonFactory().pk, days_ago(1))
    response = english(world).post(reverse("audit:search"), period())
    assert len(response.context["found"].without_role) == 2
    assert response.context["found"].more_without_role
    assert "Only the first 2 are listed" in response.content.decode()
    found = selectors.review(
        user=world.ke_officer, date_from=timezone.localdate(), date_to=timezone.localdate()
    )
    assert (len(found.without_role), found.more_without_role) == (0, False)


def _queries_of_search(world: World) -> int:
    client = english(world)
    client.get(reverse("home"))  # the session and its device, loaded once before counting
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("audit:search"), period())
    assert response.status_code == 200
    return len(queries)


# The page's queries do not grow with the log nor with what it lists: session, user and device; the user's
# memberships (once per request: the policy's municipalities, the searcher's description in the log and the
# header); reads, changes and refusals found; the reads without a role (one query); the many-persons and the
# many-refusals kinds; the persons named (one query); the search logged. The session is not saved (renewed at
# most once a minute). PostgreSQL adds three: JIT is turned off for the anomaly queries in a savepoint.
SEARCH_QUERIES = 12


def test_the_search_page_has_a_fixed_number_of_queries(world: World) -> None:
    plan = IndividualPlan.objects.get(pk=plan_for(world).pk)
    stranger = outsider(world)
    read(stranger, world.patient.pk, days_ago(2))
    read(world.team_member, world.patient.pk, days_ago(1), role="plan:full")
    assert plan.participants.filter(user=world.team_member).exists()
    small = _queries_of_search(world)
    for _ in range(5):
        person = PersonFactory()
        read(stranger, person.pk, days_ago(3))
        read(UserFactory(), person.pk, days_ago(1))
        record_access(actor=world.coordinator, person_ids=[person.pk], purpose="plan")
    large = _queries_of_search(world)
    expected = SEARCH_QUERIES + (3 if connection.vendor == "postgresql" else 0)
    assert (small, large) == (expected, expected)


@pytest.mark.parametrize("role", [MembershipRole.COORDINATING_UNIT_OFFICER, MembershipRole.PRIVACY_OFFICER])
def test_the_units_own_work_is_what_the_policy_lets_the_unit_do(world: World, role: str) -> None:
    """The query lists a read as explained by the unit's work exactly when the policy's rule for that purpose
    lets a member of the unit in that role do it on a person of its municipality without any role in the
    plan: a change to either that the other does not follow fails here."""
    assert set(selectors.RULE_OF_PURPOSE) == set(ReadPurpose)
    officer = member(world, role).user
    plan = plan_for(world)
    report = NeedReportFactory(person=world.patient, municipality=world.bodo, reported_by=world.coordinator)
    emergency = open_emergency_access(actor=outsider(world), plan=plan, reason="Innlagt akutt", hours=2)
    objects = {
        Action.PERSON_SEARCH: None,
        Action.NEED_REPORT_QUEUE: None,
        Action.PLAN_OVERVIEW: None,
        Action.AUDIT_SEARCH: None,
        Action.NEED_REPORT_ASSESS: report,
        Action.EMERGENCY_REVIEW: emergency,
        Action.PERSON_VIEW: world.patient,
        Action.PERSON_EDIT: world.patient,
        Action.CONSENT_VIEW: world.patient,
        Action.COORDINATOR_APPOINT: world.patient,
        Action.OWN_DATA_EXPORT: world.patient,
        Action.PORTAL_VIEW: world.patient,
        Action.PORTAL_CONSENT: world.patient,
    }
    allowed = {
        purpose
        for purpose, action in selectors.RULE_OF_PURPOSE.items()
        if policy.can(officer, action, objects.get(action, plan))
    }
    assert allowed == selectors.UNIT_WORK[MembershipRole(role)]
