"""The domain as FHIR R4 resources: each resource type is mapped here, in one function, with the Norwegian
identifier systems of HL7 Norway's base profiles (no-basis).

The systems are the OIDs of no-basis's NamingSystems (HL7 Norway, basisprofiler-r4; "no-basis-foedselsnummer",
"no-basis-dnummer", "no-basis-felleshjelpenummer", "no-basis-kommunenummer") and the organisation number of
its Organization example:
  FNR  urn:oid:2.16.578.1.12.4.1.4.1    fødselsnummer (Skatteetaten)
  DNR  urn:oid:2.16.578.1.12.4.1.4.2    D-nummer (Skatteetaten)
  FHN  urn:oid:2.16.578.1.12.4.1.4.3    felles hjelpenummer (Norsk helsenett)
  ENH  urn:oid:2.16.578.1.12.4.1.4.101  organisasjonsnummer (Enhetsregisteret)
  the municipality number as a Coding in urn:oid:2.16.578.1.12.4.1.1.3402 (SSB's kommunenummer), in the
  extension http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode on Address.district.
The person identifier systems are kept with the identity numbers' parser (vegviser.registry.identity).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from vegviser.episodes.models import Episode
from vegviser.plans.models import Goal, IndividualPlan, Measure, ParticipantKind
from vegviser.registry.identity import FHIR_SYSTEM, FHIR_SYSTEM_ORGANISATION_NUMBER
from vegviser.registry.models import Municipality, Organisation, Person

MUNICIPALITY_CODE_EXTENSION = "http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode"
MUNICIPALITY_CODE_SYSTEM = "urn:oid:2.16.578.1.12.4.1.1.3402"


def person_identifier_system(kind: str) -> str | None:
    """The no-basis system of an identity number of this kind, or None when it has none. Synthetic numbers
    (Skatteetaten's Tenor test data) stand in for fødselsnumre where test identities are allowed: the demo and
    the tests; an H-number has no system in no-basis's NamingSystems and is not sent."""
    if kind == "synthetic" and settings.VEGVISER_TEST_IDENTITIES:
        return FHIR_SYSTEM["fnr"]
    return FHIR_SYSTEM.get(kind)


def _instant(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="milliseconds")


def _district(municipality: Municipality) -> dict[str, Any]:
    return {
        "district": municipality.name,
        "_district": {
            "extension": [
                {
                    "url": MUNICIPALITY_CODE_EXTENSION,
                    "valueCoding": {
                        "system": MUNICIPALITY_CODE_SYSTEM,
                        "code": municipality.number,
                        "display": municipality.name,
                    },
                }
            ]
        },
    }


def _telecom(phone: str, email: str, website: str = "") -> list[dict[str, str]]:
    points = [("phone", phone), ("email", email), ("url", website)]
    return [{"system": system, "value": value} for system, value in points if value]


def patient(person: Person) -> dict[str, Any]:
    """A person as a Patient. An address under protection (code 6 or 7) is left out, as on every page."""
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(person.pk),
        "meta": {"versionId": str(person.version), "lastUpdated": _instant(person.updated_at)},
    }
    # The kind is read from the number itself, which is what the identifier system follows.
    parsed = person.parsed_national_id
    system = person_identifier_system(parsed.kind) if parsed is not None else None
    if parsed is not None and system is not None:
        resource["identifier"] = [{"use": "official", "system": system, "value": parsed.value}]
    resource["name"] = [{"use": "official", "family": person.family_name, "given": [person.given_name]}]
    telecom = _telecom(person.phone, person.email)
    if telecom:
        resource["telecom"] = telecom
    if person.birth_date is not None:
        resource["birthDate"] = person.birth_date.isoformat()
    if not person.has_confidential_address:
        address: dict[str, Any] = {"use": "home", "type": "physical"}
        if person.address:
            address["line"] = [person.address]
        if person.postal_town:
            address["city"] = person.postal_town
        if person.postal_code:
            address["postalCode"] = person.postal_code
        if person.municipality is not None:
            address |= _district(person.municipality)
        if len(address) > 2:
            address["country"] = "NO"
            resource["address"] = [address]
    return resource


def organization(organisation: Organisation) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Organization",
        "id": str(organisation.pk),
        "meta": {"versionId": str(organisation.version)},
    }
    if organisation.organisation_number:
        resource["identifier"] = [
            {
                "use": "official",
                "system": FHIR_SYSTEM_ORGANISATION_NUMBER,
                "value": organisation.organisation_number,
            }
        ]
    resource["active"] = organisation.active
    resource["type"] = [{"text": str(organisation.get_kind_display())}]
    resource["name"] = organisation.name
    telecom = _telecom(organisation.phone, organisation.email, organisation.website)
    if telecom:
        resource["telecom"] = telecom
    address: dict[str, Any] = {"type": "physical"}
    if organisation.address:
        address["line"] = [organisation.address]
    if organisation.municipality is not None:
        address |= _district(organisation.municipality)
    if len(address) > 1:
        address["country"] = "NO"
        resource["address"] = [address]
    if organisation.parent_id is not None:
        resource["partOf"] = {"reference": f"Organization/{organisation.parent_id}"}
    return resource


# The individual plan. Statuses map one to one; a closed plan has ended as planned or not, and FHIR's
# `completed` is what the plan's own "closed" means (its reason stays in the plan).
CARE_PLAN_STATUS = {"draft": "draft", "active": "active", "paused": "on-hold", "closed": "completed"}
CARE_TEAM_STATUS = {"draft": "proposed", "active": "active", "paused": "suspended", "closed": "inactive"}
GOAL_LIFECYCLE_STATUS = {
    "proposed": "proposed",
    "active": "active",
    "on_hold": "on-hold",
    "completed": "completed",
    "cancelled": "cancelled",
}
ACTIVITY_STATUS = {
    "planned": "not-started",
    "ongoing": "in-progress",
    "done": "completed",
    "stopped": "stopped",
}
# The achievement codes a goal's ratings give (selectors.goals_with_achievement works them out).
ACHIEVEMENT_CODES = ("in-progress", "achieved", "improving", "no-change", "worsening")
ACHIEVEMENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/goal-achievement"
GAS_MEASURE = "Goal attainment scaling (GAS)"


def _reference(type_name: str, pk: Any, display: str = "") -> dict[str, str]:
    reference = {"reference": f"{type_name}/{pk}"}
    if display:
        reference["display"] = display
    return reference


def _period(start: date | None, end: date | None) -> dict[str, str]:
    period = {}
    if start is not None:
        period["start"] = start.isoformat()
    if end is not None:
        period["end"] = end.isoformat()
    return period


def _meta(row: Any) -> dict[str, str]:
    return {"versionId": str(row.version), "lastUpdated": _instant(row.updated_at)}


def care_plan(plan: IndividualPlan) -> dict[str, Any]:
    """The individual plan as its reader may see it (`plan.fhir_view`, from the selectors): the goals and the
    measures the reader's role shows. A measure is an activity described inline (ServiceRequest is not a type
    of this API yet), with the goals it serves and who carries it out."""
    view = plan.fhir_view  # type: ignore[attr-defined]
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": str(plan.pk),
        "meta": _meta(plan),
        "status": CARE_PLAN_STATUS[plan.status],
        "intent": "plan",
        "title": str(_("Individual plan")),
        "subject": _reference("Patient", plan.person_id, plan.person.full_name),
        "created": _instant(plan.created_at),
        "careTeam": [_reference("CareTeam", plan.pk)],
    }
    period = _period(plan.period_start, plan.period_end)
    if period:
        resource["period"] = period
    if view.coordinators:
        # The coordinator is no resource of this API (Practitioner is not offered): named, not referenced.
        resource["author"] = {"display": view.coordinators[0].coordinator.display_name}
        if len(view.coordinators) > 1:
            resource["contributor"] = [{"display": a.coordinator.display_name} for a in view.coordinators[1:]]
    if view.goals:
        resource["goal"] = [_reference("Goal", goal.pk) for goal in view.goals]
    activities = [_activity(measure, view.served.get(measure.pk, [])) for measure in view.measures]
    if activities:
        resource["activity"] = activities
    return resource


def _activity(measure: Measure, goals: list[Goal]) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "kind": "ServiceRequest",
        "code": {"text": measure.title},
        "status": ACTIVITY_STATUS[measure.status],
    }
    if measure.status == "stopped" and measure.refusal_note:
        detail["statusReason"] = {"text": measure.refusal_note}
    if goals:
        detail["goal"] = [_reference("Goal", goal.pk) for goal in goals]
    period = _period(measure.starts_on, measure.ends_on)
    if period:
        detail["scheduledPeriod"] = period
    organisation = measure.responsible_organisation
    if organisation is not None:
        detail["performer"] = [_reference("Organization", organisation.pk, organisation.name)]
    elif measure.responsible_participant is not None:
        detail["performer"] = [{"display": str(measure.responsible_participant)}]
    description = "; ".join(part for part in (measure.scope, measure.how) if part)
    if description:
        detail["description"] = description
    return {"detail": detail}


def goal(goal: Goal) -> dict[str, Any]:
    """A goal in the person's own words, with its lifecycle status apart from how far it is achieved, and its
    goal attainment scale as the target: the expected outcome (0) by the target date, each level's
    description as a note. A goal the person wrote is expressed by the Patient."""
    plan = goal.plan
    resource: dict[str, Any] = {
        "resourceType": "Goal",
        "id": str(goal.pk),
        "meta": _meta(goal),
        "lifecycleStatus": GOAL_LIFECYCLE_STATUS[goal.status],
        "description": {"text": goal.text},
        "subject": _reference("Patient", plan.person_id, plan.person.full_name),
        "startDate": timezone.localtime(goal.created_at).date().isoformat(),
    }
    achievement = goal.achievement  # type: ignore[attr-defined]
    if achievement is not None:
        resource["achievementStatus"] = {"coding": [{"system": ACHIEVEMENT_SYSTEM, "code": achievement}]}
    if goal.life_area:
        resource["category"] = [{"text": str(goal.get_life_area_display())}]
    target: dict[str, Any] = {"measure": {"text": GAS_MEASURE}, "detailInteger": 0}
    if goal.target_date is not None:
        target["dueDate"] = goal.target_date.isoformat()
    resource["target"] = [target]
    if plan.person.user_id is not None and goal.written_by_id == plan.person.user_id:
        resource["expressedBy"] = _reference("Patient", plan.person_id, plan.person.full_name)
    elif goal.written_by_name:
        resource["expressedBy"] = {"display": goal.written_by_name}
    if goal.parent_id is not None:
        resource["addresses"] = [_reference("Goal", goal.parent_id)]
    notes = [
        {"text": f"{level:+d}: {text}" if level else f"0: {text}"} for level, text in goal.scale() if text
    ]
    if notes:
        resource["note"] = notes
    latest = goal.latest_attainment  # type: ignore[attr-defined]
    if latest is not None:
        resource["outcomeCode"] = [{"text": f"GAS {latest:+d}" if latest else "GAS 0"}]
    return resource


def care_team(plan: IndividualPlan) -> dict[str, Any]:
    """The plan's participants with their roles, as the reader may see them (a limited participant sees only
    themselves), and the coordinators who have no row of their own."""
    view = plan.fhir_view  # type: ignore[attr-defined]
    resource: dict[str, Any] = {
        "resourceType": "CareTeam",
        "id": str(plan.pk),
        "meta": _meta(plan),
        "status": CARE_TEAM_STATUS[plan.status],
        "name": str(_("Individual plan for %(name)s") % {"name": plan.person.full_name}),
        "subject": _reference("Patient", plan.person_id, plan.person.full_name),
    }
    participants = []
    taking_part = {p.user_id for p in view.participants if p.active}
    for assignment in view.coordinators:
        if assignment.coordinator_id not in taking_part:
            participants.append(
                {
                    "role": [{"text": str(_("Coordinator"))}],
                    "member": {"display": assignment.coordinator.display_name},
                    "onBehalfOf": _reference(
                        "Organization", assignment.organisation_id, assignment.organisation.name
                    ),
                }
            )
    for participant in view.participants:
        entry: dict[str, Any] = {"role": [{"text": participant.role_label}]}
        if participant.kind == ParticipantKind.PERSON:
            entry["member"] = _reference("Patient", plan.person_id, participant.name)
        else:
            entry["member"] = {"display": participant.name}
        if participant.organisation_id is not None:
            entry["onBehalfOf"] = _reference(
                "Organization", participant.organisation_id, participant.organisation.name
            )
        period = _period(participant.joined_on, participant.left_on)
        if not participant.active and "end" not in period:
            period["end"] = timezone.localtime(participant.updated_at).date().isoformat()
        entry["period"] = period
        participants.append(entry)
    if participants:
        resource["participant"] = participants
    period = _period(plan.period_start, plan.period_end)
    if period:
        resource["period"] = period
    return resource


# NPR's level of care, as the encounter class of HL7's v3 ActCode (inpatient, day stay as short stay,
# outpatient as ambulatory), the way no-basis's Encounter profile codes it.
LEVEL_OF_CARE_CLASS = {"inpatient": "IMP", "day": "SS", "outpatient": "AMB"}
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"


def episode_of_care(episode: Episode) -> dict[str, Any]:
    """A specialist episode of care at a unit: active while open, finished once discharged; its level of care
    and specialty as its types. The episode's diagnoses and summary are not part of it."""
    period = {"start": _instant(episode.admitted_at)}
    if episode.discharged_at is not None:
        period["end"] = _instant(episode.discharged_at)
    return {
        "resourceType": "EpisodeOfCare",
        "id": str(episode.pk),
        "meta": _meta(episode),
        "status": "active" if episode.is_open else "finished",
        "type": [
            {
                "coding": [
                    {
                        "system": ACT_CODE_SYSTEM,
                        "code": LEVEL_OF_CARE_CLASS[episode.level_of_care],
                        "display": str(episode.get_level_of_care_display()),
                    }
                ],
                "text": str(episode.get_level_of_care_display()),
            },
            {"text": str(episode.get_specialty_display())},
        ],
        "patient": _reference("Patient", episode.person_id, episode.person.full_name),
        "managingOrganization": _reference("Organization", episode.unit_id, episode.unit.name),
        "period": period,
    }
