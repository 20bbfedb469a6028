"""A specialist unit takes part in the person's plan; the municipality leads it.

The unit's staff (clerks, assessing clinicians, episode staff) see from the person's referral whether there is
a plan and who coordinates it, never its content, and may ask the coordinator to take part. The coordinator
lets them in only when the person's consent to the plan names the unit itself: a consent naming the health
trust does not cover the trust's units."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from vegviser.access import policy
from vegviser.access.forms import ConsentForm
from vegviser.access.models import Consent
from vegviser.access.policy import Action, PlanRole
from vegviser.accounts.models import Notification, User
from vegviser.audit.models import AccessRecord, AuditRecord
from vegviser.plans import selectors, services
from vegviser.plans.models import IndividualPlan, JoinAnswer, JoinRequest, ParticipantKind
from vegviser.registry.models import MembershipRole, Organisation, OrganisationKind

from ..conftest import World, client_as
from ..factories import MembershipFactory, OrganisationFactory, ReferralFactory, habilitation_unit
from .helpers import english_messages, plan_for

pytestmark = pytest.mark.usefixtures("english_messages")
__all__ = ["english_messages"]


@pytest.fixture
def trust(db: None) -> Organisation:
    return OrganisationFactory(name="Nordlandssykehuset HF", kind=OrganisationKind.HEALTH_TRUST)


@pytest.fixture
def unit(trust: Organisation) -> Organisation:
    unit = habilitation_unit()
    unit.parent = trust
    unit.save()
    return unit


def staff_of(unit: Organisation, role: str = MembershipRole.EPISODE_STAFF) -> User:
    return MembershipFactory(organisation=unit, role=role).user


def share_with(world: World, *organisations: Organisation) -> Consent:
    consent = Consent.objects.get(person=world.patient)
    consent.shared_with.add(*organisations)
    return consent


@pytest.mark.parametrize(
    "role",
    [MembershipRole.EPISODE_STAFF, MembershipRole.ASSESSING_CLINICIAN, MembershipRole.REFERRAL_CLERK],
)
def test_the_units_staff_see_from_the_referral_who_coordinates_and_not_the_plan(
    world: World, unit: Organisation, role: str
) -> None:
    plan = plan_for(world, active=True)
    referral = ReferralFactory(person=world.patient, receiving_unit=unit)
    user = staff_of(unit, role)
    before = AccessRecord.objects.count()
    status = selectors.plan_status_for_person(user, world.patient)
    assert status is not None and status.plan == plan
    assert [c.name for c in status.coordinators] == [world.coordinator.display_name]
    record = AccessRecord.objects.order_by("id")[before:].get()
    assert (record.person_id, record.actor_id, record.purpose) == (
        world.patient.pk,
        user.pk,
        "plan-status-specialist",
    )
    # Never the content.
    assert not policy.can(user, Action.PLAN_VIEW, plan)
    assert policy.can(user, Action.PLAN_JOIN_ASK, plan) == (role is not None)
    client = client_as(user)
    page = client.get(reverse("referrals:referral_detail", args=[referral.pk]))
    if role == MembershipRole.EPISODE_STAFF:
        # Episode staff do not read referrals; the episode page shows them the same block.
        assert page.status_code == 404
    else:
        html = page.content.decode()
        assert "led by Bodø municipality" in html
        assert world.coordinator.display_name in html
        assert reverse("plans:join_request", args=[plan.pk]) in html
        goal = plan.goals.first()
        assert goal is not None and goal.text not in html
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 404


def test_the_block_says_when_there_is_no_plan_within_the_referrals_logged_read(
    world: World, unit: Organisation
) -> None:
    referral = ReferralFactory(person=world.patient, receiving_unit=unit)
    clinician = staff_of(unit, MembershipRole.ASSESSING_CLINICIAN)
    before = AccessRecord.objects.count()
    html = client_as(clinician).get(reverse("referrals:referral_detail", args=[referral.pk])).content.decode()
    assert "The person has no individual plan." in html
    # One record for the page, which reads the person: the referral's.
    assert [r.purpose for r in AccessRecord.objects.order_by("id")[before:]] == ["referral"]


@pytest.mark.parametrize(
    "who",
    ["other_unit", "no_referral", "coordinator", "team_member", "ke_officer", "system_admin", "patient"],
)
def test_nobody_else_sees_the_plan_status_or_asks(world: World, unit: Organisation, who: str) -> None:
    plan = plan_for(world, active=True)
    if who != "no_referral":
        ReferralFactory(person=world.patient, receiving_unit=unit)
    other_unit = OrganisationFactory(name="Rehabilitering", kind=OrganisationKind.REHABILITATION_UNIT)
    users = {
        "other_unit": staff_of(other_unit),
        # Staff of the unit, about a person the unit has no referral for.
        "no_referral": staff_of(unit),
        "coordinator": world.coordinator,
        "team_member": world.team_member,
        "ke_officer": world.ke_officer,
        "system_admin": world.system_admin,
        "patient": world.patient_user,
    }
    user = users[who]
    assert selectors.plan_status_for_person(user, world.patient) is None
    assert not policy.can(user, Action.PLAN_JOIN_ASK, plan)
    client = client_as(user)
    assert client.get(reverse("plans:join_request", args=[plan.pk])).status_code == 404
    assert client.post(reverse("plans:join_request", args=[plan.pk]), {"message": "x"}).status_code == 404
    assert not JoinRequest.objects.exists()


def test_ask_accept_with_consent_naming_the_unit(world: World, unit: Organisation) -> None:
    plan = plan_for(world, active=True)
    referral = ReferralFactory(person=world.patient, receiving_unit=unit)
    asker = staff_of(unit)
    client = client_as(asker)
    back = reverse("referrals:referral_detail", args=[referral.pk])
    response = client.post(
        reverse("plans:join_request", args=[plan.pk]),
        {"organisation": unit.pk, "message": "Vi har ham til døgnopphold.", "next": back},
    )
    assert response.status_code == 302 and response.url == back
    join_request = JoinRequest.objects.get()
    assert (join_request.user, join_request.organisation, join_request.answer) == (asker, unit, "pending")
    assert AuditRecord.objects.filter(action="plan.join.ask").exists()
    # The coordinator is told, and sees it on the plan page.
    assert Notification.objects.filter(user=world.coordinator, key=f"join-request:{join_request.pk}").exists()
    coordinator = client_as(world.coordinator)
    page = coordinator.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Requests to take part" in page and join_request.asker_name in page
    # Asking again while it waits: no second request, and the page says it waits.
    page = client.get(reverse("plans:join_request", args=[plan.pk])).content.decode()
    assert "waits for the coordinator's answer" in page
    with pytest.raises(PermissionDenied):
        services.ask_to_join(actor=world.team_member, plan=plan, organisation=unit, message="")

    # Without consent naming the unit, accepting says so and lets no one in; the request keeps waiting.
    accept = reverse("plans:join_accept", args=[join_request.pk])
    assert "does not name" in coordinator.get(accept).content.decode()
    response = coordinator.post(accept, {"role": "Lege", "access_level": "full"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "does not name" in html and "Lege" in html  # what was typed is kept
    assert not plan.participants.filter(user=asker).exists()
    join_request.refresh_from_db()
    assert join_request.is_pending

    share_with(world, unit)
    response = coordinator.post(accept, {"role": "Lege", "access_level": "full"})
    assert response.status_code == 302
    participant = plan.participants.get(user=asker, active=True)
    assert (participant.kind, participant.organisation, participant.role) == (
        ParticipantKind.PROFESSIONAL,
        unit,
        "Lege",
    )
    join_request.refresh_from_db()
    assert (join_request.answer, join_request.answered_by) == (JoinAnswer.ACCEPTED, world.coordinator)
    assert Notification.objects.filter(user=asker, key=f"join-request:{join_request.pk}:accepted").exists()
    assert policy.plan_role(asker, IndividualPlan.objects.get(pk=plan.pk)) == PlanRole.FULL
    # Answered once: the links answer 404.
    assert coordinator.get(accept).status_code == 404


def test_consent_naming_only_the_trust_does_not_cover_its_unit(
    world: World, trust: Organisation, unit: Organisation
) -> None:
    plan = plan_for(world, active=True)
    ReferralFactory(person=world.patient, receiving_unit=unit)
    asker = staff_of(unit)
    share_with(world, trust)
    join_request = services.ask_to_join(actor=asker, plan=plan, organisation=unit, message="")
    assert not services.consent_covers(plan, unit)
    with pytest.raises(ValidationError) as refused:
        services.accept_join_request(actor=world.coordinator, join_request=join_request, role="Lege")
    assert "naming the health trust is not enough" in " ".join(refused.value.messages)
    # A participant added the ordinary way for the unit reads nothing either while only the trust is named.
    services.add_participant(
        actor=world.coordinator,
        plan=plan,
        data={
            "kind": ParticipantKind.PROFESSIONAL,
            "user": asker,
            "organisation": unit,
            "name": asker.display_name,
            "role": "Lege",
        },
    )
    assert policy.plan_role(asker, IndividualPlan.objects.get(pk=plan.pk)) is None


def test_the_consent_form_offers_the_trust_and_each_of_its_units(
    world: World, trust: Organisation, unit: Organisation
) -> None:
    trust.catchment_municipalities.add(world.bodo)
    offered = set(ConsentForm(person=world.patient).fields["shared_with"].queryset)  # type: ignore[attr-defined]
    assert {trust, unit} <= offered


def test_decline_tells_the_asker_and_only_the_coordinator_answers(world: World, unit: Organisation) -> None:
    plan = plan_for(world, active=True)
    ReferralFactory(person=world.patient, receiving_unit=unit)
    asker = staff_of(unit)
    join_request = services.ask_to_join(actor=asker, plan=plan, organisation=unit, message="")
    for outsider in [asker, world.team_member, world.ke_officer, world.system_admin]:
        client = client_as(outsider)
        assert client.get(reverse("plans:join_accept", args=[join_request.pk])).status_code == 404
        assert client.post(reverse("plans:join_decline", args=[join_request.pk])).status_code == 404
    response = client_as(world.coordinator).post(reverse("plans:join_decline", args=[join_request.pk]))
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.answer == JoinAnswer.DECLINED
    notice = Notification.objects.get(user=asker, key=f"join-request:{join_request.pk}:declined")
    assert notice.url == reverse("plans:join_request", args=[plan.pk])
    # The asker may ask again later, and the page says how the last request was answered.
    page = client_as(asker).get(notice.url).content.decode()
    assert "Your last request to take part: Declined" in page
    assert "Send the request" in page


def test_a_unit_the_asker_does_not_belong_to_is_refused(world: World, unit: Organisation) -> None:
    plan = plan_for(world, active=True)
    ReferralFactory(person=world.patient, receiving_unit=unit)
    asker = staff_of(unit)
    elsewhere = OrganisationFactory(name="Annen enhet", kind=OrganisationKind.REHABILITATION_UNIT)
    with pytest.raises(ValidationError):
        services.ask_to_join(actor=asker, plan=plan, organisation=elsewhere, message="")
    response = client_as(asker).post(
        reverse("plans:join_request", args=[plan.pk]), {"organisation": elsewhere.pk, "message": "Hei"}
    )
    assert response.status_code == 200
    assert "Hei" in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_the_form_speaks_nynorsk(world: World, unit: Organisation) -> None:
    plan = plan_for(world, active=True)
    ReferralFactory(person=world.patient, receiving_unit=unit)
    page = client_as(staff_of(unit), language="nn").get(reverse("plans:join_request", args=[plan.pk]))
    assert page.status_code == 200
    assert "Ask to take part" not in page.content.decode()


def test_the_units_read_of_the_plan_status_is_explained_by_the_referral(
    world: World, unit: Organisation
) -> None:
    """The coordinating unit's log search does not list the staff's read as a read without a role; a read
    under the same purpose by someone whose unit has no referral of the person is listed."""
    from vegviser.audit.selectors import _reads_without_role
    from vegviser.audit.services import record_access

    plan_for(world, active=True)
    ReferralFactory(person=world.patient, receiving_unit=unit)
    staff = staff_of(unit)
    assert selectors.plan_status_for_person(staff, world.patient) is not None
    stranger = staff_of(OrganisationFactory(kind=OrganisationKind.REHABILITATION_UNIT))
    record_access(actor=stranger, person_ids=[world.patient.pk], purpose="plan-status-specialist")
    today = timezone.localdate()
    listed = {
        row["actor"] for row in _reads_without_role(user=world.ke_officer, date_from=today, date_to=today)
    }
    assert stranger.pk in listed and staff.pk not in listed


def test_the_way_back_stays_within_vegviser(world: World, unit: Organisation) -> None:
    plan = plan_for(world, active=True)
    ReferralFactory(person=world.patient, receiving_unit=unit)
    url = reverse("plans:join_request", args=[plan.pk])
    response = client_as(staff_of(unit)).post(
        url, {"organisation": unit.pk, "message": "", "next": "https://example.com/"}
    )
    assert response.status_code == 302 and response.url == url
