"""Everything Vegviser stores about a person, for their own copy (the right of access, GDPR art. 15): as JSON
for other systems and as a PDF to read.

Its size grows with the person's history (every read of their data is a row), so each part is one query
whatever its length, and the document is laid out in blocks and short tables, which WeasyPrint lays out in
time proportional to their number; one table over hundreds of pages it lays out again for every page. A long
history is prepared by a job (services.prepare_copy), a short one within the request."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch
from django.template.defaultfilters import floatformat
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vegviser.audit.models import AccessRecord, AuditAction, AuditRecord, Channel, ReadPurpose, label_of
from vegviser.audit.selectors import role_label
from vegviser.core.formats import day, signed_level, stamp
from vegviser.registry.models import Person

# Rows of one table in the document: about a page, so that no table runs over many pages.
ROWS_PER_TABLE = 40


def everything_about(person: Person) -> dict[str, Any]:
    """The copy's content, as stored: times and dates as Python values, which `as_json` and the document
    each write in their own way."""
    relations = [
        {
            "relative": relation.relative.full_name,
            "relation": str(relation.get_kind_display()),
            "from": relation.valid_from,
            "to": relation.valid_to,
        }
        for relation in person.relations.select_related("relative")
    ]
    relations += [
        {
            "for": relation.person.full_name,
            "relation": str(relation.get_kind_display()),
            "from": relation.valid_from,
            "to": relation.valid_to,
        }
        for relation in person.relations_as_relative.select_related("person")
    ]
    return {
        "created": timezone.now(),
        "person": {
            "given_name": person.given_name,
            "family_name": person.family_name,
            "national_id": person.national_id,
            "birth_date": person.birth_date,
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
                "from": consent.valid_from,
                "to": consent.valid_to,
                "evidence": str(consent.get_evidence_display()),
                "withdrawn": consent.withdrawn_at,
            }
            for consent in person.consents.prefetch_related("shared_with")
        ],
        "coordinators": [
            {
                "kind": str(assignment.get_kind_display()),
                "coordinator": assignment.coordinator.display_name,
                "organisation": assignment.organisation.name,
                "from": assignment.started_on,
                "to": assignment.ended_on,
                "your_wishes": assignment.person_wishes,
            }
            for assignment in person.coordinator_assignments.select_related("coordinator", "organisation")
        ],
        "reports_of_need": [
            {
                "received": report.received_at,
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
        "instrument_results": _instrument_results(person),
        "referrals": _referrals_of(person),
        "who_has_read": list(_reads(person)),
        "changes": list(_changes(person)),
    }


class _Labels(dict[str, str]):
    """The words of each code, looked up once per copy rather than once per row."""

    def __init__(self, words: Any) -> None:
        super().__init__()
        self.words = words

    def __missing__(self, code: str) -> str:
        self[code] = self.words(code)
        return self[code]


def _reads(person: Person) -> Iterator[dict[str, Any]]:
    roles = _Labels(role_label)
    purposes = _Labels(lambda code: label_of(ReadPurpose, code))
    channels = _Labels(lambda code: label_of(Channel, code))
    rows = (
        AccessRecord.objects.filter(person_id=person.pk)
        .order_by("-at")
        .values_list("at", "actor_name", "actor_role", "actor_organisation", "purpose", "channel")
    )
    for at, name, role, organisation, purpose, channel in rows.iterator(chunk_size=2000):
        yield {
            "when": at,
            "who": name,
            "role": roles[role] if role else "",
            "organisation": organisation,
            "what": purposes[purpose],
            "channel": channels[channel],
        }


def _changes(person: Person) -> Iterator[dict[str, Any]]:
    actions = _Labels(lambda code: label_of(AuditAction, code))
    rows = (
        AuditRecord.objects.filter(person_id=person.pk)
        .order_by("-at", "-id")
        .values_list("at", "actor_name", "action")
    )
    for at, name, action in rows.iterator(chunk_size=2000):
        yield {"when": at, "who": name, "what": actions[action]}


def _referrals_of(person: Person) -> list[dict[str, Any]]:
    """Referrals to the specialist health service, with what was asked of the referrer and the names of
    what came with them."""
    from vegviser.referrals.models import Referral

    referrals = (
        Referral.objects.filter(person=person)
        .select_related("receiving_unit")
        .prefetch_related("referrer_requests", "attachments")
        .order_by("received_on")
    )
    return [
        {
            "received": referral.received_on,
            "unit": referral.receiving_unit.name,
            "referred_by": ", ".join(
                part for part in (referral.referrer_name, referral.referrer_organisation) if part
            ),
            "seniority_date": referral.seniority_date,
            "assessment_due": referral.assessment_due_on,
            "reason": referral.reason,
            # Each code with its name in its code list: «I63.9 Uspesifisert hjerneinfarkt».
            "diagnoses": [str(code) for code in referral.diagnoses()],
            "tried_in_municipality": referral.tried_in_municipality,
            "function_description": referral.function_description,
            "status": str(referral.get_status_display()),
            "asked_of_referrer": [request.asked_for for request in referral.referrer_requests.all()],
            "attachments": [attachment.title for attachment in referral.attachments.all()],
        }
        for referral in referrals
    ]


def _t_score(value: float | None) -> float | None:
    """As the evaluation page shows it: one decimal (a T-score's spread is ten, and more says nothing)."""
    return None if value is None else round(value, 1)


def _plans_of(person: Person) -> dict[str, list[dict[str, Any]]]:
    """The individual plans: every element, the goals and every rating with its comment (the person's own
    among them), measures, meetings with their minutes and decisions, evaluations and the messages. The
    person may see all of their plan (the portal and the meeting pages show them all of it), and the copy
    holds it all."""
    from vegviser.plans.models import (
        Evaluation,
        Goal,
        GoalRating,
        IndividualPlan,
        Measure,
        Meeting,
        MeetingDecision,
        PlanAgreement,
        PlanMessage,
    )

    plans = list(IndividualPlan.objects.filter(person=person).order_by("created_at"))
    agreements = (
        PlanAgreement.objects.filter(plan__in=plans)
        .select_related("plan_version")
        .only("created_at", "agreed_by_name", "on_behalf", "plan_version__number")
        .order_by("created_at")
    )
    goals = list(Goal.objects.filter(plan__in=plans).order_by("plan__created_at", "position"))
    goal_texts = {goal.pk: goal.text for goal in goals}
    ratings = GoalRating.objects.filter(goal__plan__in=plans).order_by("created_at")
    meetings = (
        Meeting.objects.filter(plan__in=plans)
        .select_related("minutes_approved_by")
        .prefetch_related(Prefetch("decisions", queryset=MeetingDecision.objects.order_by("created_at")))
    )
    return {
        "plans": [
            {
                "status": str(plan.get_status_display()),
                "what_matters": plan.what_matters,
                "resources": plan.resources,
                "needs": plan.needs,
                "collaboration": plan.collaboration,
                "from": plan.period_start,
                "to": plan.period_end,
                "next_revision": plan.next_revision,
                "closed_reason": plan.closed_reason,
                "activation_reason": plan.activation_reason,
            }
            for plan in plans
        ],
        "agreements": [
            {
                "when": agreement.created_at,
                "agreed_by": agreement.agreed_by_name,
                "on_behalf": agreement.on_behalf,
                "version": agreement.plan_version.number,
            }
            for agreement in agreements
        ],
        "goals": [
            {
                "goal": goal.text,
                "status": str(goal.get_status_display()),
                "written_by": goal.written_by_name,
                "scale": [f"{signed_level(level)}: {text}" for level, text in goal.scale() if text],
            }
            for goal in goals
        ],
        "ratings": [
            {
                "when": rating.created_at,
                "goal": goal_texts.get(rating.goal_id, ""),
                "level": signed_level(rating.attainment),
                "rated_by": rating.rated_by_name,
                "comment": rating.comment,
            }
            for rating in ratings.iterator(chunk_size=2000)
        ],
        "measures": [
            {
                "measure": measure.title,
                "responsible": measure.responsible_name,
                "from": measure.starts_on,
                "to": measure.ends_on,
                "status": str(measure.get_status_display()),
                "how": measure.how,
            }
            for measure in Measure.objects.filter(plan__in=plans).select_related(
                "responsible_participant", "responsible_organisation"
            )
        ],
        "meetings": [
            {
                "when": meeting.starts_at,
                "place": meeting.place,
                "cancelled": meeting.cancelled,
                "agenda": meeting.agenda,
                "minutes": meeting.minutes,
                "minutes_approved": meeting.minutes_approved_at,
                "minutes_approved_by": (
                    meeting.minutes_approved_by.display_name if meeting.minutes_approved_by else None
                ),
                "decisions": [decision.text for decision in meeting.decisions.all()],
            }
            for meeting in meetings.order_by("starts_at")
        ],
        "evaluations": [
            {
                "when": evaluation.evaluated_on,
                "t_score": _t_score(evaluation.t_score),
                "summary": evaluation.summary,
                "measures_review": evaluation.measures_review,
            }
            for evaluation in Evaluation.objects.filter(plan__in=plans).order_by("evaluated_on")
        ],
        "messages": [
            {"when": message.created_at, "who": message.author_name, "message": message.text}
            for message in PlanMessage.objects.filter(plan__in=plans)
            .order_by("created_at")
            .only("created_at", "author_name", "text")
            .iterator(chunk_size=2000)
        ],
    }


def _instrument_results(person: Person) -> list[dict[str, Any]]:
    """Every score of every instrument recorded for the person, one row each, in the order they were done."""
    from vegviser.assessments import labels
    from vegviser.assessments.library import BASE_LANGUAGE, LANGUAGES, instruments
    from vegviser.assessments.models import RecordedScore

    language = (translation.get_language() or BASE_LANGUAGE).split("-")[0]
    language = language if language in LANGUAGES else BASE_LANGUAGE
    titles = {code: found.title(language) for code, found in instruments().items()}
    scores = (
        RecordedScore.objects.filter(administration__person=person)
        .select_related("administration")
        .order_by("administration__administered_on", "administration__created_at", "position")
    )
    return [
        {
            "when": score.administration.administered_on,
            "instrument": titles.get(score.instrument, score.instrument),
            "score": labels.score_label(score.code) + (f": {score.subject}" if score.subject else ""),
            "score_value": score.value if score.value is not None else score.value_code,
            "unit": labels.unit_label(score.unit),
            "recorded_by": score.administration.recorded_by_name,
        }
        for score in scores
    ]


def history_size(person: Person) -> int:
    """How many rows of history the copy holds: reads, changes, ratings, meetings, messages and scores. What
    decides whether it is prepared by a job."""
    from vegviser.assessments.models import RecordedScore
    from vegviser.plans.models import GoalRating, Meeting, PlanMessage

    sizes = [
        AccessRecord.objects.filter(person_id=person.pk).count(),
        AuditRecord.objects.filter(person_id=person.pk).count(),
    ]
    for model, path in (
        (GoalRating, "goal__plan__person"),
        (Meeting, "plan__person"),
        (PlanMessage, "plan__person"),
        (RecordedScore, "administration__person"),
    ):
        sizes.append(model.objects.filter(**{path: person}).aggregate(n=Count("pk"))["n"])
    return sum(sizes)


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_iso(item) for item in value]
    if isinstance(value, dict):
        return {key: _iso(item) for key, item in value.items()}
    return value


def as_json(data: dict[str, Any]) -> bytes:
    """For other systems: times in ISO 8601 with their offset, the keys stable."""
    return json.dumps(_iso(data), ensure_ascii=False, indent=2).encode()


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
    "agreed_by": _("Read and agreed to by"),
    "on_behalf": _("On behalf of the person"),
    "version": _("Version"),
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
    "agenda": _("Agenda"),
    "minutes": _("Minutes"),
    "minutes_approved": _("Minutes approved"),
    "minutes_approved_by": _("Minutes approved by"),
    "decisions": _("Decisions"),
    "measures_review": _("Review of the measures"),
    "unit": _("Unit"),
    "referred_by": _("Referred by"),
    "seniority_date": _("Seniority date"),
    "assessment_due": _("To be assessed by"),
    "reason": _("The question or reason"),
    "diagnoses": _("Diagnoses"),
    "tried_in_municipality": _("Tried in the municipality"),
    "function_description": _("Function description"),
    "asked_of_referrer": _("Asked of the referrer"),
    "attachments": _("Attachments"),
}


def _readable(key: str, value: Any) -> str:
    if value is True:
        return str(_("Yes"))
    if value is False:
        return str(_("No"))
    if value in (None, "", []):
        return "–"
    if key == "t_score":
        # In the reader's language: a decimal comma in Norwegian.
        return str(floatformat(value, 1))
    if key == "score_value" and isinstance(value, float):
        # As many decimals as it has, up to the three of the EQ-5D-5L index, with the reader's decimal sign.
        return str(number_format(round(value, 3)))
    if isinstance(value, datetime):
        return stamp(timezone.localtime(value))
    if isinstance(value, date):
        return day(value)
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    return str(value)


def readable(items: Iterable[dict[str, Any]]) -> list[list[tuple[str, str]]]:
    """Each item as (label, value) pairs in the reader's language, dates as the person reads them."""
    return [
        [(str(LABELS.get(key, key)), _readable(key, value)) for key, value in item.items()] for item in items
    ]


def _rows(items: Iterable[dict[str, Any]], *columns: str) -> list[list[tuple[str, ...]]]:
    """The items as table rows of `columns`, in tables of ROWS_PER_TABLE rows."""
    rows = [tuple(_readable(column, item.get(column)) for column in columns) for item in items]
    return [rows[start : start + ROWS_PER_TABLE] for start in range(0, len(rows), ROWS_PER_TABLE)]


def _read_rows(data: dict[str, Any]) -> list[list[tuple[str, ...]]]:
    """Who read, with their role and organisation, and what they read through which channel."""
    items = [
        {
            "when": read["when"],
            "who": ", ".join(part for part in (read["who"], read["role"], read["organisation"]) if part),
            "what": f"{read['what']} ({read['channel'].lower()})",
        }
        for read in data["who_has_read"]
    ]
    return _rows(items, "when", "who", "what")


def document_context(person: Person, data: dict[str, Any]) -> dict[str, Any]:
    """What the document template prints: sections of records, then the long lists as short tables."""
    time, who, what = _("Time"), _("Who"), _("What")
    return {
        "person": person,
        "created": stamp(timezone.localtime(data["created"])),
        "sections": [
            (_("Your details"), readable([data["person"]])),
            (_("Relatives and representatives"), readable(data["relations"])),
            (_("Consent"), readable(data["consents"])),
            (_("Coordinator"), readable(data["coordinators"])),
            (_("Reports of need"), readable(data["reports_of_need"])),
            (_("Referrals to the specialist health service"), readable(data["referrals"])),
            (_("Individual plan"), readable(data["plans"])),
            (_("Read and agreed to"), readable(data["agreements"])),
            (_("Goals"), readable(data["goals"])),
            (_("Measures"), readable(data["measures"])),
            (_("Meetings"), readable(data["meetings"])),
            (_("Evaluations"), readable(data["evaluations"])),
        ],
        "tables": [
            (
                _("Ratings of the goals"),
                (time, _("Goal"), _("Level"), _("Rated by"), _("Comment")),
                _rows(data["ratings"], "when", "goal", "level", "rated_by", "comment"),
            ),
            (
                _("Results of instruments"),
                (_("Date"), _("Instrument"), _("Score"), _("Value"), _("Unit"), _("Recorded by")),
                _rows(
                    data["instrument_results"],
                    "when",
                    "instrument",
                    "score",
                    "score_value",
                    "unit",
                    "recorded_by",
                ),
            ),
            (_("Messages"), (time, who, _("Message")), _rows(data["messages"], "when", "who", "message")),
            (_("Who has read your data"), (time, who, what), _read_rows(data)),
            (_("Changes"), (time, who, what), _rows(data["changes"], "when", "who", "what")),
        ],
    }


def build(person: Person, *, kind: str, language: str) -> bytes:
    """The person's copy as a PDF (`kind` "pdf") or JSON ("json"), in `language`. Outside a request: a job
    calls it as the view does."""
    from vegviser.core.documents import render_pdf

    with translation.override(language):
        data = everything_about(person)
        if kind == "json":
            return as_json(data)
        return render_pdf("portal/my_data_document.html", document_context(person, data))
