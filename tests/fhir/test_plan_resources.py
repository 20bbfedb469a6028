"""The individual plan through the API: CarePlan, Goal and CareTeam read and searched exactly as the pages
show them (private goals, limited participants, parents and the age rules), every read recorded, `_include`
and `_revinclude` through the same policy, and the CapabilityStatement walked with real values."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.goal import Goal as FhirGoal

from vegviser.access.models import Consent
from vegviser.audit.models import AccessRecord, Channel, ReadPurpose
from vegviser.episodes.models import Episode, LevelOfCare
from vegviser.plans import services
from vegviser.plans.models import AccessLevel, Goal, IndividualPlan
from vegviser.plans.services.person_side import rate_progress
from vegviser.registry.models import MembershipRole, Organisation

from ..conftest import World
from ..episodes.test_episodes import stroke_stay
from ..factories import (
    ConsentFactory,
    CoordinatorAssignmentFactory,
    MembershipFactory,
    PersonFactory,
    habilitation_unit,
    rehabilitation_unit,
)
from ..plans.helpers import child_with_parent, plan_for
from ..plans.large_plan import first_plan
from .conftest import CLIENT_NAME, FHIR, api, token_for
from .test_api import body, outcome

MODELS: dict[str, Any] = {
    "CarePlan": CarePlan,
    "Goal": FhirGoal,
    "CareTeam": CareTeam,
    "EpisodeOfCare": EpisodeOfCare,
}


def validated(response: Any) -> dict[str, Any]:
    """The body, checked as R4 (fhir.resources' R4B models validate R4's resources)."""
    assert response.status_code == 200, response.content
    data = body(response)
    if data["resourceType"] == "Bundle":
        bundle = Bundle.model_validate(data)
        for entry in bundle.entry or []:
            assert entry.resource is not None
    else:
        MODELS[data["resourceType"]].model_validate(data)
    return data


def ids(bundle: dict[str, Any], mode: str = "match", type_name: str | None = None) -> list[str]:
    return [
        entry["resource"]["id"]
        for entry in bundle.get("entry", [])
        if entry["search"]["mode"] == mode and type_name in (None, entry["resource"]["resourceType"])
    ]


def second_goal(plan: IndividualPlan, text: str = "Sykle til skolen", **data: Any) -> Goal:
    """A goal no measure serves: a limited participant does not see it."""
    return services.add_goal(actor=None, plan=plan, data={"text": text, "level_0": "Hver dag", **data})


# Reading one plan


def test_the_coordinator_reads_the_plan_as_a_care_plan_and_the_read_is_recorded(
    world: World, plan: IndividualPlan
) -> None:
    response = api(token_for(world.coordinator)).get(f"{FHIR}/CarePlan/{plan.pk}")
    care_plan = validated(response)
    assert response["ETag"] == f'W/"{plan.version}"'
    assert care_plan["status"] == "draft"
    assert care_plan["intent"] == "plan"
    assert care_plan["subject"]["reference"] == f"Patient/{world.patient.pk}"
    assert care_plan["careTeam"] == [{"reference": f"CareTeam/{plan.pk}"}]
    assert care_plan["author"]["display"] == world.coordinator.display_name
    goal = plan.goals.get()
    assert care_plan["goal"] == [{"reference": f"Goal/{goal.pk}"}]
    [activity] = care_plan["activity"]
    assert activity["detail"]["kind"] == "ServiceRequest"
    assert activity["detail"]["status"] == "not-started"
    assert activity["detail"]["goal"] == [{"reference": f"Goal/{goal.pk}"}]
    # The measure is described inline: ServiceRequest is no type of this API.
    assert "reference" not in activity
    record = AccessRecord.objects.get(person_id=world.patient.pk, object_id=str(plan.pk))
    assert (record.channel, record.client, record.purpose) == (Channel.API, CLIENT_NAME, ReadPurpose.API_READ)
    assert record.actor_role == "plan:coordinator"


def test_a_goal_keeps_its_lifecycle_apart_from_its_achievement(world: World, plan: IndividualPlan) -> None:
    goal = plan.goals.get()
    client = api(token_for(world.coordinator))
    read = validated(client.get(f"{FHIR}/Goal/{goal.pk}"))
    assert read["lifecycleStatus"] == "active"
    assert read["achievementStatus"]["coding"][0]["code"] == "in-progress"
    assert read["target"] == [{"measure": {"text": "Goal attainment scaling (GAS)"}, "detailInteger": 0}]
    assert {"text": "0: 1 km"} in read["note"]
    rate_progress(actor=None, goal=goal, attainment=0)
    read = validated(client.get(f"{FHIR}/Goal/{goal.pk}"))
    assert read["lifecycleStatus"] == "active"
    assert read["achievementStatus"]["coding"][0]["code"] == "achieved"
    assert read["outcomeCode"] == [{"text": "GAS 0"}]
    assert AccessRecord.objects.filter(object_id=str(goal.pk), channel=Channel.API).count() == 2


def test_a_goal_the_person_wrote_is_expressed_by_the_patient(world: World, plan: IndividualPlan) -> None:
    own = second_goal(plan, "Ta bussen alene")
    Goal.objects.filter(pk=own.pk).update(written_by=world.patient_user)
    client = api(token_for(world.coordinator))
    assert validated(client.get(f"{FHIR}/Goal/{own.pk}"))["expressedBy"]["reference"] == (
        f"Patient/{world.patient.pk}"
    )
    other = validated(client.get(f"{FHIR}/Goal/{plan.goals.exclude(pk=own.pk).get().pk}"))
    assert "reference" not in other.get("expressedBy", {})


def test_the_care_team_names_the_participants_and_their_roles(world: World, plan: IndividualPlan) -> None:
    team = validated(api(token_for(world.coordinator)).get(f"{FHIR}/CareTeam/{plan.pk}"))
    roles = {participant["role"][0]["text"]: participant for participant in team["participant"]}
    assert roles["Kontaktlærer"]["onBehalfOf"]["reference"] == f"Organization/{world.school.pk}"
    assert roles["Kontaktlærer"]["member"]["display"] == world.team_member.display_name
    assert team["subject"]["reference"] == f"Patient/{world.patient.pk}"
    assert team["status"] == "proposed"


# Who may read: the token kinds × the three resources × the demo's people


@pytest.mark.parametrize("resource", ["CarePlan", "CareTeam", "Goal"])
@pytest.mark.parametrize(
    ("persona", "may_read"),
    [
        ("coordinator", True),  # coordinates the plan
        ("team_member", True),  # takes part, the consent covers the school
        ("patient_user", True),  # the person, over 16
        ("ke_officer", False),  # keeps the registry of the municipality, not the plan's content
        ("outsider", False),  # the coordinator's own service, not in the plan
        ("elsewhere", False),  # another organisation
        ("ke_officer_tromso", False),
        ("system_admin", False),  # sees no health data
    ],
)
def test_who_may_read_the_plan_through_the_api(
    world: World,
    plan: IndividualPlan,
    request: pytest.FixtureRequest,
    resource: str,
    persona: str,
    may_read: bool,
) -> None:
    user = getattr(world, persona, None) or request.getfixturevalue(persona)
    client = api(token_for(user))
    pk = plan.goals.get().pk if resource == "Goal" else plan.pk
    read = client.get(f"{FHIR}/{resource}/{pk}")
    searched = validated(client.get(f"{FHIR}/{resource}", {"patient": f"Patient/{world.patient.pk}"}))
    if may_read:
        assert validated(read)["id"] == str(pk)
        assert ids(searched) == [str(pk)]
        assert AccessRecord.objects.filter(person_id=world.patient.pk, actor=user, channel="api").count() == 2
    else:
        assert outcome(read, 404).issue[0].code == "not-found"
        assert searched["total"] == 0
        assert not AccessRecord.objects.filter(person_id=world.patient.pk, actor=user).exists()


@pytest.mark.parametrize(("age", "may_read"), [(10, True), (16, False)])
def test_a_parents_app_reads_the_childs_plan_until_the_child_turns_16(
    world: World, age: int, may_read: bool
) -> None:
    parent = child_with_parent(world, age)
    plan = plan_for(world)
    client = api(token_for(parent))
    for resource in ("CarePlan", "CareTeam"):
        response = client.get(f"{FHIR}/{resource}/{plan.pk}")
        if may_read:
            validated(response)
        else:
            outcome(response, 404)
    assert (body(client.get(f"{FHIR}/Goal"))["total"] == 1) is may_read


def test_a_goal_the_young_person_keeps_private_is_not_sent_to_the_parents(world: World) -> None:
    parent = child_with_parent(world, 14)
    plan = plan_for(world)
    private = second_goal(plan, "Ha en kjæreste", private_to_parents=True)
    shared = plan.goals.exclude(pk=private.pk).get()
    parent_client = api(token_for(parent))
    care_plan = validated(parent_client.get(f"{FHIR}/CarePlan/{plan.pk}"))
    assert care_plan["goal"] == [{"reference": f"Goal/{shared.pk}"}]
    outcome(parent_client.get(f"{FHIR}/Goal/{private.pk}"), 404)
    assert ids(validated(parent_client.get(f"{FHIR}/Goal"))) == [str(shared.pk)]
    included = validated(parent_client.get(f"{FHIR}/CarePlan", {"_include": "CarePlan:goal"}))
    assert ids(included, "include") == [str(shared.pk)]
    assert "Ha en kjæreste" not in json.dumps(included)
    # The coordinator sees both.
    coordinator = api(token_for(world.coordinator))
    assert len(validated(coordinator.get(f"{FHIR}/CarePlan/{plan.pk}"))["goal"]) == 2


def test_a_participant_whose_consent_is_withdrawn_reads_the_plan_no_more(
    world: World, plan: IndividualPlan
) -> None:
    client = api(token_for(world.team_member))
    validated(client.get(f"{FHIR}/CarePlan/{plan.pk}"))
    Consent.objects.filter(person=world.patient).delete()
    for resource, pk in (("CarePlan", plan.pk), ("CareTeam", plan.pk), ("Goal", plan.goals.get().pk)):
        outcome(client.get(f"{FHIR}/{resource}/{pk}"), 404)
    assert body(client.get(f"{FHIR}/CarePlan"))["total"] == 0


def test_a_limited_participant_sees_only_their_own_part(world: World) -> None:
    plan = plan_for(world, access_level=AccessLevel.LIMITED)
    served = plan.goals.get()
    other = second_goal(plan)
    client = api(token_for(world.team_member))
    care_plan = validated(client.get(f"{FHIR}/CarePlan/{plan.pk}"))
    assert care_plan["goal"] == [{"reference": f"Goal/{served.pk}"}]
    assert len(care_plan["activity"]) == 1
    assert "author" not in care_plan
    outcome(client.get(f"{FHIR}/Goal/{other.pk}"), 404)
    team = validated(client.get(f"{FHIR}/CareTeam/{plan.pk}"))
    assert [p["member"]["display"] for p in team["participant"]] == [world.team_member.display_name]
    full_team = validated(api(token_for(world.coordinator)).get(f"{FHIR}/CareTeam/{plan.pk}"))
    assert len(full_team["participant"]) > 1


@pytest.mark.parametrize("scope", ["user/Patient.rs", "user/Goal.rs", "patient/*.rs", "system/*.rs"])
def test_a_token_without_the_plans_scope_is_refused(world: World, plan: IndividualPlan, scope: str) -> None:
    response = api(token_for(world.coordinator, scope)).get(f"{FHIR}/CarePlan/{plan.pk}")
    assert outcome(response, 403).issue[0].code == "forbidden"
    assert not AccessRecord.objects.exists()


# Searching


def test_care_plan_search_by_the_official_parameters(world: World, plan: IndividualPlan) -> None:
    today = timezone.localdate()
    data = {name: getattr(plan, name) for name in services.HEADER_FIELDS}
    data |= {"period_start": today, "period_end": today + timedelta(days=365)}
    services.update_plan(actor=None, plan=plan, data=data, expected_version=plan.version)
    client = api(token_for(world.coordinator))
    me = [str(plan.pk)]

    def found(**parameters: str) -> list[str]:
        return ids(validated(client.get(f"{FHIR}/CarePlan", parameters)))

    assert found(patient=str(world.patient.pk)) == me
    assert found(subject=f"Patient/{world.patient.pk}") == me
    assert found(**{"subject:Patient": str(world.patient.pk)}) == me
    assert found(patient=f"Patient/{world.person_tromso.pk}") == []
    assert found(status="draft") == me
    assert found(status="active,completed") == []
    assert found(**{"status:not": "active"}) == me
    assert found(date=f"ge{today.isoformat()}") == me
    assert found(date=f"le{(today - timedelta(days=1)).isoformat()}") == []
    assert found(date=f"gt{(today + timedelta(days=400)).isoformat()}") == []
    assert found(date=str(today.year)) == []  # the period does not lie within the year
    assert found(**{"care-team": f"CareTeam/{plan.pk}"}) == me
    assert found(goal=f"Goal/{plan.goals.get().pk}") == me
    assert found(_id=str(plan.pk)) == me
    assert found(_lastUpdated=f"ge{today.isoformat()}") == me
    assert found(_lastUpdated=f"lt{today.isoformat()}") == []
    outcome(client.get(f"{FHIR}/CarePlan", {"date": "yesterday"}), 400)
    outcome(client.get(f"{FHIR}/CarePlan", {"date": "ap2026-01-01"}), 400)


def test_goal_search_by_lifecycle_and_achievement_status(world: World, plan: IndividualPlan) -> None:
    walking = plan.goals.get()
    cycling = second_goal(plan)
    rate_progress(actor=None, goal=cycling, attainment=-2)
    data = {name: getattr(walking, name) for name in services.GOAL_FIELDS}
    services.update_goal(
        actor=None, goal=walking, data={**data, "status": "on_hold"}, expected_version=walking.version
    )
    client = api(token_for(world.coordinator))

    def found(**parameters: str) -> list[str]:
        return ids(validated(client.get(f"{FHIR}/Goal", parameters)))

    assert found(**{"lifecycle-status": "on-hold"}) == [str(walking.pk)]
    assert found(**{"lifecycle-status": "active"}) == [str(cycling.pk)]
    assert found(**{"achievement-status": "worsening"}) == [str(cycling.pk)]
    assert found(**{"achievement-status": "in-progress"}) == [str(walking.pk)]
    assert found(**{"achievement-status": "achieved"}) == []
    assert sorted(found(patient=f"Patient/{world.patient.pk}")) == sorted([str(walking.pk), str(cycling.pk)])
    # A goal only proposed, never rated, tells no achievement, and is found by none.
    proposed = second_goal(plan, "Begynne på svømming", status="proposed")
    assert "achievementStatus" not in validated(client.get(f"{FHIR}/Goal/{proposed.pk}"))
    assert str(proposed.pk) not in found(**{"achievement-status": "in-progress,achieved,worsening"})
    assert str(proposed.pk) in found(**{"lifecycle-status": "proposed"})


def test_care_team_search_by_status_and_subject(world: World, plan: IndividualPlan) -> None:
    client = api(token_for(world.team_member))
    assert ids(validated(client.get(f"{FHIR}/CareTeam", {"status": "proposed"}))) == [str(plan.pk)]
    assert ids(validated(client.get(f"{FHIR}/CareTeam", {"status": "active"}))) == []
    assert ids(validated(client.get(f"{FHIR}/CareTeam", {"subject": str(world.patient.pk)}))) == [
        str(plan.pk)
    ]


def coordinated_plans(world: World, number: int) -> list[IndividualPlan]:
    """`number` more plans the world's coordinator coordinates, each with the school taking part."""
    plans = []
    for _number in range(number):
        person = PersonFactory()
        ConsentFactory(person=person, shared_with=(world.physio, world.school))
        CoordinatorAssignmentFactory(person=person, coordinator=world.coordinator, organisation=world.physio)
        plans.append(first_plan(person, actor=None, teacher=world.team_member, organisation=world.school))
    return plans


def test_paging_and_sorting_care_plans(world: World, plan: IndividualPlan) -> None:
    plans = [plan, *coordinated_plans(world, 4)]
    moments = {p.pk: timezone.now() - timedelta(days=index) for index, p in enumerate(plans)}
    for pk, moment in moments.items():
        IndividualPlan.objects.filter(pk=pk).update(updated_at=moment)
    client = api(token_for(world.coordinator))
    page = validated(client.get(f"{FHIR}/CarePlan", {"_sort": "_lastUpdated", "_count": "2"}))
    assert page["total"] == 5
    seen = ids(page)
    links = {link["relation"]: link["url"] for link in page["link"]}
    assert set(links) == {"self", "next"}
    assert "_sort=_lastUpdated" in links["next"]
    while "next" in links:
        page = validated(client.get(links["next"]))
        links = {link["relation"]: link["url"] for link in page["link"]}
        assert "previous" in links
        seen += ids(page)
    assert seen == [str(p.pk) for p in sorted(plans, key=lambda p: moments[p.pk])]
    newest_first = ids(validated(client.get(f"{FHIR}/CarePlan", {"_sort": "-_lastUpdated"})))
    assert newest_first == list(reversed(seen))
    IndividualPlan.objects.filter(pk=plans[3].pk).update(period_start=timezone.localdate())
    by_date = ids(validated(client.get(f"{FHIR}/CarePlan", {"_sort": "date"})))
    assert by_date[0] == str(plans[3].pk)
    assert client.get(f"{FHIR}/CarePlan", {"_sort": "shoe-size"}).status_code == 200
    outcome(client.get(f"{FHIR}/CarePlan", {"_sort": "shoe-size"}, HTTP_PREFER="handling=strict"), 400)


# _include and _revinclude


def test_care_plans_with_their_goals_and_care_teams_included(world: World, plan: IndividualPlan) -> None:
    client = api(token_for(world.coordinator))
    bundle = validated(
        client.get(
            f"{FHIR}/CarePlan", {"_include": ["CarePlan:goal", "CarePlan:care-team", "CarePlan:patient"]}
        )
    )
    assert ids(bundle) == [str(plan.pk)]
    assert ids(bundle, "include", "Goal") == [str(plan.goals.get().pk)]
    assert ids(bundle, "include", "CareTeam") == [str(plan.pk)]
    assert ids(bundle, "include", "Patient") == [str(world.patient.pk)]
    links = {link["relation"]: link["url"] for link in bundle["link"]}
    assert "_include=CarePlan%3Agoal" in links["self"]
    # The included goal's read is recorded as the plan's.
    assert AccessRecord.objects.filter(
        object_type="plans.goal", channel=Channel.API, client=CLIENT_NAME
    ).exists()
    assert body(client.get(f"{FHIR}/CarePlan", {"_include": "CarePlan:goal:Goal"}))["entry"][1]["search"] == {
        "mode": "include"
    }


def test_revinclude_finds_the_plans_that_point_to_the_goals(world: World, plan: IndividualPlan) -> None:
    client = api(token_for(world.team_member))
    goal = plan.goals.get()
    bundle = validated(client.get(f"{FHIR}/Goal", {"_revinclude": "CarePlan:goal"}))
    assert ids(bundle) == [str(goal.pk)]
    assert ids(bundle, "include", "CarePlan") == [str(plan.pk)]
    teams = validated(client.get(f"{FHIR}/CareTeam", {"_revinclude": "CarePlan:care-team"}))
    assert ids(teams, "include", "CarePlan") == [str(plan.pk)]
    patients = validated(client.get(f"{FHIR}/Patient", {"_revinclude": "Goal:patient"}))
    assert ids(patients, "include", "Goal") == [str(goal.pk)]


def test_an_unknown_include_is_ignored_or_refused_as_prefer_handling_asks(
    world: World, plan: IndividualPlan
) -> None:
    client = api(token_for(world.coordinator))
    for value in ("CarePlan:activity", "Goal:patient", "CarePlan:goal:Patient", "*"):
        lenient = validated(client.get(f"{FHIR}/CarePlan", {"_include": value}))
        assert ids(lenient, "include") == []
        strict = client.get(f"{FHIR}/CarePlan", {"_include": value}, HTTP_PREFER="handling=strict")
        assert outcome(strict, 400).issue[0].code == "not-supported"
    lenient = client.get(f"{FHIR}/CarePlan", {"_revinclude": "Goal:patient"}, HTTP_PREFER="handling=lenient")
    assert ids(validated(lenient), "include") == []
    outcome(client.get(f"{FHIR}/CarePlan", {"colour": "red"}, HTTP_PREFER="handling=strict"), 400)


def test_an_included_type_needs_its_own_scope(world: World, plan: IndividualPlan) -> None:
    client = api(token_for(world.coordinator, "user/CarePlan.rs"))
    validated(client.get(f"{FHIR}/CarePlan"))
    outcome(client.get(f"{FHIR}/CarePlan", {"_include": "CarePlan:goal"}), 403)


def test_twenty_care_plans_with_their_goals_in_a_bounded_number_of_queries(
    world: World, plan: IndividualPlan, django_assert_max_num_queries: Any
) -> None:
    client = api(token_for(world.coordinator))
    parameters = {"_include": ["CarePlan:goal", "CarePlan:care-team"], "_count": "20"}
    client.get(f"{FHIR}/CarePlan", parameters)  # the token's first use, the session-free client warmed
    with CaptureQueriesContext(connection) as one_plan:
        validated(client.get(f"{FHIR}/CarePlan", parameters))
    coordinated_plans(world, 19)
    with django_assert_max_num_queries(len(one_plan.captured_queries)):
        bundle = validated(client.get(f"{FHIR}/CarePlan", parameters))
    assert len(ids(bundle)) == 20
    assert len(ids(bundle, "include", "Goal")) == 20


# The CapabilityStatement, walked


def test_every_announced_search_parameter_include_and_sort_answers(
    world: World, plan: IndividualPlan
) -> None:
    """For each announced parameter a value of its type that finds the plan's resource: each answers 200 with
    a valid Bundle; each announced _include and _revinclude and each sort key too."""
    client = api(token_for(world.coordinator))
    statement = body(client.get(f"{FHIR}/metadata"))
    today = timezone.localdate().isoformat()
    goal = plan.goals.get()
    own_id = {"CarePlan": plan.pk, "CareTeam": plan.pk, "Goal": goal.pk, "Patient": world.patient.pk}
    samples = {
        "reference": lambda name: (
            f"Patient/{world.patient.pk}"
            if name in ("patient", "subject")
            else {
                "care-team": f"CareTeam/{plan.pk}",
                "goal": f"Goal/{goal.pk}",
                "organization": f"Organization/{world.physio.pk}",
            }[name]
        ),
        "date": lambda name: f"ge{today}" if name == "_lastUpdated" else "ge2000-01-01",
        "string": lambda name: "a",
    }
    tokens = {
        "status": {"CarePlan": "draft", "CareTeam": "proposed", "EpisodeOfCare": "active"},
        "type": {"EpisodeOfCare": "IMP"},
        "lifecycle-status": {"Goal": "active"},
        "achievement-status": {"Goal": "in-progress"},
    }
    for resource in statement["rest"][0]["resource"]:
        type_name = resource["type"]
        for parameter in resource.get("searchParam", []):
            name = parameter["name"]
            if parameter["type"] == "token":
                if name == "_id":
                    value = str(own_id.get(type_name, world.physio.pk))
                elif name == "identifier":
                    continue  # searched by POST with its check digits in test_api
                else:
                    value = tokens[name][type_name]
            else:
                value = samples[parameter["type"]](name)
            bundle = validated(client.get(f"{FHIR}/{type_name}", {name: value}))
            if type_name in ("CarePlan", "CareTeam", "Goal") and name != "target-date":
                assert ids(bundle) == [str(own_id[type_name])], (type_name, name)
        # The coordinator reads no episode of care: those includes answer, and add nothing.
        for include in resource.get("searchInclude", []):
            bundle = validated(client.get(f"{FHIR}/{type_name}", {"_include": include}))
            assert bool(ids(bundle, "include")) is ("EpisodeOfCare" not in (type_name, include)), include
        for revinclude in resource.get("searchRevInclude", []):
            bundle = validated(client.get(f"{FHIR}/{type_name}", {"_revinclude": revinclude}))
            found = bool(ids(bundle, "include"))
            assert found is (type_name != "Organization" and "EpisodeOfCare" not in revinclude), revinclude
        for key in {"CarePlan": ["_lastUpdated", "-date"], "Goal": ["-_lastUpdated", "target-date"]}.get(
            type_name, []
        ):
            strict = client.get(f"{FHIR}/{type_name}", {"_sort": key}, HTTP_PREFER="handling=strict")
            validated(strict)


def test_the_person_sees_the_application_that_read_their_plan(world: World, plan: IndividualPlan) -> None:
    api(token_for(world.coordinator)).get(f"{FHIR}/CarePlan", {"_include": "CarePlan:goal"})
    records = AccessRecord.objects.filter(person_id=world.patient.pk, channel=Channel.API)
    assert {record.purpose for record in records} == {ReadPurpose.API_SEARCH}
    assert {record.client for record in records} == {CLIENT_NAME}
    assert {record.object_type for record in records} >= {"plans.individualplan", "plans.goal"}


# Episodes of care


@pytest.fixture
def unit() -> Organisation:
    return rehabilitation_unit()


def stay(world: World, unit: Organisation, **fields: Any) -> Episode:
    """Per's inpatient stay at the rehabilitation unit, admitted three weeks ago."""
    return stroke_stay(world, unit=unit, **fields)


def test_the_units_staff_read_the_episode_of_care(world: World, unit: Organisation) -> None:
    episode = stay(world, unit)
    staff = MembershipFactory(organisation=unit, role=MembershipRole.EPISODE_STAFF).user
    response = api(token_for(staff)).get(f"{FHIR}/EpisodeOfCare/{episode.pk}")
    assert response.status_code == 200, response.content
    read = EpisodeOfCare.model_validate(body(response))
    assert read.status == "active"
    assert read.patient.reference == f"Patient/{world.patient.pk}"
    assert read.managingOrganization.reference == f"Organization/{unit.pk}"
    assert read.type[0].coding[0].code == "IMP"
    assert "I63" not in response.content.decode()  # the diagnoses are not part of it
    record = AccessRecord.objects.get(object_id=str(episode.pk))
    assert (record.channel, record.client, record.purpose) == (Channel.API, CLIENT_NAME, ReadPurpose.API_READ)


@pytest.mark.parametrize(
    ("persona", "may_read"),
    [
        (MembershipRole.EPISODE_STAFF, True),  # works on the unit's episodes
        (MembershipRole.ASSESSING_CLINICIAN, True),  # assesses the unit's referrals
        ("other_unit", False),  # episode staff of another unit
        ("coordinator", False),  # the person's coordinator reads the discharge summary, not the episode
        ("patient_user", False),  # the person: not through the specialist side's records
        ("system_admin", False),
    ],
)
def test_who_may_read_an_episode_of_care(
    world: World, unit: Organisation, persona: str, may_read: bool
) -> None:
    episode = stay(world, unit)
    if persona in (MembershipRole.EPISODE_STAFF, MembershipRole.ASSESSING_CLINICIAN):
        user = MembershipFactory(organisation=unit, role=persona).user
    elif persona == "other_unit":
        user = MembershipFactory(organisation=habilitation_unit(), role=MembershipRole.EPISODE_STAFF).user
    else:
        user = getattr(world, persona)
    client = api(token_for(user))
    read = client.get(f"{FHIR}/EpisodeOfCare/{episode.pk}")
    searched = validated(client.get(f"{FHIR}/EpisodeOfCare", {"patient": f"Patient/{world.patient.pk}"}))
    if may_read:
        assert read.status_code == 200
        assert ids(searched) == [str(episode.pk)]
    else:
        outcome(read, 404)
        assert searched["total"] == 0
        assert not AccessRecord.objects.filter(actor=user, object_type="episodes.episode").exists()


def test_episode_search_by_status_type_date_and_organisation(world: World, unit: Organisation) -> None:
    open_stay = stay(world, unit)
    earlier = stay(
        world,
        unit,
        level_of_care=LevelOfCare.OUTPATIENT,
        admitted_at=timezone.now() - timedelta(days=400),
        discharged_at=timezone.now() - timedelta(days=390),
    )
    client = api(token_for(MembershipFactory(organisation=unit, role=MembershipRole.EPISODE_STAFF).user))

    def found(**parameters: Any) -> list[str]:
        return ids(validated(client.get(f"{FHIR}/EpisodeOfCare", parameters)))

    assert found(status="active") == [str(open_stay.pk)]
    assert found(status="finished") == [str(earlier.pk)]
    assert found(type="AMB") == [str(earlier.pk)]
    assert found(organization=f"Organization/{unit.pk}") == [str(open_stay.pk), str(earlier.pk)]
    year_ago = (timezone.localdate() - timedelta(days=365)).isoformat()
    assert found(date=f"ge{year_ago}") == [str(open_stay.pk)]
    assert found(date=f"lt{year_ago}") == [str(earlier.pk)]
    assert found(_sort="date") == [str(earlier.pk), str(open_stay.pk)]
    with_patient = validated(
        client.get(f"{FHIR}/EpisodeOfCare", {"status": "active", "_include": "EpisodeOfCare:patient"})
    )
    # The episode names the person; the unit's staff do not read the person's record in the registry (as in
    # the pages), so the Patient is not included for them.
    assert ids(with_patient) == [str(open_stay.pk)]
    assert ids(with_patient, "include", "Patient") == []
    episodes_of_unit = validated(
        client.get(f"{FHIR}/Organization", {"_id": str(unit.pk), "_revinclude": "EpisodeOfCare:organization"})
    )
    assert sorted(ids(episodes_of_unit, "include")) == sorted([str(open_stay.pk), str(earlier.pk)])
