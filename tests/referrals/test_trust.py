"""The health trust's coordinating unit: its units' referrals counted, and the plans its professionals take
part in, with the person's name, status and dates, never the content; each name a logged read. Only the
trust's own officers, and only for their own trust."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.accounts.models import User
from vegviser.audit.models import AccessRecord
from vegviser.plans import services as plan_services
from vegviser.plans.models import ParticipantKind
from vegviser.referrals.models import Assessment, ReferralStatus, RightStatus, WaitingTime
from vegviser.referrals.trust import trust_overview
from vegviser.referrals.waiting import WaitState
from vegviser.registry.models import MembershipRole, Organisation, OrganisationKind

from ..conftest import World, client_as
from ..factories import MembershipFactory, OrganisationFactory, ReferralFactory, habilitation_unit
from ..plans.helpers import plan_for


@pytest.fixture
def trust(db: None) -> Organisation:
    trust = OrganisationFactory(name="Nordlandssykehuset HF", kind=OrganisationKind.HEALTH_TRUST)
    unit = habilitation_unit()
    unit.parent = trust
    unit.save()
    return trust


def officer_of(trust: Organisation) -> User:
    return MembershipFactory(organisation=trust, role=MembershipRole.TRUST_COORDINATING_OFFICER).user


def _assessed(unit: Organisation, *, deadline_in_days: int, appointment: bool = False) -> Assessment:
    today = timezone.localdate()
    referral = ReferralFactory(
        receiving_unit=unit, received_on=today - timedelta(days=60), status=ReferralStatus.ASSESSED
    )
    return Assessment.objects.create(
        referral=referral,
        right=RightStatus.RIGHT,
        benefit="met",
        cost_effectiveness="met",
        severity="met",
        care_deadline=today + timedelta(days=deadline_in_days),
        care_type="treatment",
        outcome="right_waiting",
        assessor_name="Lege",
        appointment_at=timezone.now() + timedelta(days=deadline_in_days - 5) if appointment else None,
    )


def test_the_trusts_officer_sees_each_units_counts(world: World, trust: Organisation) -> None:
    unit = habilitation_unit()
    today = timezone.localdate()
    ReferralFactory(receiving_unit=unit)  # open, in time
    ReferralFactory(receiving_unit=unit, received_on=today - timedelta(days=30))  # open, overdue
    _assessed(unit, deadline_in_days=30)  # right, no appointment: a breach expected
    _assessed(unit, deadline_in_days=-3)  # right, past its deadline
    _assessed(unit, deadline_in_days=30, appointment=True)  # right, appointment given in time
    # Past the deadline but postponed at the person's wish, and past it but ended: neither is a breach.
    postponed = _assessed(unit, deadline_in_days=-2)
    WaitingTime.objects.create(
        assessment=postponed,
        postponement_code="22",
        postponement_chosen_on=today - timedelta(days=10),
        postponed_from=postponed.care_deadline,
        postponed_to=today + timedelta(days=20),
    )
    ended = _assessed(unit, deadline_in_days=-5)
    WaitingTime.objects.create(assessment=ended, ended_on=today - timedelta(days=6), end_code="1")
    rehabilitation = OrganisationFactory(
        name="Rehabilitering", kind=OrganisationKind.REHABILITATION_UNIT, parent=trust
    )
    officer = officer_of(trust)
    overview = trust_overview(user=officer)
    counts = {
        row.unit: (row.open, row.overdue, row.waiting, row.breached, row.breach_expected)
        for row in overview.units
    }
    assert counts == {unit: (2, 1, 4, 1, 1), rehabilitation: (0, 0, 0, 0, 0)}
    # The same waits as the unit's waiting list has, in the same states.
    rows = client_as(officer).get(reverse("referrals:waiting_list")).context["rows"]
    states = sorted(row.state for row in rows)
    assert states == sorted(
        [WaitState.EXPECTED_BREACH, WaitState.BREACH, WaitState.ON_TRACK, WaitState.POSTPONED]
    )
    page = client_as(officer_of(trust)).get(reverse("referrals:trust")).content.decode()
    # The page's title is its name alone: the link to the agreements is in the page, not in the title.
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "Collaboration agreements" not in title


def test_the_plans_its_professionals_take_part_in_with_each_name_logged(
    world: World, trust: Organisation
) -> None:
    plan = plan_for(world, active=True)
    physician = MembershipFactory(organisation=habilitation_unit(), role=MembershipRole.EPISODE_STAFF).user
    plan_services.add_participant(
        actor=None,
        plan=plan,
        data={
            "kind": ParticipantKind.PROFESSIONAL,
            "user": physician,
            "organisation": habilitation_unit(),
            "name": physician.display_name,
            "role": "Lege",
        },
    )
    officer = officer_of(trust)
    before = AccessRecord.objects.count()
    response = client_as(officer).get(reverse("referrals:trust"))
    assert response.status_code == 200
    html = response.content.decode()
    assert world.patient.full_name in html and physician.display_name in html and "Bodø" in html
    # Never the content: no goal or measure.
    assert all(goal.text not in html for goal in plan.goals.all())
    assert all(measure.title not in html for measure in plan.measures.all())
    records = list(AccessRecord.objects.order_by("id")[before:])
    assert [(r.person_id, r.actor_id, r.purpose) for r in records] == [
        (world.patient.pk, officer.pk, "trust-overview")
    ]
    assert not policy.can(officer, Action.PLAN_VIEW, plan)


def test_another_trusts_officer_sees_only_its_own(world: World, trust: Organisation) -> None:
    ReferralFactory(receiving_unit=habilitation_unit())
    other = OrganisationFactory(name="Helgelandssykehuset HF", kind=OrganisationKind.HEALTH_TRUST)
    theirs = OrganisationFactory(
        name="Helgeland rehabilitering", kind=OrganisationKind.REHABILITATION_UNIT, parent=other
    )
    overview = trust_overview(user=officer_of(other))
    assert [row.unit for row in overview.units] == [theirs]
    html = client_as(officer_of(other)).get(reverse("referrals:trust")).content.decode()
    assert habilitation_unit().name not in html


@pytest.mark.parametrize(
    "who", ["ke_officer", "coordinator", "clerk", "system_admin", "patient_user", "misplaced"]
)
def test_nobody_else_opens_it(world: World, trust: Organisation, who: str) -> None:
    users = {
        "clerk": lambda: (
            MembershipFactory(organisation=habilitation_unit(), role=MembershipRole.REFERRAL_CLERK).user
        ),
        # The role held in a unit rather than in the trust opens nothing.
        "misplaced": lambda: (
            MembershipFactory(
                organisation=habilitation_unit(), role=MembershipRole.TRUST_COORDINATING_OFFICER
            ).user
        ),
    }
    user = users[who]() if who in users else getattr(world, who)
    assert not policy.can(user, Action.TRUST_OVERVIEW)
    assert client_as(user).get(reverse("referrals:trust")).status_code == 404
    assert not AccessRecord.objects.exists()


def test_the_menu_offers_it_to_the_officer(world: World, trust: Organisation) -> None:
    html = client_as(officer_of(trust)).get(reverse("referrals:work_list")).content.decode()
    assert reverse("referrals:trust") in html
    assert reverse("referrals:trust") not in client_as(world.ke_officer).get(reverse("home")).content.decode()


def test_the_officers_reads_are_explained_by_the_trusts_participation(
    world: World, trust: Organisation
) -> None:
    from vegviser.audit.selectors import _reads_without_role

    plan = plan_for(world, active=True)
    physician = MembershipFactory(organisation=habilitation_unit(), role=MembershipRole.EPISODE_STAFF).user
    plan_services.add_participant(
        actor=None,
        plan=plan,
        data={
            "kind": ParticipantKind.PROFESSIONAL,
            "user": physician,
            "organisation": habilitation_unit(),
            "name": physician.display_name,
            "role": "Lege",
        },
    )
    officer = officer_of(trust)
    trust_overview(user=officer)
    today = timezone.localdate()
    listed = {
        row["actor"] for row in _reads_without_role(user=world.ke_officer, date_from=today, date_to=today)
    }
    assert officer.pk not in listed
