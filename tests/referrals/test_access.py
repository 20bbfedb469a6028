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
