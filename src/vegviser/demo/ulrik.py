"""Ulrik Nilsen (16), long-lasting pain and much absence from school.

A coordinator granted and a draft plan just started: his own words and one goal, with most of the checklist
still to do. From 16 he consents himself.
"""

from __future__ import annotations

from datetime import timedelta

from vegviser.access.models import ConsentGiver
from vegviser.demo.story import Story, age_report, consent_and_coordinator
from vegviser.demo.world import World
from vegviser.intake import services as intake
from vegviser.intake.models import CoordinatorKind, NeedReport, ReportChannel, ReportConsent
from vegviser.plans import services as plans
from vegviser.plans.models import IndividualPlan, LifeArea
from vegviser.registry.models import OrganisationKind


def report(world: World) -> NeedReport:
    """The physiotherapist reports the need orally; the coordinating unit grants a coordinator."""
    pain = intake.report_need(
        actor=world.users["fysio"],
        person=world.people["ulrik"],
        organisation=world.organisations[OrganisationKind.PHYSIOTHERAPY],
        data={
            "named_as": world.people["ulrik"].full_name,
            "needs_coordinator": True,
            "description": "Langvarige smerter og mye fravær fra skolen. Trenger én å forholde seg til.",
            "channel": ReportChannel.ORAL,
            "consent_to_report": ReportConsent.YES,
        },
    )
    intake.decide_report(actor=world.users["ke"], report=pain, data={"coordinator_granted": True})
    age_report(pain, received_days=35, decided_days=12)
    _consent(world, pain)
    return pain


def _consent(world: World, report: NeedReport) -> None:
    # From 16 he consents himself.
    consent_and_coordinator(
        world,
        world.people["ulrik"],
        report,
        consent={
            "given_by": ConsentGiver.PERSON,
            "valid_from": world.today - timedelta(days=10),
            "journal_reference": "Journalnotat, samtale på helsestasjon for ungdom",
        },
        shared_with=[OrganisationKind.PHYSIOTHERAPY, OrganisationKind.SCHOOL, OrganisationKind.GP_OFFICE],
        kind=CoordinatorKind.COORDINATOR,
        started_on=world.today - timedelta(days=8),
        person_wishes="Vil helst ha møter etter skoletid, og at mamma ikke må være med på alt.",
    )


def plan(world: World, story: Story, report: NeedReport) -> IndividualPlan:
    """A draft just started: his own words and one goal, with most of the checklist still to do."""
    coordinator = world.users["koordinator"]
    draft = plans.create_plan(
        actor=coordinator,
        person=world.people["ulrik"],
        need_report=report,
        data={
            "what_matters": "Jeg vil klare å være på skolen hele dager igjen og begynne på fotballtreningen. "
            "Og jeg vil slippe å forklare alt på nytt til alle.",
        },
    )
    plans.add_goal(
        actor=coordinator,
        plan=draft,
        data={
            "text": "Være på skolen minst fire dager i uka.",
            "written_by_name": world.people["ulrik"].full_name,
            "life_area": LifeArea.PARTICIPATION,
        },
    )
    created = story.at(story.workday(-5), 15)
    story.stamp(IndividualPlan.objects.filter(pk=draft.pk), created_at=created, last_activity_at=created)
    return draft
