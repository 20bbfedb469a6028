"""The issue's fourteen personas and two more, for the tables that check every one of them: the eight shared
ones (tests/conftest.py), and eight made for the test that uses them, each in a relation to the world's
patient or plan: a parent of a child under 12, a parent of a 16-year-old, a limited participant, a
participant whose organisation the person withdrew consent for, a professional outside the plan, and a
referral clerk, an assessing clinician and a member of the episode staff of the health trust's habilitation
unit."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from vegviser.access.services import withdraw_own_consent
from vegviser.accounts.models import User
from vegviser.plans import services
from vegviser.plans.models import AccessLevel, IndividualPlan, Meeting, ParticipantKind
from vegviser.registry.models import MembershipRole, OrganisationKind

from .conftest import PERSONAS, World, persona_user
from .factories import MembershipFactory, OrganisationFactory, habilitation_unit
from .plans.helpers import child_with_parent

Objects = TypeVar("Objects")

PARENT = "parent_under_12"  # acts for the child as the child would
PARENT_OF_16 = "parent_of_16"  # acted for the child until their 16th birthday
# Reads the goals and measures they are responsible for, and the meetings they are invited to: this one is
# invited to the plan's meetings.
LIMITED = "limited_participant"
WITHDRAWN = "withdrawn_participant"  # a full participant whose organisation the consent no longer covers
OUTSIDER = "outsider"  # a professional of the coordinator's own service, not in the plan
CLERK = "referral_clerk"  # keeps the referrals of the health trust's habilitation unit
CLINICIAN = "assessing_clinician"  # assesses the referrals of the health trust's habilitation unit
EPISODE_STAFF = "episode_staff"  # works on the episodes of care of the health trust's habilitation unit
MATRIX_PERSONAS = [
    *PERSONAS,
    PARENT,
    PARENT_OF_16,
    LIMITED,
    WITHDRAWN,
    OUTSIDER,
    CLERK,
    CLINICIAN,
    EPISODE_STAFF,
]

# The groups the tables name.
ALL = set(MATRIX_PERSONAS)
SIGNED_IN = ALL - {"anonymous"}
KE = {"ke_officer"}
KE_BOTH = KE | {"ke_officer_tromso"}
PROFESSIONALS = KE_BOTH | {
    "coordinator",
    "team_member",
    "org_admin",
    LIMITED,
    WITHDRAWN,
    OUTSIDER,
    CLERK,
    CLINICIAN,
    EPISODE_STAFF,
}
# Those who read the habilitation unit's referrals.
REFERRAL_READERS = {CLERK, CLINICIAN}
ADMINS = {"system_admin", "org_admin"}
COORDINATOR = {"coordinator"}
# The person's side: the person, or the parent of a child under 12.
PATIENT = {"patient_user", PARENT}
# Citizens with a person of their own: their own data and pages, whoever else they act for.
CITIZENS = {"patient_user", PARENT, PARENT_OF_16}


def _join(world: World, organisation_kind: str, access_level: str) -> User:
    """A professional of a new organisation, in the patient's plan if the test's objects made one."""
    user = MembershipFactory(
        organisation=OrganisationFactory(kind=organisation_kind), role="team_member"
    ).user
    plan = IndividualPlan.objects.filter(person=world.patient).first()
    if plan is not None:
        services.add_participant(
            actor=None,
            plan=plan,
            data={
                "kind": ParticipantKind.PROFESSIONAL,
                "user": user,
                "organisation": user.memberships.get().organisation,
                "name": user.display_name,
                "role": "Deltaker",
                "access_level": access_level,
            },
        )
    return user


def _limited_participant(world: World) -> User:
    user = _join(world, OrganisationKind.PHYSIOTHERAPY, AccessLevel.LIMITED)
    consent = world.patient.consents.filter(withdrawn_at__isnull=True).first()
    if consent is not None:  # the consent covers the world's physiotherapy service and school; this one too
        consent.shared_with.add(user.memberships.get().organisation)
    for meeting in Meeting.objects.filter(plan__person=world.patient):
        meeting.invited.add(*meeting.plan.participants.filter(user=user, active=True))
    return user


def _withdrawn_participant(world: World) -> User:
    """A full participant whose organisation the person shared with, and then withdrew that in the portal."""
    user = _join(world, OrganisationKind.NAV_OFFICE, AccessLevel.FULL)
    organisation = user.memberships.get().organisation
    consent = world.patient.consents.filter(withdrawn_at__isnull=True).first()
    if consent is not None:
        consent.shared_with.add(organisation)
        withdraw_own_consent(actor=None, consent=consent, organisation=organisation)
    return user


def user_and_objects(
    world: World, persona: str, make_objects: Callable[[], Objects]
) -> tuple[User | None, Objects]:
    """The persona's user (none: anonymous) and the objects the test makes. A parent makes the patient their
    child before the objects are made; a participant joins the plan after."""
    parent = None
    if persona == PARENT:
        parent = child_with_parent(world, 7)
    elif persona == PARENT_OF_16:
        parent = child_with_parent(world, 16)
    objects = make_objects()
    if parent is not None:
        return parent, objects
    if persona == LIMITED:
        return _limited_participant(world), objects
    if persona == WITHDRAWN:
        return _withdrawn_participant(world), objects
    if persona == CLERK:
        return MembershipFactory(
            organisation=habilitation_unit(), role=MembershipRole.REFERRAL_CLERK
        ).user, objects
    if persona == CLINICIAN:
        return MembershipFactory(
            organisation=habilitation_unit(), role=MembershipRole.ASSESSING_CLINICIAN
        ).user, objects
    if persona == EPISODE_STAFF:
        return MembershipFactory(
            organisation=habilitation_unit(), role=MembershipRole.EPISODE_STAFF
        ).user, objects
    if persona == OUTSIDER:
        return MembershipFactory(organisation=world.physio, role="team_member").user, objects
    return persona_user(world, persona), objects
