"""The coordinating unit's queue: besides the reports that led to plans, one new report and one overdue in
assessment.

Sigrid Johansen (81) was reported from her hospital bed three days ago; Jonas Berg (34) has waited over
thirty days and an officer is assessing his report.
"""

from __future__ import annotations

from vegviser.demo.story import age_report
from vegviser.demo.world import World
from vegviser.intake import services as intake
from vegviser.intake.models import ReportChannel, ReportConsent
from vegviser.registry.models import OrganisationKind


def open_reports(world: World) -> None:
    _new_report(world)
    _overdue_report(world)


def _new_report(world: World) -> None:
    fracture = intake.report_need(
        actor=world.users["lege"],
        person=world.people["sigrid"],
        organisation=world.organisations[OrganisationKind.REHABILITATION_UNIT],
        data={
            "named_as": world.people["sigrid"].full_name,
            "needs_coordinator": True,
            "description": "Lårhalsbrudd, operert. Bor alene, begynnende glemsomhet. Trenger hjelp hjemme "
            "etter utskrivning og én som holder trådene med datteren, som bor i Oslo.",
            "channel": ReportChannel.WRITTEN,
            "is_inpatient": True,
            "consent_to_report": ReportConsent.YES,
        },
    )
    age_report(fracture, received_days=3)


def _overdue_report(world: World) -> None:
    injury = intake.report_need(
        actor=world.users["fysio"],
        person=world.people["jonas"],
        organisation=world.organisations[OrganisationKind.PHYSIOTHERAPY],
        data={
            "named_as": world.people["jonas"].full_name,
            "needs_plan": True,
            "needs_coordinator": True,
            "description": "Nakkeskade etter trafikkulykke, sykmeldt i åtte måneder. Fysioterapi, fastlege, "
            "NAV og psykolog følger opp hver for seg.",
            "channel": ReportChannel.ORAL,
            "consent_to_report": ReportConsent.YES,
        },
    )
    age_report(injury, received_days=38)
    intake.assign_report(actor=world.users["ke"], report=injury, officer=world.users["ke"])
