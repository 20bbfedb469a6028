"""Who may keep a unit's referrals: its referral clerks, and nobody else — not a clerk of another unit, not
the municipality's coordinating unit or a coordinator, not a clerk whose role has ended."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.accounts.models import User
from vegviser.audit.models import AccessRecord
from vegviser.referrals import services
from vegviser.referrals.models import ReferralStatus
from vegviser.registry.models import Membership, MembershipRole, Organisation, OrganisationKind

from ..conftest import World, client_as
from ..factories import MembershipFactory, OrganisationFactory, ReferralFactory, habilitation_unit


def clerk_of(unit: Organisation) -> User:
    return MembershipFactory(organisation=unit, role=MembershipRole.REFERRAL_CLERK).user


@pytest.fixture
def rehabilitation_unit(db: None) -> Organisation:
    return OrganisationFactory(name="Rehabiliteringsavdelingen", kind=OrganisationKind.REHABILITATION_UNIT)


def test_the_clerk_keeps_the_units_referrals(world: World) -> None:
    clerk = clerk_of(habilitation_unit())
    referral = ReferralFactory(person=world.patient)
    for action in [Action.REFERRAL_VIEW, Action.REFERRAL_ASK_REFERRER]:
        assert policy.can(clerk, action, referral)
    assert policy.can(clerk, Action.REFERRAL_WORK_LIST)
    assert policy.can(clerk, Action.REFERRAL_REGISTER, habilitation_unit())
    client = client_as(clerk)
    before = AccessRecord.objects.count()
    response = client.get(reverse("referrals:referral_detail", args=[referral.pk]))
    assert response.status_code == 200
    assert referral.named_as in response.content.decode()
    record = AccessRecord.objects.order_by("id")[before:].get()
    assert (record.person_id, record.actor_id, record.purpose) == (world.patient.pk, clerk.pk, "referral")


def test_a_clerk_of_another_unit_sees_nothing_of_it(world: World, rehabilitation_unit: Organisation) -> None:
    other_clerk = clerk_of(rehabilitation_unit)
    referral = ReferralFactory(person=world.patient)
    assert not policy.can(other_clerk, Action.REFERRAL_VIEW, referral)
    assert not policy.can(other_clerk, Action.REFERRAL_REGISTER, habilitation_unit())
    client = client_as(other_clerk)
    before = AccessRecord.objects.count()
    for name in ["referrals:referral_detail", "referrals:ask_referrer"]:
        assert client.get(reverse(name, args=[referral.pk])).status_code == 404
    # Their own work list opens, without the other unit's referral on it.
    response = client.get(reverse("referrals:work_list"), {"show": "all"})
    assert response.status_code == 200
    assert referral.named_as not in response.content.decode()
    assert AccessRecord.objects.count() == before
    with pytest.raises(PermissionDenied):
        services.register_referral(
            actor=other_clerk,
            person=world.patient,
            unit=habilitation_unit(),
            data={"received_on": timezone.localdate(), "reason": "x", "consent": "yes"},
        )


@pytest.mark.parametrize("persona", ["ke_officer", "coordinator", "team_member", "org_admin", "system_admin"])
def test_the_municipality_sees_no_referral_of_the_trust(world: World, persona: str) -> None:
    user = getattr(world, persona)
    referral = ReferralFactory(person=world.patient)
    assert not policy.referral_units(user)
    assert not policy.can(user, Action.REFERRAL_VIEW, referral)
    client = client_as(user)
    for url in [
        reverse("referrals:work_list"),
        reverse("referrals:referral_register"),
        reverse("referrals:referral_detail", args=[referral.pk]),
    ]:
        assert client.get(url).status_code == 404, (persona, url)
    assert "referrals/" not in client.get(reverse("home")).content.decode()


def test_a_clerk_whose_role_has_ended_sees_nothing(world: World) -> None:
    clerk = clerk_of(habilitation_unit())
    referral = ReferralFactory(person=world.patient)
    Membership.objects.filter(user=clerk).update(active=False)
    client = client_as(clerk)
    assert client.get(reverse("referrals:referral_detail", args=[referral.pk])).status_code == 404
    assert client.get(reverse("referrals:work_list")).status_code == 404


def test_the_clerk_role_opens_referrals_only_in_a_specialist_unit(world: World) -> None:
    """A clerk role given in a municipal service is no way into the trust's referrals."""
    misplaced = MembershipFactory(organisation=world.physio, role=MembershipRole.REFERRAL_CLERK).user
    assert not policy.referral_units(misplaced)
    assert not policy.can(misplaced, Action.REFERRAL_WORK_LIST)


def test_only_the_system_administrator_grants_the_clerk_role(world: World) -> None:
    """The role opens health data: an organisation administrator may not hand it out."""
    assert MembershipRole.REFERRAL_CLERK in policy.PRIVILEGED_ROLES
    unit = habilitation_unit()
    MembershipFactory(organisation=unit, user=world.org_admin, role=MembershipRole.ORGANISATION_ADMIN)
    newcomer = MembershipFactory(organisation=unit, role=MembershipRole.TEAM_MEMBER).user
    assert not policy.may_grant(world.org_admin, newcomer, unit, MembershipRole.REFERRAL_CLERK)
    assert policy.may_grant(world.system_admin, newcomer, unit, MembershipRole.REFERRAL_CLERK)


def test_the_assessing_clinician_sees_and_assesses_the_units_referrals(world: World) -> None:
    clinician = MembershipFactory(
        organisation=habilitation_unit(), role=MembershipRole.ASSESSING_CLINICIAN
    ).user
    referral = ReferralFactory(person=world.patient)
    assert policy.can(clinician, Action.REFERRAL_WORK_LIST)
    assert policy.can(clinician, Action.REFERRAL_VIEW, referral)
    assert policy.can(clinician, Action.REFERRAL_ASSESS, referral)
    # Registering is the clerk's work.
    assert not policy.can(clinician, Action.REFERRAL_REGISTER)
    assert not policy.can(clinician, Action.REFERRAL_REGISTER, habilitation_unit())
    client = client_as(clinician)
    assert client.get(reverse("referrals:referral_register")).status_code == 404
    response = client.get(reverse("referrals:work_list"))
    assert referral.named_as in response.content.decode()
    assert reverse("referrals:referral_register") not in response.content.decode()
    # Once assessed, the referral is assessed no more.
    referral.status = ReferralStatus.ASSESSED
    assert not policy.can(clinician, Action.REFERRAL_ASSESS, referral)


def test_the_clerk_does_not_assess(world: World) -> None:
    clerk = clerk_of(habilitation_unit())
    referral = ReferralFactory(person=world.patient)
    assert policy.can(clerk, Action.REFERRAL_REGISTER)
    assert not policy.can(clerk, Action.REFERRAL_ASSESS, referral)


def test_the_trusts_coordinating_unit_sees_the_referrals_of_its_units_only(
    world: World, rehabilitation_unit: Organisation
) -> None:
    trust = OrganisationFactory(name="Nordlandssykehuset HF", kind=OrganisationKind.HEALTH_TRUST)
    other_trust = OrganisationFactory(name="Helgelandssykehuset HF", kind=OrganisationKind.HEALTH_TRUST)
    unit = habilitation_unit()
    unit.parent = trust
    unit.save()
    rehabilitation_unit.parent = other_trust
    rehabilitation_unit.save()
    officer = MembershipFactory(organisation=trust, role=MembershipRole.TRUST_COORDINATING_OFFICER).user
    ours = ReferralFactory(person=world.patient)
    theirs = ReferralFactory(receiving_unit=rehabilitation_unit)
    assert policy.trust_units(officer) == {unit.pk}
    assert policy.can(officer, Action.REFERRAL_VIEW, ours)
    assert not policy.can(officer, Action.REFERRAL_VIEW, theirs)
    assert not policy.can(officer, Action.REFERRAL_ASSESS, ours)
    assert not policy.can(officer, Action.REFERRAL_REGISTER)
    client = client_as(officer)
    page = client.get(reverse("referrals:work_list"), {"show": "all"}).content.decode()
    assert ours.named_as in page
    assert theirs.named_as not in page
    assert client.get(reverse("referrals:referral_detail", args=[theirs.pk])).status_code == 404
    # The role held in a unit rather than in the trust opens nothing.
    misplaced = MembershipFactory(organisation=unit, role=MembershipRole.TRUST_COORDINATING_OFFICER).user
    assert not policy.can(misplaced, Action.REFERRAL_VIEW, ours)


@pytest.mark.parametrize(
    "role",
    [
        MembershipRole.ASSESSING_CLINICIAN,
        MembershipRole.EPISODE_STAFF,
        MembershipRole.TRUST_COORDINATING_OFFICER,
    ],
)
def test_only_the_system_administrator_grants_the_specialist_roles(world: World, role: str) -> None:
    unit = habilitation_unit()
    MembershipFactory(organisation=unit, user=world.org_admin, role=MembershipRole.ORGANISATION_ADMIN)
    newcomer = MembershipFactory(organisation=unit, role=MembershipRole.TEAM_MEMBER).user
    assert not policy.may_grant(world.org_admin, newcomer, unit, role)
    assert policy.may_grant(world.system_admin, newcomer, unit, role)
