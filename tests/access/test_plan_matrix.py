"""The access matrix for plans, beyond the personas of tests/core/test_page_access.py: a parent of a child
under 12, a parent of a 16-year-old, a limited participant, a participant whose organisation the consent does
not cover, and a professional outside the plan. Every URL of the plans app that touches an object is checked
for each, with the objects that table builds; the expectations derive from that one declared table."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vegviser.accounts.models import User
from vegviser.audit.models import AccessRecord
from vegviser.plans import services
from vegviser.plans.models import AccessLevel, IndividualPlan, ParticipantKind
from vegviser.registry.models import OrganisationKind

from ..audit.reads import reads
from ..conftest import World, client_for, sign_in
from ..core.test_page_access import NO_ARGS, TABLE
from ..factories import MembershipFactory, OrganisationFactory
from ..plans.helpers import child_with_parent

PLAN_URLS = sorted(
    name
    for name, entry in TABLE.items()
    if name.startswith("plans:") and not isinstance(entry, str) and entry[1] is not NO_ARGS
)
# What a limited participant may open: the plan page and the timeline (their own goals and measures only) and
# the record notice, which holds no plan content.
LIMITED = {"plans:plan_detail", "plans:plan_timeline", "plans:record_notice", "plans:record_notice_json"}
PERSONAS = ["parent_under_12", "parent_of_16", "limited_participant", "uncovered_participant", "outsider"]


def _participant(world: World, organisation_kind: str, access_level: str) -> User:
    user = MembershipFactory(
        organisation=OrganisationFactory(kind=organisation_kind), role="team_member"
    ).user
    plan = IndividualPlan.objects.filter(person=world.patient).first()
    if plan is None:  # the URL starts a plan: there is none to take part in yet
        return user
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


def _expected(name: str, persona: str) -> bool:
    entry = TABLE[name]
    assert not isinstance(entry, str)
    if persona == "parent_under_12":
        # A parent acts for a child under 12 as the child would: the same as the person themselves.
        return "patient_user" in entry[2]
    if persona == "limited_participant":
        return name in LIMITED
    return False


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", PLAN_URLS)
def test_plan_matrix(world: World, name: str, persona: str) -> None:
    entry = TABLE[name]
    assert not isinstance(entry, str)
    method, make_kwargs, _allowed, status = entry
    parent = None
    if persona == "parent_under_12":
        parent = child_with_parent(world, 7)
    elif persona == "parent_of_16":
        parent = child_with_parent(world, 16)
    kwargs = make_kwargs(world)
    if persona == "limited_participant":
        user = _participant(world, OrganisationKind.PHYSIOTHERAPY, AccessLevel.LIMITED)
        # The consent covers the world's physiotherapy service and school; cover this one too.
        world.patient.consents.get().shared_with.add(user.memberships.get().organisation)
    elif persona == "uncovered_participant":
        user = _participant(world, OrganisationKind.NAV_OFFICE, AccessLevel.FULL)
    elif persona == "outsider":
        user = MembershipFactory(organisation=world.physio, role="team_member").user
    else:
        assert parent is not None
        user = parent
    client = client_for(world, "anonymous")
    sign_in(client, user)
    before = AccessRecord.objects.count()
    response = getattr(client, method)(reverse(name, kwargs=kwargs))
    written = list(AccessRecord.objects.order_by("id")[before:])
    if _expected(name, persona):
        assert response.status_code == status, f"{persona} should open {name}"
        # An allowed read is logged once, with the role in the plan that allowed it.
        if method == "get":
            assert len(written) == reads(name), f"{persona} opened {name}: {[r.purpose for r in written]}"
        assert len({record.person_id for record in written}) == len(written)
        assert all(record.actor_id == user.pk and record.actor_role.startswith("plan:") for record in written)
    else:
        assert response.status_code == 404, f"{persona} must not open {name} ({response.status_code})"
        assert written == [], f"{persona} was refused {name}, yet a read was logged"
