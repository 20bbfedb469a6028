"""Consent given again after a withdrawal: for one organisation the person withdrew it for, or all of it as
the person chose it; who is told of a withdrawal or a renewal; and what the coordinator's plan page marks."""

from __future__ import annotations

import html
import importlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from vegviser.access import policy
from vegviser.access.models import Consent, ConsentGiver
from vegviser.access.policy import PlanRole
from vegviser.access.services import (
    give_sharing_again,
    renew_own_consent,
    withdraw_consent,
    withdraw_own_consent,
)
from vegviser.accounts.models import Notification, User
from vegviser.audit.models import AuditAction, AuditRecord
from vegviser.plans import services
from vegviser.plans.models import AccessLevel, IndividualPlan, ParticipantKind
from vegviser.registry.models import Organisation

from ..conftest import World, client_as
from ..factories import MembershipFactory, PersonFactory, UserFactory
from ..plans.helpers import english_messages
from ..plans.test_plan_queries import PLAN_PAGE_QUERIES
from .helpers import family, plan_of_person, url

pytestmark = pytest.mark.usefixtures(english_messages.__name__)


def _content(response: Any) -> str:
    return html.unescape(response.content.decode())


def _setup(world: World) -> tuple[IndividualPlan, Consent]:
    plan = plan_of_person(world, world.patient)
    return plan, Consent.objects.get(person=world.patient)


def _withdraw(client: Any, consent: Consent, organisation: Organisation | None) -> Any:
    choice = "all" if organisation is None else str(organisation.pk)
    return client.post(
        reverse("portal:consent_withdraw", kwargs={"pk": consent.pk}), {"organisation": choice}
    )


def _in_force(world: World) -> Consent:
    consent = Consent.objects.in_force_for(world.patient, covering="plan")
    assert consent is not None
    return consent


def _share_again_url(consent: Consent, organisation: Organisation) -> str:
    return reverse("portal:consent_share_again", kwargs={"pk": consent.pk, "organisation": organisation.pk})


def _shared(consent: Consent) -> set[Organisation]:
    return set(consent.shared_with.all())


# Giving all of it again


def test_giving_all_of_it_again_after_one_organisation_was_withdrawn_restores_what_the_person_chose(
    world: World,
) -> None:
    """Withdrawn for the school, then all of what was left: the consent given again shares with the school
    too, not only with what the newest consent still named."""
    plan, consent = _setup(world)
    client = client_as(world.patient_user)
    _withdraw(client, consent, world.school)
    narrowed = _in_force(world)
    _withdraw(client, narrowed, None)
    assert Consent.objects.in_force_for(world.patient, covering="plan") is None
    page = _content(client.get(url("consents", world.patient.pk)))
    # The newest consent is the one offered to be given again.
    assert reverse("portal:consent_renew", kwargs={"pk": narrowed.pk}) in page
    response = client.post(reverse("portal:consent_renew", kwargs={"pk": narrowed.pk}), follow=True)
    assert "The consent is renewed from today." in _content(response)
    renewed = _in_force(world)
    assert _shared(renewed) == {world.physio, world.school}
    assert not renewed.withdrawn_for.exists()
    assert policy.plan_role(world.team_member, plan) == PlanRole.FULL


def test_renewing_a_narrowed_consent_still_in_force_keeps_the_sharing_withdrawn(world: World) -> None:
    """Extending a consent in force is not giving back what was withdrawn from it: that is asked for one
    organisation at a time."""
    plan, consent = _setup(world)
    narrowed = withdraw_own_consent(actor=world.patient_user, consent=consent, organisation=world.school)
    assert narrowed is not None and _shared(narrowed) == {world.physio}
    renewed = renew_own_consent(actor=world.patient_user, consent=narrowed)
    assert _shared(renewed) == {world.physio}
    assert set(renewed.withdrawn_for.all()) == {world.school}
    assert _in_force(world) == renewed
    assert policy.plan_role(world.team_member, plan) is None


# Giving it back for one organisation


def test_the_person_gives_the_sharing_back_for_one_organisation_and_the_others_stay_as_they_are(
    world: World,
) -> None:
    plan, consent = _setup(world)
    client = client_as(world.patient_user)
    _withdraw(client, consent, world.school)
    _withdraw(client, _in_force(world), world.physio)
    without_both = _in_force(world)
    assert _shared(without_both) == set()
    assert set(without_both.withdrawn_for.all()) == {world.school, world.physio}
    page = _content(client.get(url("consents", world.patient.pk)))
    assert "Sharing withdrawn for" in page
    assert f"Share with {world.school.name} again" in page and f"Share with {world.physio.name} again" in page

    response = client.post(_share_again_url(without_both, world.school), follow=True)
    assert response.redirect_chain[-1][0] == url("consents", world.patient.pk)
    assert f"{world.school.name} gets information from your plan again." in _content(response)
    given_back = _in_force(world)
    # A new version: the school back, the physiotherapy service still withdrawn, the period as it was.
    assert given_back.pk != without_both.pk
    assert _shared(given_back) == {world.school}
    assert set(given_back.withdrawn_for.all()) == {world.physio}
    assert (given_back.valid_from, given_back.valid_to) == (timezone.localdate(), without_both.valid_to)
    assert given_back.given_by == ConsentGiver.PERSON
    without_both.refresh_from_db()
    assert without_both.withdrawn_at is not None and world.school.name in without_both.withdrawal_note
    assert policy.plan_role(world.team_member, plan) == PlanRole.FULL
    # Recorded as the consent's other changes are: by the person, with the organisations shared with.
    record = AuditRecord.objects.get(object_id=str(given_back.pk), action=AuditAction.CONSENT_RENEW)
    assert record.actor_id == world.patient_user.pk
    assert record.after["shared_with"] == [str(world.school.pk)]
    assert record.after["withdrawn_for"] == [str(world.physio.pk)]


def test_a_parent_gives_the_sharing_back_for_a_child_in_their_own_name(world: World) -> None:
    found = family(world, age=10)
    consent = Consent.objects.get(person=found.person)
    client = client_as(found.relative_user)
    _withdraw(client, consent, world.school)
    narrowed = Consent.objects.in_force_for(found.person, covering="plan")
    assert narrowed is not None
    assert client.post(_share_again_url(narrowed, world.school)).status_code == 302
    given_back = Consent.objects.in_force_for(found.person, covering="plan")
    assert given_back is not None and world.school in given_back.shared_with.all()
    assert (given_back.given_by, given_back.given_by_person) == (ConsentGiver.PARENT, found.relative)
    assert policy.plan_role(world.team_member, found.plan) == PlanRole.FULL


@pytest.mark.parametrize("who", ["coordinator", "ke_officer", "team_member", "another_citizen"])
def test_no_one_else_gives_the_sharing_back(world: World, who: str) -> None:
    _plan, consent = _setup(world)
    narrowed = withdraw_own_consent(actor=world.patient_user, consent=consent, organisation=world.school)
    assert narrowed is not None
    user: User
    if who == "another_citizen":
        user = UserFactory()
        PersonFactory(user=user)
    else:
        user = getattr(world, who)
    response = client_as(user).post(_share_again_url(narrowed, world.school))
    assert response.status_code == 404
    assert _in_force(world) == narrowed and world.school not in narrowed.shared_with.all()


def test_only_an_organisation_withdrawn_from_the_consent_is_given_back(world: World) -> None:
    _plan, consent = _setup(world)
    narrowed = withdraw_own_consent(actor=world.patient_user, consent=consent, organisation=world.school)
    assert narrowed is not None
    client = client_as(world.patient_user)
    # Still shared, or never named: nothing to give back.
    assert client.post(_share_again_url(narrowed, world.physio)).status_code == 404
    assert client.post(_share_again_url(narrowed, world.ke_unit)).status_code == 404
    with pytest.raises(ValidationError, match="has not been withdrawn"):
        give_sharing_again(actor=world.patient_user, consent=narrowed, organisation=world.physio)
    assert client.get(_share_again_url(narrowed, world.school)).status_code == 405
    assert _in_force(world) == narrowed


def test_a_consent_no_longer_in_force_is_given_again_whole(world: World) -> None:
    _plan, consent = _setup(world)
    client = client_as(world.patient_user)
    _withdraw(client, consent, world.school)
    narrowed = _in_force(world)
    _withdraw(client, narrowed, None)
    page = _content(client.get(url("consents", world.patient.pk)))
    assert _share_again_url(narrowed, world.school) not in page
    response = client.post(_share_again_url(narrowed, world.school), follow=True)
    assert "This consent is no longer in force. Give all of it again instead." in _content(response)
    assert Consent.objects.in_force_for(world.patient, covering="plan") is None


# Who is told


def _join_physio(world: World, plan: IndividualPlan) -> User:
    """A physiotherapist taking part in the plan: the consent covers their organisation throughout."""
    user = MembershipFactory(organisation=world.physio, role="team_member").user
    services.add_participant(
        actor=None,
        plan=plan,
        data={
            "kind": ParticipantKind.PROFESSIONAL,
            "user": user,
            "organisation": world.physio,
            "name": user.display_name,
            "role": "Fysioterapeut",
            "access_level": AccessLevel.FULL,
        },
    )
    return user


def _in_english(*users: User) -> None:
    for number, user in enumerate(users):
        user.language = "en"
        user.email = f"user{number}@example.org"
        user.save(update_fields=["language", "email"])


def test_a_withdrawal_for_one_organisation_tells_the_coordinator_and_those_who_lost_access(
    world: World, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    plan, consent = _setup(world)
    physiotherapist = _join_physio(world, plan)
    _in_english(world.coordinator, world.team_member, physiotherapist, world.patient_user, world.ke_officer)
    with django_capture_on_commit_callbacks(execute=True):
        _withdraw(client_as(world.patient_user), consent, world.school)
    name = world.patient.full_name
    [to_coordinator] = Notification.objects.filter(user=world.coordinator)
    assert to_coordinator.text == (
        f"Consent for {name} was withdrawn: {world.school.name} can no longer open the plan."
    )
    assert to_coordinator.url == reverse("plans:plan_detail", kwargs={"pk": plan.pk})
    [to_teacher] = Notification.objects.filter(user=world.team_member)
    assert to_teacher.text == (
        f"Consent for {name} no longer covers {world.school.name}. You can no longer open the plan."
    )
    # The teacher cannot open the plan any more: the notice leads to their own list.
    assert to_teacher.url == reverse("plans:mine")
    # Not the physiotherapist, who keeps access; not the person who withdrew; not the unit.
    assert not Notification.objects.filter(
        user__in=[physiotherapist, world.patient_user, world.ke_officer]
    ).exists()
    # Each told by an email that there is a notice, with no name and nothing about the plan.
    assert sorted(email.to[0] for email in mailoutbox) == sorted(
        [world.coordinator.email, world.team_member.email]
    )
    for email in mailoutbox:
        text = email.subject + email.body
        assert world.patient.family_name not in text and world.patient.given_name not in text
        assert world.school.name not in text and "consent" not in text.lower()


def test_withdrawing_all_of_it_tells_every_participant_who_lost_access(world: World) -> None:
    plan, consent = _setup(world)
    physiotherapist = _join_physio(world, plan)
    _in_english(world.coordinator, world.team_member, physiotherapist)
    _withdraw(client_as(world.patient_user), consent, None)
    [to_coordinator] = Notification.objects.filter(user=world.coordinator)
    assert f"{world.school.name}, {world.physio.name} can no longer open the plan." in to_coordinator.text
    for user, organisation in [(world.team_member, world.school), (physiotherapist, world.physio)]:
        [notice] = Notification.objects.filter(user=user)
        assert f"no longer covers {organisation.name}" in notice.text


def test_giving_it_back_tells_the_coordinator_and_the_participants_who_regain_access(world: World) -> None:
    plan, consent = _setup(world)
    physiotherapist = _join_physio(world, plan)
    _in_english(world.coordinator, world.team_member, physiotherapist)
    narrowed = withdraw_own_consent(actor=world.patient_user, consent=consent, organisation=world.school)
    assert narrowed is not None
    Notification.objects.all().delete()
    client_as(world.patient_user).post(_share_again_url(narrowed, world.school))
    name = world.patient.full_name
    [to_coordinator] = Notification.objects.filter(user=world.coordinator)
    assert to_coordinator.text == (
        f"Consent for {name} was given again: {world.school.name} can open the plan again."
    )
    [to_teacher] = Notification.objects.filter(user=world.team_member)
    assert (
        to_teacher.text
        == f"Consent for {name} covers {world.school.name} again. You can open the plan again."
    )
    assert to_teacher.url == reverse("plans:plan_detail", kwargs={"pk": plan.pk})
    assert not Notification.objects.filter(user=physiotherapist).exists()


def test_renewing_all_of_it_tells_those_who_regain_access(world: World) -> None:
    _plan, consent = _setup(world)
    _in_english(world.coordinator, world.team_member)
    withdraw_own_consent(actor=world.patient_user, consent=consent)
    Notification.objects.all().delete()
    renew_own_consent(actor=world.patient_user, consent=consent)
    [to_coordinator] = Notification.objects.filter(user=world.coordinator)
    assert to_coordinator.text.startswith(f"Consent for {world.patient.full_name} was given again")
    [to_teacher] = Notification.objects.filter(user=world.team_member)
    assert "You can open the plan again." in to_teacher.text


# The coordinator's plan page


def test_the_plan_page_marks_who_lost_access_and_their_measures_until_it_is_given_back(
    world: World, django_assert_num_queries: Any
) -> None:
    plan, consent = _setup(world)
    teacher = plan.participants.get(user=world.team_member)
    measure = plan.measures.get(responsible_participant=teacher)
    coordinator = client_as(world.coordinator, language="en")
    page_url = reverse("plans:plan_detail", kwargs={"pk": plan.pk})
    assert "No consent" not in _content(coordinator.get(page_url))

    narrowed = withdraw_own_consent(actor=world.patient_user, consent=consent, organisation=world.school)
    assert narrowed is not None
    # Marked from what the page loads anyway: no query more.
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        response = coordinator.get(page_url)
    page = _content(response)
    assert f'{teacher.name}</strong> – {teacher.role}, {world.school.name} <span class="ds-tag"' in page
    assert (
        f'{measure.responsible_name} <span class="ds-tag" data-color="danger">No consent</span></td>' in page
    )
    assert "One participant can no longer open the plan" in page
    # Only the one who lost access: the person taking part is not marked.
    assert page.count(">No consent</span>") == 2

    give_sharing_again(actor=world.patient_user, consent=narrowed, organisation=world.school)
    page = _content(coordinator.get(page_url))
    assert "No consent" not in page and "can no longer open the plan" not in page


def test_without_any_consent_every_professional_taking_part_is_marked(world: World) -> None:
    plan, consent = _setup(world)
    withdraw_own_consent(actor=world.patient_user, consent=consent)
    page = _content(
        client_as(world.coordinator, language="en").get(reverse("plans:plan_detail", args=[plan.pk]))
    )
    assert "There is no consent in force to the plan." in page
    assert "One participant can no longer open the plan" in page


def test_consents_narrowed_before_they_remembered_it_learn_what_was_withdrawn(world: World) -> None:
    """The migration fills in what a consent narrowed earlier left out, from the audit log, so that giving it
    all again restores the school for those too."""
    from django.apps import apps

    migration = importlib.import_module("vegviser.access.migrations.0004_consent_withdrawn_for")
    _plan, consent = _setup(world)
    first = withdraw_own_consent(actor=world.patient_user, consent=consent, organisation=world.school)
    assert first is not None
    second = withdraw_own_consent(actor=world.patient_user, consent=first, organisation=world.physio)
    assert second is not None
    # As they were made before: nothing remembered.
    for narrowed in (first, second):
        narrowed.withdrawn_for.clear()
    migration.remember_withdrawn_organisations(apps, None)
    assert set(first.withdrawn_for.all()) == {world.school}
    assert set(second.withdrawn_for.all()) == {world.school, world.physio}
    assert not consent.withdrawn_for.exists()


def test_the_unit_sees_which_organisations_the_person_withdrew_the_sharing_with(world: World) -> None:
    _plan, consent = _setup(world)
    narrowed = withdraw_own_consent(actor=world.patient_user, consent=consent, organisation=world.school)
    assert narrowed is not None
    page = _content(client_as(world.ke_officer).get(reverse("access:consent_detail", args=[narrowed.pk])))
    assert f"Sharing withdrawn for</dt><dd>{world.school.name}</dd>" in page


def test_the_units_withdrawal_tells_the_coordinator_and_the_participants_too(world: World) -> None:
    plan, consent = _setup(world)
    _in_english(world.coordinator, world.team_member, world.ke_officer)
    withdraw_consent(actor=world.ke_officer, consent=consent, note="Trukket muntlig.")
    [to_coordinator] = Notification.objects.filter(user=world.coordinator)
    assert to_coordinator.url == reverse("plans:plan_detail", kwargs={"pk": plan.pk})
    [to_teacher] = Notification.objects.filter(user=world.team_member)
    assert "You can no longer open the plan." in to_teacher.text
    assert not Notification.objects.filter(user=world.ke_officer).exists()
