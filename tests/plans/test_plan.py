"""The individual plan: one per person, consent and coordinator first, elements a–i, and who may do what."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from vegviser.access.policy import PlanRole, plan_role
from vegviser.access.services import withdraw_consent
from vegviser.audit.models import AccessRecord, AuditRecord, Channel, ReadPurpose
from vegviser.plans import services
from vegviser.plans.models import (
    AccessLevel,
    Goal,
    IndividualPlan,
    Measure,
    ParticipantKind,
    PlanNote,
    PlanStatus,
    PlanVersion,
)
from vegviser.registry.models import AddressProtection

from ..conftest import World, client_as, client_for, english, sign_in
from ..factories import IndividualPlanFactory, MembershipFactory, PersonFactory, UserFactory, born_years_ago
from .helpers import appoint, child_with_parent, complete, english_messages, give_consent, plan_for

pytestmark = pytest.mark.usefixtures(english_messages.__name__)


def detail(plan: IndividualPlan) -> str:
    return reverse("plans:plan_detail", kwargs={"pk": plan.pk})


# One plan per person, consent and coordinator first


def test_a_plan_needs_consent(world: World) -> None:
    appoint(world)
    with pytest.raises(ValidationError, match="consent"):
        services.create_plan(actor=world.coordinator, person=world.patient)


def test_only_the_coordinator_starts_a_plan(world: World) -> None:
    give_consent(world)
    appoint(world)
    for outsider in (world.team_member, world.ke_officer, world.system_admin):
        with pytest.raises(PermissionDenied):
            services.create_plan(actor=outsider, person=world.patient)
    plan = services.create_plan(actor=world.coordinator, person=world.patient)
    assert plan.status == PlanStatus.DRAFT
    assert plan.municipality == world.patient.municipality
    kinds = sorted(plan.participants.values_list("kind", flat=True))
    assert kinds == [ParticipantKind.PERSON, ParticipantKind.PROFESSIONAL]
    assert AuditRecord.objects.filter(action="plan.create", object_id=str(plan.pk)).count() == 1


def test_a_second_open_plan_is_refused_by_service_and_database(world: World) -> None:
    plan = plan_for(world)
    with pytest.raises(ValidationError, match="already has an individual plan"):
        services.create_plan(actor=world.coordinator, person=world.patient)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndividualPlanFactory(person=world.patient)
    # Once closed, a new plan may start.
    services.close_plan(actor=world.coordinator, plan=plan, reason="Flyttet")
    assert services.create_plan(actor=world.coordinator, person=world.patient).status == PlanStatus.DRAFT


def test_activation_needs_consent_and_coordinator(world: World) -> None:
    plan = plan_for(world)
    consent = world.patient.consents.get()
    withdraw_consent(actor=None, consent=consent)
    with pytest.raises(ValidationError, match="no consent"):
        services.activate_plan(actor=world.coordinator, plan=plan)
    assert IndividualPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


def test_activation_without_coordinator_is_refused(world: World) -> None:
    plan = plan_for(world)
    world.patient.coordinator_assignments.update(active=False)
    with pytest.raises(ValidationError, match="no coordinator"):
        services.activate_plan(actor=None, plan=plan)


def test_status_lifecycle_and_first_version(world: World) -> None:
    plan = complete(plan_for(world))
    plan = services.activate_plan(actor=world.coordinator, plan=plan)
    assert plan.status == PlanStatus.ACTIVE and plan.activated_at is not None
    version = PlanVersion.objects.get(plan=plan)
    assert version.number == 1 and version.reason == PlanVersion.Reason.ACTIVATION
    assert version.snapshot["plan"]["what_matters"] == "Å gå tur med hunden"
    plan = services.pause_plan(actor=world.coordinator, plan=plan)
    assert plan.status == PlanStatus.PAUSED
    plan = services.activate_plan(actor=world.coordinator, plan=plan)
    # Resuming does not freeze another activation version.
    assert PlanVersion.objects.filter(plan=plan).count() == 1
    with pytest.raises(ValidationError, match="reason"):
        services.close_plan(actor=world.coordinator, plan=plan, reason="  ")
    plan = services.close_plan(actor=world.coordinator, plan=plan, reason="Målene er nådd")
    assert plan.status == PlanStatus.CLOSED and plan.closed_reason == "Målene er nådd"
    # A closed plan is read, never changed: not even by its coordinator, nor by a system process.
    with pytest.raises(PermissionDenied):
        services.add_note(actor=world.coordinator, plan=plan, text="Etter lukking")
    with pytest.raises(PermissionDenied):
        services.pause_plan(actor=world.coordinator, plan=plan)
    with pytest.raises(ValidationError, match="closed"):
        services.add_goal(actor=None, plan=plan, data={"text": "Etter lukking"})
    assert english(world, "coordinator").get(detail(plan)).status_code == 200


def test_activate_through_the_page(world: World) -> None:
    plan = complete(plan_for(world))
    client = english(world, "coordinator")
    response = client.post(reverse("plans:plan_activate", kwargs={"pk": plan.pk}), follow=True)
    assert "The plan is now active" in response.content.decode()
    assert IndividualPlan.objects.get(pk=plan.pk).status == PlanStatus.ACTIVE


def test_activate_without_consent_through_the_page_says_why(world: World) -> None:
    plan = plan_for(world)
    withdraw_consent(actor=None, consent=world.patient.consents.get())
    response = english(world, "coordinator").post(
        reverse("plans:plan_status", kwargs={"pk": plan.pk}), {"to": "activate"}, follow=True
    )
    assert "There is no consent in force to the plan." in response.content.decode()
    assert IndividualPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


# Elements a–i


def test_missing_elements_names_each_element_in_the_laws_words(world: World) -> None:
    give_consent(world)
    appoint(world)
    plan = services.create_plan(actor=None, person=world.patient)
    letters = [letter for letter, _words in plan.missing_elements()]
    # The person and coordinator take part from the start (b), with a coordinator (c) and consent (h).
    assert letters == ["a", "d", "e", "f", "g", "i"]
    words = dict(plan.missing_elements())
    assert words["e"] == "Which measures are relevant, their scope, and who is responsible for each"


def test_a_complete_plan_misses_nothing(world: World) -> None:
    plan = plan_for(world)
    services.update_plan(
        actor=None,
        plan=plan,
        data={
            "period_start": date(2026, 1, 1),
            "period_end": date(2027, 1, 1),
            "next_revision": date(2026, 12, 1),
            "collaboration": "NAV og arbeidsgiver",
        },
        expected_version=plan.version,
    )
    plan.participants.filter(kind=ParticipantKind.PERSON).update(contribution="Trener hjemme")
    plan.participants.filter(user=world.coordinator).update(contribution="Koordinerer")
    assert IndividualPlan.objects.get(pk=plan.pk).missing_elements() == []


def test_checklist_on_the_plan_page(world: World) -> None:
    plan = plan_for(world)
    page = english(world, "coordinator").get(detail(plan)).content.decode()
    assert "What the plan must contain" in page
    assert "The plan period and when the plan is to be adjusted and revised" in page
    assert 'data-done="no"' in page and 'data-done="yes"' in page


# Who may read the plan, and exactly one access record per read


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("team_member", 200),
        ("patient_user", 200),
        ("ke_officer", 404),
        ("ke_officer_tromso", 404),
        ("org_admin", 404),
        ("system_admin", 404),
    ],
)
def test_plan_page_access_and_its_record(world: World, persona: str, status: int) -> None:
    plan = plan_for(world)
    before = AccessRecord.objects.count()
    response = client_for(world, persona).get(detail(plan))
    assert response.status_code == status
    written = AccessRecord.objects.count() - before
    assert written == (1 if status == 200 else 0)
    if status == 200:
        record = AccessRecord.objects.latest("at")
        assert record.person_id == world.patient.pk and record.object_id == str(plan.pk)


def test_the_unit_officer_sees_no_plan_content(world: World) -> None:
    plan = plan_for(world)
    assert client_for(world, "ke_officer").get(detail(plan)).status_code == 404
    notice = english(world, "ke_officer").get(reverse("plans:record_notice", kwargs={"pk": plan.pk}))
    assert notice.status_code == 200
    text = notice.content.decode()
    assert "has an individual plan" in text and world.coordinator.display_name in text
    assert "Gå 1 km" not in text and "hunden" not in text


def test_withdrawn_consent_ends_a_participants_access_at_once(world: World) -> None:
    plan = plan_for(world)
    client = client_for(world, "team_member")
    assert client.get(detail(plan)).status_code == 200
    withdraw_consent(actor=None, consent=world.patient.consents.get())
    assert client.get(detail(plan)).status_code == 404
    # The coordinator keeps the plan they coordinate, to close or pause it.
    assert client_for(world, "coordinator").get(detail(plan)).status_code == 200


def test_a_participant_whose_organisation_is_not_covered_sees_nothing(world: World) -> None:
    plan = plan_for(world)
    consent = world.patient.consents.get()
    consent.shared_with.set([world.physio])
    assert client_for(world, "team_member").get(detail(plan)).status_code == 404


def test_ending_participation_ends_access(world: World) -> None:
    plan = plan_for(world)
    participant = plan.participants.get(user=world.team_member)
    services.end_participation(actor=world.coordinator, participant=participant, left_on=timezone.localdate())
    assert client_for(world, "team_member").get(detail(plan)).status_code == 404


def test_a_participant_who_left_the_organisation_loses_access(world: World) -> None:
    plan = plan_for(world)
    world.team_member.memberships.update(active=False)
    assert plan_role(world.team_member, plan) is None


def test_limited_participant_sees_only_their_measures_and_goals(world: World) -> None:
    plan = plan_for(world, access_level=AccessLevel.LIMITED)
    other_goal = services.add_goal(actor=None, plan=plan, data={"text": "Lese avisen selv"})
    services.add_measure(
        actor=None,
        plan=plan,
        data={"title": "Logopedi", "responsible_organisation": world.physio, "goals": [other_goal]},
    )
    page = client_for(world, "team_member").get(detail(plan)).content.decode()
    assert "Gangtrening" in page and "Gå 1 km uten hjelp" in page
    assert "Logopedi" not in page and "Lese avisen selv" not in page
    assert "hunden" not in page  # what matters to the person is not theirs to read
    assert (
        client_for(world, "team_member").get(reverse("plans:plan_print", kwargs={"pk": plan.pk})).status_code
        == 404
    )


def test_parent_of_a_child_under_12_reads_the_plan(world: World) -> None:
    parent_user = child_with_parent(world, 7)
    plan = plan_for(world)
    client = Client()
    sign_in(client, parent_user)
    assert client.get(detail(plan)).status_code == 200
    assert plan_role(parent_user, plan) == PlanRole.REPRESENTATIVE


def test_parent_of_a_12_to_15_year_old_does_not_see_private_goals(world: World) -> None:
    parent_user = child_with_parent(world, 14)
    plan = plan_for(world)
    services.add_goal(actor=None, plan=plan, data={"text": "Hemmelig mål", "private_to_parents": True})
    client = Client()
    sign_in(client, parent_user)
    page = client.get(detail(plan)).content.decode()
    assert "Gå 1 km uten hjelp" in page and "Hemmelig mål" not in page


def test_a_measure_does_not_name_a_private_goal_to_the_parents(world: World) -> None:
    """The measure is shown, as every measure is; the private goal it serves is not named beside it."""
    parent_user = child_with_parent(world, 14)
    plan = plan_for(world)
    private = services.add_goal(
        actor=None, plan=plan, data={"text": "Hemmelig mål", "private_to_parents": True}
    )
    shared = plan.goals.get(private_to_parents=False)
    services.add_measure(
        actor=None,
        plan=plan,
        data={
            "title": "Samtaler med helsesykepleier",
            "goals": [shared, private],
            "responsible_organisation": world.school,
        },
    )
    client = Client()
    sign_in(client, parent_user)
    page = client.get(detail(plan)).content.decode()
    assert "Samtaler med helsesykepleier" in page and "Gå 1 km uten hjelp" in page
    assert "Hemmelig mål" not in page
    # The coordinator sees which goals the measure serves, the private one included.
    assert "Hemmelig mål" in client_for(world, "coordinator").get(detail(plan)).content.decode()


def test_parent_of_a_16_year_old_has_no_access(world: World) -> None:
    parent_user = child_with_parent(world, 16)
    plan = plan_for(world)
    client = Client()
    sign_in(client, parent_user)
    assert client.get(detail(plan)).status_code == 404


def test_confidential_address_ends_representation(world: World) -> None:
    parent_user = child_with_parent(world, 7)
    plan = plan_for(world)
    plan.person.address_protection = AddressProtection.STRICTLY_CONFIDENTIAL
    plan.person.save()
    assert plan_role(parent_user, IndividualPlan.objects.get(pk=plan.pk)) is None


def test_the_person_under_16_does_not_read_their_plan_alone(world: World) -> None:
    young_user = UserFactory()
    world.patient = PersonFactory(birth_date=born_years_ago(14, days=0), user=young_user)
    plan = plan_for(world)
    assert plan_role(young_user, plan) is None


# Editing: who may, and nothing is silently overwritten


def test_only_the_coordinator_edits_the_plan(world: World) -> None:
    plan = plan_for(world)
    for persona in ("team_member", "patient_user", "ke_officer"):
        response = client_for(world, persona).post(
            reverse("plans:plan_edit", kwargs={"pk": plan.pk}),
            {"what_matters": "Overskrevet", "version": plan.version},
        )
        assert response.status_code == 404
    assert IndividualPlan.objects.get(pk=plan.pk).what_matters == "Å gå tur med hunden"


def test_plan_edit_conflict_shows_both_versions(world: World) -> None:
    plan = plan_for(world)
    url = reverse("plans:plan_edit", kwargs={"pk": plan.pk})
    stale_version = plan.version
    services.update_plan(
        actor=None, plan=plan, data={"needs": "Endret av en annen"}, expected_version=plan.version
    )
    client = english(world, "coordinator")
    response = client.post(
        url, {"what_matters": "Min versjon", "needs": "Min tekst", "version": stale_version}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Saved by someone else meanwhile" in page
    assert "Endret av en annen" in page and "Min tekst" in page
    assert IndividualPlan.objects.get(pk=plan.pk).needs == "Endret av en annen"
    # Saving again is a deliberate choice: the form now carries the current version.
    current = IndividualPlan.objects.get(pk=plan.pk).version
    response = client.post(url, {"what_matters": "Min versjon", "needs": "Min tekst", "version": current})
    assert response.status_code == 302
    assert IndividualPlan.objects.get(pk=plan.pk).needs == "Min tekst"


def test_plan_period_out_of_order_is_a_clear_message(world: World) -> None:
    plan = plan_for(world)
    response = english(world, "coordinator").post(
        reverse("plans:plan_edit", kwargs={"pk": plan.pk}),
        {
            "what_matters": "Beholdt tekst",
            "period_start": "2026-06-01",
            "period_end": "2026-01-01",
            "version": plan.version,
        },
    )
    page = response.content.decode()
    assert "The end date cannot be before the start date." in page
    assert "Beholdt tekst" in page


def test_goal_with_scale_and_conflict(world: World) -> None:
    plan = plan_for(world)
    client = english(world, "coordinator")
    response = client.post(
        reverse("plans:goal_add", kwargs={"pk": plan.pk}),
        {
            "text": "Sykle til butikken",
            "life_area": "participation",
            "status": "active",
            "level_minus_2": "Ikke sykle",
            "level_0": "Sykle med følge",
            "baseline": "-2",
            "importance": "3",
            "difficulty": "",
        },
    )
    assert "Give both importance and difficulty, or neither." in response.content.decode()
    assert "Sykle til butikken" in response.content.decode()
    assert not Goal.objects.filter(text="Sykle til butikken").exists()
    response = client.post(
        reverse("plans:goal_add", kwargs={"pk": plan.pk}),
        {"text": "Sykle til butikken", "status": "active", "level_0": "Sykle med følge", "baseline": "-2"},
    )
    assert response.status_code == 302
    goal = Goal.objects.get(text="Sykle til butikken")
    assert goal.written_by == world.coordinator and goal.written_by_name == world.coordinator.display_name
    out_of_scale = client.post(
        reverse("plans:goal_edit", kwargs={"pk": goal.pk}),
        {"text": "Sykle", "status": "active", "baseline": "3", "version": goal.version},
    )
    assert out_of_scale.status_code == 200
    assert Goal.objects.get(pk=goal.pk).baseline == -2


def test_sub_goals_stay_two_levels(world: World) -> None:
    plan = plan_for(world)
    main = plan.goals.get()
    sub = services.add_goal(actor=None, plan=plan, data={"text": "Delmål", "parent": main})
    with pytest.raises(ValidationError):
        services.add_goal(actor=None, plan=plan, data={"text": "Under-delmål", "parent": sub})


def test_a_sub_goal_is_added_through_the_form(world: World) -> None:
    plan = plan_for(world)
    main = plan.goals.get()
    client = english(world, "coordinator")
    url = reverse("plans:goal_add", kwargs={"pk": plan.pk})
    page = client.get(url, {"parent": main.pk}).content.decode()
    assert f'<option value="{main.pk}" selected>' in page
    response = client.post(
        url, {"text": "Sykle til skolen", "parent": main.pk, "status": "active", "baseline": "-1"}
    )
    assert response.status_code == 302, response.content.decode()
    assert Goal.objects.get(text="Sykle til skolen").parent == main
    # A sub-goal's sub-goal is still refused, in the form as in the service.
    sub = Goal.objects.get(text="Sykle til skolen")
    response = client.post(
        url, {"text": "Under-delmål", "parent": sub.pk, "status": "active", "baseline": "-1"}
    )
    assert response.status_code == 200
    assert not Goal.objects.filter(text="Under-delmål").exists()


def test_measure_needs_someone_responsible_and_keeps_what_was_typed(world: World) -> None:
    plan = plan_for(world)
    response = english(world, "coordinator").post(
        reverse("plans:measure_add", kwargs={"pk": plan.pk}),
        {
            "title": "Svømming",
            "scope": "En gang i uka",
            "status": "planned",
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
        },
    )
    page = response.content.decode()
    assert "Say who is responsible: a participant or an organisation." in page
    assert "The end date cannot be before the start date." in page
    assert "Svømming" in page and "En gang i uka" in page
    assert not Measure.objects.filter(title="Svømming").exists()


def test_a_full_participant_edits_only_their_own_measures(world: World) -> None:
    plan = plan_for(world)
    own = plan.measures.get()
    other = services.add_measure(
        actor=None, plan=plan, data={"title": "Logopedi", "responsible_organisation": world.physio}
    )
    client = client_for(world, "team_member")
    data = {
        "title": "Gangtrening ute",
        "status": "ongoing",
        "responsible_participant": own.responsible_participant_id,
        "version": own.version,
    }
    assert client.post(reverse("plans:measure_edit", kwargs={"pk": own.pk}), data).status_code == 302
    assert Measure.objects.get(pk=own.pk).title == "Gangtrening ute"
    assert client.get(reverse("plans:measure_edit", kwargs={"pk": other.pk})).status_code == 404
    with pytest.raises(PermissionDenied):
        services.update_measure(
            actor=world.team_member, measure=other, data={"title": "X"}, expected_version=other.version
        )


def test_a_limited_participant_edits_nothing(world: World) -> None:
    plan = plan_for(world, access_level=AccessLevel.LIMITED)
    measure = plan.measures.get()
    with pytest.raises(PermissionDenied):
        services.update_measure(
            actor=world.team_member, measure=measure, data={"title": "X"}, expected_version=measure.version
        )
    with pytest.raises(PermissionDenied):
        services.add_note(actor=world.team_member, plan=plan, text="Notat")


def test_measure_goals_must_be_of_the_same_plan(world: World) -> None:
    plan = plan_for(world)
    other_person = PersonFactory()
    other_goal = Goal(plan=plan, text="x")  # unsaved goal of this plan is fine; one of another plan is not
    assert other_goal.plan_id == plan.pk
    foreign = Goal.objects.create(plan=IndividualPlanFactory(person=other_person), text="Fremmed")
    with pytest.raises(ValidationError):
        services.add_measure(
            actor=None,
            plan=plan,
            data={"title": "T", "responsible_organisation": world.physio, "goals": [foreign]},
        )


def test_add_a_professional_participant(world: World) -> None:
    plan = plan_for(world)
    nurse = MembershipFactory(organisation=world.physio, role="team_member").user
    membership = nurse.memberships.get()
    client = english(world, "coordinator")
    response = client.post(
        reverse("plans:participant_add", kwargs={"pk": plan.pk}),
        {
            "kind": "professional",
            "membership": membership.pk,
            "role": "Sykepleier",
            "access_level": "limited",
        },
    )
    assert response.status_code == 302
    participant = plan.participants.get(user=nurse)
    assert participant.organisation == world.physio and participant.access_level == AccessLevel.LIMITED
    # A relative needs a name.
    response = client.post(
        reverse("plans:participant_add", kwargs={"pk": plan.pk}),
        {"kind": "relative", "role": "Kone", "access_level": "full"},
    )
    assert "Write the relative&#x27;s name." in response.content.decode()
    # Every other participant needs a role, and what was typed stays in the form.
    response = client.post(
        reverse("plans:participant_add", kwargs={"pk": plan.pk}),
        {"kind": "relative", "name": "Kari Nordmann", "role": "", "access_level": "full"},
    )
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert "Kari Nordmann" in response.content.decode()


PERSONS_ROLE = {
    "en": "The person the plan is for",
    "nb": "Personen planen gjelder",
    "nn": "Personen planen gjeld",
}


@pytest.mark.parametrize("language", ["en", "nb", "nn"])
def test_the_persons_role_is_shown_in_the_readers_language(world: World, language: str) -> None:
    plan = plan_for(world)
    person = plan.participants.get(kind=ParticipantKind.PERSON)
    assert person.role == ""  # no words of the plan maker's language are kept
    words = PERSONS_ROLE[language]
    client = client_as(world.coordinator, language=language)
    assert words in client.get(reverse("plans:plan_detail", kwargs={"pk": plan.pk})).content.decode()
    # The printed plan is in the person's language (Bokmål here), whoever prints it.
    printed = client.get(reverse("plans:plan_print", kwargs={"pk": plan.pk})).content.decode()
    assert PERSONS_ROLE["nb"] in printed
    portal = client_as(world.patient_user, language=language).get(
        reverse("portal:plan", kwargs={"pk": world.patient.pk})
    )
    assert words in portal.content.decode()
    # Its edit form asks for no role; saving it keeps none.
    url = reverse("plans:participant_edit", kwargs={"pk": person.pk})
    data = {"version": person.version, "role": "", "contribution": "Sier hva som er viktig"}
    assert client.post(url, data | {"access_level": "full"}).status_code == 302
    person.refresh_from_db()
    assert (person.role, person.contribution) == ("", "Sier hva som er viktig")
    # Anyone else has a role in words, whichever way they are added.
    with pytest.raises(ValidationError) as error, translation.override("en"):
        services.add_participant(
            actor=None, plan=plan, data={"kind": ParticipantKind.RELATIVE, "name": "Kari", "role": ""}
        )
    assert error.value.messages == ["Write the participant's role in the plan."]


def test_notes_by_participants(world: World) -> None:
    plan = plan_for(world)
    client = english(world, "team_member")
    response = client.post(
        reverse("plans:note_add", kwargs={"pk": plan.pk}), {"text": "Gikk 500 meter i dag"}
    )
    assert response.status_code == 302
    note = PlanNote.objects.get()
    assert note.author == world.team_member and note.author_name == world.team_member.display_name
    empty = client.post(reverse("plans:note_add", kwargs={"pk": plan.pk}), {"text": ""})
    assert empty.status_code == 400
    long_text = "x" * 4001
    too_long = client.post(reverse("plans:note_add", kwargs={"pk": plan.pk}), {"text": long_text})
    assert too_long.status_code == 400 and long_text in too_long.content.decode()


def test_linked_sub_plans(world: World) -> None:
    plan = plan_for(world)
    client = english(world, "coordinator")
    response = client.post(
        reverse("plans:sub_plan_add", kwargs={"pk": plan.pk}),
        {"kind": "education", "title": "IOP 2026/27", "held_by": world.school.pk, "reference": "Sak 26/112"},
    )
    assert response.status_code == 302
    page = client.get(detail(plan)).content.decode()
    assert "IOP 2026/27" in page and "Sak 26/112" in page
    sub_plan = plan.sub_plans.get()
    assert (
        client_for(world, "team_member")
        .post(reverse("plans:sub_plan_remove", kwargs={"pk": sub_plan.pk}))
        .status_code
        == 404
    )
    assert client.post(reverse("plans:sub_plan_remove", kwargs={"pk": sub_plan.pk})).status_code == 302
    assert not plan.sub_plans.exists()


# Who does what by when


def test_timeline_in_time_order(world: World) -> None:
    plan = plan_for(world, active=True)
    today = timezone.localdate()
    measure = plan.measures.get()
    services.update_measure(
        actor=None,
        measure=measure,
        data={"starts_on": today + timedelta(days=3), "ends_on": today + timedelta(days=40)},
        expected_version=measure.version,
    )
    services.update_plan(
        actor=None,
        plan=plan,
        data={"next_revision": today + timedelta(days=20)},
        expected_version=IndividualPlan.objects.get(pk=plan.pk).version,
    )
    page = (
        english(world, "coordinator")
        .get(reverse("plans:plan_timeline", kwargs={"pk": plan.pk}))
        .content.decode()
    )
    starts = page.index("Starts: Gangtrening")
    revision = page.index("Revision of the plan")
    ends = page.index("Ends: Gangtrening")
    assert starts < revision < ends


def test_my_plans_lists_tasks_and_persons_without_plan(world: World) -> None:
    plan = plan_for(world, active=True)
    other = PersonFactory(given_name="Kari", family_name="Uten")
    world.patient = other
    give_consent(world)
    appoint(world)
    page = english(world, "coordinator").get(reverse("plans:mine")).content.decode()
    assert plan.person.full_name in page
    assert "Kari Uten" in page and reverse("plans:plan_create", kwargs={"pk": other.pk}) in page
    teacher_page = english(world, "team_member").get(reverse("plans:mine")).content.decode()
    assert "Measure: Gangtrening" in teacher_page
    assert "Kari Uten" not in teacher_page


def test_my_plans_tells_the_coordinator_what_to_look_at_in_each_plan(world: World) -> None:
    plan = plan_for(world, active=True)
    plan.measures.update(ends_on=timezone.localdate() - timedelta(days=1))
    goal = plan.goals.get(text="Gå 1 km uten hjelp")
    services.rate_progress(actor=world.patient_user, goal=goal, attainment=0)
    services.rate_progress(actor=world.patient_user, goal=goal, attainment=1)
    services.send_message(actor=world.patient_user, plan=plan, text="Kan vi flytte møtet?")
    page = english(world, "coordinator").get(reverse("plans:mine")).content.decode()
    assert "1 measure past its end" in page
    assert "1 unread message" in page and reverse("plans:messages", kwargs={"pk": plan.pk}) in page
    assert "2 own ratings since the last evaluation" in page
    # Opening the conversation reads the message; only the coordinator is told in this list.
    english(world, "coordinator").get(reverse("plans:messages", kwargs={"pk": plan.pk}))
    assert "unread message" not in english(world, "coordinator").get(reverse("plans:mine")).content.decode()
    teacher_page = english(world, "team_member").get(reverse("plans:mine")).content.decode()
    assert plan.person.full_name in teacher_page
    assert "past its end" not in teacher_page and "own rating" not in teacher_page


def test_start_a_plan_from_the_page(world: World) -> None:
    give_consent(world)
    appoint(world)
    client = english(world, "coordinator")
    url = reverse("plans:plan_create", kwargs={"pk": world.patient.pk})
    response = client.post(url, follow=True)
    assert "The plan was started as a draft." in response.content.decode()
    plan = IndividualPlan.objects.get(person=world.patient)
    again = client.get(url).content.decode()
    assert "already has an individual plan" in again and detail(plan) in again


# Documents


def test_print_has_every_element_in_the_persons_language(world: World) -> None:
    plan = plan_for(world, active=True)
    world.patient.preferred_language = "nn"
    world.patient.save()
    page = (
        english(world, "coordinator")
        .get(reverse("plans:plan_print", kwargs={"pk": plan.pk}))
        .content.decode()
    )
    assert '<html lang="nn">' in page
    for letter in "abcdefghi":
        assert f"{letter}. " in page
    assert "Gå 1 km uten hjelp" in page and "Gangtrening" in page and "To ganger i uka" in page


def test_pdf_is_a_tagged_pdf_and_logged_as_print(world: World) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    plan = plan_for(world, active=True)
    response = client_for(world, "patient_user").get(reverse("plans:plan_pdf", kwargs={"pk": plan.pk}))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    # Words that fit their column are not broken ("Tilretteleggi ng" once, the measure's title at times).
    assert "Gangtrening" in text and "Tilrettelegging" in text
    assert AccessRecord.objects.filter(channel="print", object_id=str(plan.pk)).count() == 1
    assert world.patient.national_id not in response["Content-Disposition"]


def test_record_notice_json_has_no_plan_content(world: World) -> None:
    plan = plan_for(world, active=True)
    response = client_for(world, "team_member").get(
        reverse("plans:record_notice_json", kwargs={"pk": plan.pk})
    )
    notice = json.loads(response.content)
    assert notice["has_individual_plan"] is True
    assert notice["coordinators"][0]["name"] == world.coordinator.display_name
    assert notice["coordinators"][0]["organisation"] == world.physio.name
    body = response.content.decode()
    assert "Gå 1 km" not in body and "Gangtrening" not in body and world.patient.national_id not in body
    assert (
        client_for(world, "system_admin")
        .get(reverse("plans:record_notice_json", kwargs={"pk": plan.pk}))
        .status_code
        == 404
    )


def test_the_unit_sees_on_the_person_page_that_a_plan_exists_not_what_it_says(world: World) -> None:
    plan = plan_for(world, active=True)
    page = english(world, "ke_officer").get(
        reverse("registry:person_detail", kwargs={"pk": world.patient.pk})
    )
    text = page.content.decode()
    assert "Active" in text and reverse("plans:record_notice", kwargs={"pk": plan.pk}) in text
    assert f'href="{detail(plan)}"' not in text
    assert "hunden" not in text and "Gå 1 km" not in text


@pytest.mark.parametrize(
    ("persona", "role"),
    [("coordinator", "plan:coordinator"), ("team_member", "plan:full"), ("patient_user", "plan:person")],
)
def test_the_access_record_names_the_role_that_allowed_the_read(
    world: World, persona: str, role: str
) -> None:
    plan = plan_for(world)
    client_for(world, persona).get(detail(plan))
    assert AccessRecord.objects.filter(object_id=str(plan.pk)).latest("at").actor_role == role


def test_who_has_seen_the_plan(world: World) -> None:
    plan = plan_for(world)
    client_for(world, "team_member").get(detail(plan))
    client_for(world, "ke_officer").get(reverse("registry:person_detail", kwargs={"pk": world.patient.pk}))
    page = english(world, "patient_user").get(reverse("plans:plan_access_log", kwargs={"pk": plan.pk}))
    text = page.content.decode()
    assert world.team_member.display_name in text and "Participant in the plan, Bodø skole" in text
    assert world.ke_officer.display_name in text and "Person page" in text
    # Newest first: the unit's read came after the teacher's.
    assert text.index(world.ke_officer.display_name) < text.index(world.team_member.display_name)
    for persona in ("team_member", "ke_officer", "system_admin"):
        assert (
            client_for(world, persona)
            .get(reverse("plans:plan_access_log", kwargs={"pk": plan.pk}))
            .status_code
            == 404
        )


def test_who_has_seen_hides_the_persons_own_reads_until_asked(world: World) -> None:
    plan = plan_for(world)
    patient = english(world, "patient_user")
    for _ in range(3):
        patient.get(detail(plan))
    client_for(world, "team_member").get(detail(plan))
    log = reverse("plans:plan_access_log", kwargs={"pk": plan.pk})
    text = patient.get(log).content.decode()
    assert world.team_member.display_name in text
    assert world.patient_user.display_name not in text.split("<table", 1)[1]
    # Three reads of the plan and this one of the log.
    assert "4 reads by the person or by you are not shown." in text
    assert 'href="?own=1"' in text
    shown = patient.get(log, {"own": "1"}).content.decode().split("<table", 1)[1]
    # Others' reads first, then the person's own, although the person's are not the newest.
    assert world.patient_user.display_name in shown
    assert shown.index(world.team_member.display_name) < shown.index(world.patient_user.display_name)


def test_who_has_seen_is_paged_and_the_pages_keep_the_filter(world: World) -> None:
    plan = plan_for(world)
    AccessRecord.objects.bulk_create(
        AccessRecord(
            actor=world.team_member,
            actor_name=world.team_member.display_name,
            person_id=plan.person_id,
            object_type="plan",
            object_id=str(plan.pk),
            purpose=ReadPurpose.PLAN,
            channel=Channel.WEB,
        )
        for _ in range(60)
    )
    patient = english(world, "patient_user")
    log = reverse("plans:plan_access_log", kwargs={"pk": plan.pk})
    first = patient.get(log).content.decode()
    assert first.count(world.team_member.display_name) == 50
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    second = patient.get(log, {"page": "2"}).content.decode()
    assert second.count(world.team_member.display_name) == 10 and 'href="?page=1"' in second
    assert 'href="?page=2&amp;own=1"' in patient.get(log, {"own": "1"}).content.decode()


def test_the_16th_birthday_ends_a_parents_access(world: World) -> None:
    from unittest import mock

    parent_user = child_with_parent(world, 15)
    plan = plan_for(world)
    birthday = plan.person.birth_date.replace(year=plan.person.birth_date.year + 16)
    eve = birthday - timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=eve):
        assert plan_role(parent_user, plan) == PlanRole.PARENT_OF_YOUTH
    with mock.patch("django.utils.timezone.localdate", return_value=birthday):
        assert plan_role(parent_user, plan) is None


@pytest.mark.parametrize(("access_level", "sees"), [(AccessLevel.FULL, True), (AccessLevel.LIMITED, False)])
def test_each_goal_shows_the_persons_latest_own_rating_to_readers_of_the_whole_plan(
    world: World, access_level: str, sees: bool
) -> None:
    plan = plan_for(world, active=True, access_level=access_level)
    goal = plan.goals.get(text="Gå 1 km uten hjelp")
    services.rate_progress(actor=world.patient_user, goal=goal, attainment=-1, comment="Tungt i bakkene")
    services.rate_progress(actor=world.patient_user, goal=goal, attainment=1, comment="Gikk halvveien")
    coordinator = english(world, "coordinator").get(detail(plan)).content.decode()
    assert "The person&#x27;s latest own rating: +1" in coordinator and "Gikk halvveien" in coordinator
    assert "Tungt i bakkene" not in coordinator
    team = english(world, "team_member").get(detail(plan))
    assert team.status_code == 200
    assert ("Gikk halvveien" in team.content.decode()) is sees
    assert ("latest own rating" in team.content.decode()) is sees
