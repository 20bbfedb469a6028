"""Everything Vegviser stores about a person, for their own copy (the right of access, GDPR art. 15)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vegviser.audit.models import AccessRecord, AuditAction, AuditRecord, ReadPurpose, label_of
from vegviser.audit.selectors import role_label
from vegviser.core.formats import signed_level
from vegviser.registry.models import Person


def _date(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return str(value.isoformat())


def everything_about(person: Person) -> dict[str, Any]:
    relations = [
        {
            "relative": relation.relative.full_name,
            "relation": str(relation.get_kind_display()),
            "from": _date(relation.valid_from),
            "to": _date(relation.valid_to),
        }
        for relation in person.relations.select_related("relative")
    ]
    relations += [
        {
            "for": relation.person.full_name,
            "relation": str(relation.get_kind_display()),
            "from": _date(relation.valid_from),
            "to": _date(relation.valid_to),
        }
        for relation in person.relations_as_relative.select_related("person")
    ]
    return {
        "created": _date(timezone.now()),
        "person": {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "national_id": person.national_id,
            "birth_date": _date(person.birth_date),
            "address": person.address,
            "postal_code": person.postal_code,
            "postal_town": person.postal_town,
            "municipality": str(person.municipality) if person.municipality else None,
            "phone": person.phone,
            "email": person.email,
            "preferred_language": str(person.get_preferred_language_display()),
            "needs_interpreter": person.needs_interpreter,
            "interpreter_language": person.interpreter_language,
            "address_protection": str(person.get_address_protection_display()),
        },
        "relations": relations,
        "consents": [
            {
                "given_by": str(consent.get_given_by_display()),
                "covers_plan": consent.covers_plan,
                "covers_coordinator": consent.covers_coordinator,
                "shared_with": [organisation.name for organisation in consent.shared_with.all()],
                "from": _date(consent.valid_from),
                "to": _date(consent.valid_to),
                "evidence": str(consent.get_evidence_display()),
                "withdrawn": _date(consent.withdrawn_at),
            }
            for consent in person.consents.prefetch_related("shared_with")
        ],
        "coordinators": [
            {
                "kind": str(assignment.get_kind_display()),
                "coordinator": assignment.coordinator.display_name,
                "organisation": assignment.organisation.name,
                "from": _date(assignment.started_on),
                "to": _date(assignment.ended_on),
                "your_wishes": assignment.person_wishes,
            }
            for assignment in person.coordinator_assignments.select_related("coordinator", "organisation")
        ],
        "reports_of_need": [
            {
                "received": _date(report.received_at),
                "needs_plan": report.needs_plan,
                "needs_coordinator": report.needs_coordinator,
                "needs_child_coordinator": report.needs_child_coordinator,
                "description": report.description,
                "reported_by": report.reporter_name,
                "status": str(report.get_status_display()),
                "decision": str(report.get_decision_display()) if report.decision else None,
                "reasons": report.decision_reasons,
            }
            for report in person.need_reports.order_by("received_at")
        ],
        **_plans_of(person),
        "who_has_read": [
            {
                "when": _date(record.at),
                "who": record.actor_name,
                "role": role_label(record.actor_role),
                "organisation": record.actor_organisation,
                "what": label_of(ReadPurpose, record.purpose),
                "channel": str(record.get_channel_display()),
            }
            for record in AccessRecord.objects.filter(person_id=person.pk).order_by("-at")
        ],
        "changes": [
            {
                "when": _date(record.at),
                "who": record.actor_name,
                "what": label_of(AuditAction, record.action),
            }
            for record in AuditRecord.objects.filter(person_id=person.pk).order_by("-at")
        ],
    }


def _plans_of(person: Person) -> dict[str, list[dict[str, Any]]]:
    """The individual plans: every element, the goals and ratings, measures, meetings, evaluations and the
    messages, as stored (what the person's side may not see of a plan is not held from the person's own copy:
    it is about them)."""
    from vegviser.plans.models import (
        Evaluation,
        Goal,
        GoalRating,
        IndividualPlan,
        Measure,
        Meeting,
        PlanAgreement,
        PlanMessage,
    )

    plans = list(IndividualPlan.objects.filter(person=person).order_by("created_at"))
    agreed: dict[Any, list[str]] = {}
    for agreement in (
        PlanAgreement.objects.filter(plan__in=plans)
        .select_related("plan_version")
        .defer("plan_version__snapshot")
        .order_by("created_at")
    ):
        agreed.setdefault(agreement.plan_id, []).append(
            f"{_date(agreement.created_at)} {agreement.agreed_by_name} ({agreement.plan_version})"
        )
    return {
        "plans": [
            {
                "status": str(plan.get_status_display()),
                "what_matters": plan.what_matters,
                "resources": plan.resources,
                "needs": plan.needs,
                "collaboration": plan.collaboration,
                "from": _date(plan.period_start),
                "to": _date(plan.period_end),
                "next_revision": _date(plan.next_revision),
                "closed_reason": plan.closed_reason,
                "activation_reason": plan.activation_reason,
                "agreed_to": agreed.get(plan.pk, []),
            }
            for plan in plans
        ],
        "goals": [
            {
                "goal": goal.text,
                "status": str(goal.get_status_display()),
                "written_by": goal.written_by_name,
                "scale": [f"{signed_level(level)}: {text}" for level, text in goal.scale() if text],
                "ratings": [
                    f"{_date(rating.created_at)} {signed_level(rating.attainment)} ({rating.rated_by_name})"
                    for rating in goal.ratings.all()
                ],
            }
            for goal in Goal.objects.filter(plan__in=plans).prefetch_related(
                Prefetch("ratings", queryset=GoalRating.objects.order_by("created_at"))
            )
        ],
        "measures": [
            {
                "measure": measure.title,
                "responsible": measure.responsible_name,
                "from": _date(measure.starts_on),
                "to": _date(measure.ends_on),
                "status": str(measure.get_status_display()),
                "how": measure.how,
            }
            for measure in Measure.objects.filter(plan__in=plans).select_related(
                "responsible_participant", "responsible_organisation"
            )
        ],
        "meetings": [
            {"when": _date(meeting.starts_at), "place": meeting.place, "cancelled": meeting.cancelled}
            for meeting in Meeting.objects.filter(plan__in=plans).order_by("starts_at")
        ],
        "evaluations": [
            {
                "when": _date(evaluation.evaluated_on),
                "t_score": evaluation.t_score,
                "summary": evaluation.summary,
            }
            for evaluation in Evaluation.objects.filter(plan__in=plans).order_by("evaluated_on")
        ],
        "messages": [
            {"when": _date(message.created_at), "who": message.author_name, "message": message.text}
            for message in PlanMessage.objects.filter(plan__in=plans).order_by("created_at")
        ],
    }


# Labels for the readable copy: the JSON keys stay stable for machines, the document speaks plainly.
LABELS = {
    "given_name": _("Given name"),
    "family_name": _("Family name"),
    "national_id": _("Identity number"),
    "birth_date": _("Birth date"),
    "address": _("Address"),
    "postal_code": _("Postal code"),
    "postal_town": _("Postal town"),
    "municipality": _("Municipality"),
    "phone": _("Phone"),
    "email": _("Email"),
    "preferred_language": _("Preferred language"),
    "needs_interpreter": _("Needs an interpreter"),
    "interpreter_language": _("Interpreter language"),
    "address_protection": _("Address protection"),
    "relative": _("Relative"),
    "for": _("Representative for"),
    "relation": _("Relation"),
    "from": _("From"),
    "to": _("To"),
    "given_by": _("Given by"),
    "covers_plan": _("Making an individual plan"),
    "covers_coordinator": _("Appointing a coordinator"),
    "shared_with": _("Shared with"),
    "evidence": _("How consent was given"),
    "withdrawn": _("Withdrawn"),
    "kind": _("Kind"),
    "coordinator": _("Coordinator"),
    "organisation": _("Organisation"),
    "your_wishes": _("Your wishes"),
    "received": _("Received"),
    "needs_plan": _("Individual plan"),
    "needs_coordinator": _("Coordinator"),
    "needs_child_coordinator": _("Child coordinator"),
    "description": _("The needs, as the reporter sees them"),
    "reported_by": _("Reported by"),
    "status": _("Status"),
    "decision": _("Decision"),
    "reasons": _("Reasons"),
    "what_matters": _("What matters to me"),
    "resources": _("Resources and strengths"),
    "needs": _("Needs"),
    "collaboration": _("Collaboration"),
    "next_revision": _("Next revision"),
    "closed_reason": _("Reason for closing"),
    "activation_reason": _("Reason for making the plan active without all its elements"),
    "agreed_to": _("Read and agreed to"),
    "goal": _("Goal"),
    "written_by": _("Written by"),
    "scale": _("Scale"),
    "ratings": _("Ratings"),
    "measure": _("Measure"),
    "responsible": _("Responsible"),
    "how": _("How"),
    "when": _("When"),
    "place": _("Place"),
    "cancelled": pgettext_lazy("meeting", "Cancelled"),
    "t_score": _("T-score"),
    "summary": _("Summary"),
    "who": _("Who"),
    "message": _("Message"),
}


def _readable(value: Any) -> str:
    if value is True:
        return str(_("Yes"))
    if value is False:
        return str(_("No"))
    if value in (None, "", []):
        return "–"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def readable(items: list[dict[str, Any]]) -> list[list[tuple[str, str]]]:
    """Each item as (label, value) pairs in the reader's language."""
    return [[(str(LABELS.get(key, key)), _readable(value)) for key, value in item.items()] for item in items]
