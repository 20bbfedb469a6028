"""Instruments recorded for Per and Emil, through the same service as the results page's form.

Per Andersen's physician at the rehabilitation ward (`lege`, who also works on the ward's episodes) recorded
the Barthel Index, the modified Rankin Scale, the EQ-5D-5L (the profile and the EQ VAS entered by him: the
project has no licence for EuroQol's text) and a 6-minute walk at admission, at discharge and three months
after, in the context of the inpatient stay and then the outpatient follow-up. He walks further, needs less
help and rates his health higher each time; his mRS falls from 4 to 2.

Emil Haugen's physiotherapist (`fysio`) did a COPM with Emil and his mother at the start of his plan and again
at the evaluation; between the two his mother rated the goals' progress in the portal, and again after it, so
each goal has a few ratings over time beside the evaluation's.
"""

from __future__ import annotations

from typing import Any

from vegviser.accounts.models import User
from vegviser.assessments import services as assessments
from vegviser.assessments.library import instruments
from vegviser.demo.story import Story
from vegviser.demo.world import World
from vegviser.episodes.models import Episode, LevelOfCare
from vegviser.plans import services as plans
from vegviser.plans.models import Goal, GoalStatus, IndividualPlan, Measure, PlanStatus
from vegviser.registry import services as registry
from vegviser.registry.models import MembershipRole, OrganisationKind

# The days of Per's stroke story (see demo/episodes.py): admitted, discharged, and three months after, at the
# first outpatient follow-up.
_ADMISSION, _DISCHARGE, _THREE_MONTHS = -217, -191, -95


def recorded(world: World, story: Story) -> None:
    _per(world, story)
    _emil(world, story)


def response(
    code: str, answers: dict[str, Any], *, repeated: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A QuestionnaireResponse to the library's questionnaire `code`, as the recording form writes one: each
    answer by the item's type, a choice with the option's coding; `repeated` fills a repeating group."""
    questionnaire = instruments()[code].questionnaire

    def answered(item: dict[str, Any], value: Any) -> dict[str, Any]:
        kind = item["type"]
        if kind == "choice":
            option = next(
                o["valueCoding"] for o in item["answerOption"] if o["valueCoding"]["code"] == str(value)
            )
            answer: dict[str, Any] = {
                "valueCoding": {key: option[key] for key in ("system", "code") if key in option}
            }
        elif kind == "integer":
            answer = {"valueInteger": int(value)}
        elif kind == "decimal":
            answer = {"valueDecimal": float(value)}
        else:
            answer = {"valueString": str(value)}
        return {"linkId": item["linkId"], "answer": [answer]}

    items = []
    for item in questionnaire["item"]:
        if item["type"] == "group":
            for entry in repeated or []:
                items.append(
                    {
                        "linkId": item["linkId"],
                        "item": [
                            answered(inner, entry[inner["linkId"]])
                            for inner in item["item"]
                            if inner["linkId"] in entry
                        ],
                    }
                )
        elif item["linkId"] in answers:
            items.append(answered(item, answers[item["linkId"]]))
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"Questionnaire/{code}",
        "status": "completed",
        "language": "nb",
        "item": items,
    }


def _plan_of(world: World, person: str) -> IndividualPlan:
    return IndividualPlan.objects.exclude(status=PlanStatus.CLOSED).get(person=world.people[person])


# Per at admission, at discharge and three months after: each Barthel item's points, the mRS grade, the
# EQ-5D-5L profile and VAS, and the metres walked in six minutes.
_PER = {
    _ADMISSION: {
        "barthel": {
            "feeding": 5,
            "bathing": 0,
            "grooming": 0,
            "dressing": 5,
            "bowels": 10,
            "bladder": 5,
            "toilet": 5,
            "transfers": 10,
            "mobility": 5,
            "stairs": 0,
        },
        "mrs": {"grade": 4},
        "eq5d-5l": {"MO": 4, "SC": 3, "UA": 4, "PD": 2, "AD": 3, "VAS": 35},
        "six-minute-walk": {"metres": 110},
    },
    _DISCHARGE: {
        "barthel": {
            "feeding": 10,
            "bathing": 0,
            "grooming": 5,
            "dressing": 5,
            "bowels": 10,
            "bladder": 10,
            "toilet": 5,
            "transfers": 15,
            "mobility": 10,
            "stairs": 5,
        },
        "mrs": {"grade": 3},
        "eq5d-5l": {"MO": 3, "SC": 2, "UA": 3, "PD": 2, "AD": 2, "VAS": 55},
        "six-minute-walk": {"metres": 230},
    },
    _THREE_MONTHS: {
        "barthel": {
            "feeding": 10,
            "bathing": 5,
            "grooming": 5,
            "dressing": 10,
            "bowels": 10,
            "bladder": 10,
            "toilet": 10,
            "transfers": 15,
            "mobility": 15,
            "stairs": 5,
        },
        "mrs": {"grade": 2},
        "eq5d-5l": {"MO": 2, "SC": 2, "UA": 2, "PD": 1, "AD": 2, "VAS": 70},
        "six-minute-walk": {"metres": 350},
    },
}


def _per(world: World, story: Story) -> None:
    physician = world.users["lege"]
    unit = world.organisations[OrganisationKind.REHABILITATION_UNIT]
    # He treats the ward's patients as well as taking part in Per's plan: the recordings name the episodes.
    registry.add_membership(actor=None, organisation=unit, user=physician, role=MembershipRole.EPISODE_STAFF)
    plan = _plan_of(world, "per")
    episodes = Episode.objects.filter(person=world.people["per"], unit=unit).order_by("admitted_at")
    stay = episodes.filter(level_of_care=LevelOfCare.INPATIENT).first()
    follow_up = episodes.filter(level_of_care=LevelOfCare.OUTPATIENT).first()
    for offset, recordings in _PER.items():
        episode = follow_up if offset == _THREE_MONTHS else stay
        for code, answers in recordings.items():
            assessments.record_instrument(
                actor=physician,
                plan=plan,
                instrument=code,
                administered_on=story.day(offset),
                response=response(code, answers),
                episode=episode,
            )


# Emil's occupational performance problems, in his and his mother's words, with performance and satisfaction
# at the start and at the evaluation.
_COPM = (
    ("Gå ut i friminuttet og være med på leken", (3, 2), (7, 7)),
    ("Ta på seg yttertøyet selv", (4, 3), (6, 6)),
    ("Lese enkle ord sammen med klassen", (2, 3), (4, 4)),
)


def _emil(world: World, story: Story) -> None:
    physiotherapist = world.users["fysio"]
    plan = _plan_of(world, "emil")
    # The physiotherapy is the measure she is responsible for; the COPM belongs to it.
    measure = Measure.objects.filter(plan=plan, responsible_participant__user=physiotherapist).first()
    for offset, at in ((-105, 0), (-14, 1)):
        assessments.record_instrument(
            actor=physiotherapist,
            plan=plan,
            instrument="copm",
            administered_on=story.day(offset),
            response=response(
                "copm",
                {},
                repeated=[
                    {"problem": problem, "performance": scores[at][0], "satisfaction": scores[at][1]}
                    for problem, *scores in _COPM
                ],
            ),
            measure=measure,
        )
    # His mother's own ratings, between the start and the evaluation and since.
    mother = User.objects.get(person=world.people["fatima"])
    for goal in Goal.objects.filter(plan=plan, parent=None, status=GoalStatus.ACTIVE).order_by("created_at"):
        for offset, attainment in zip((-75, -40, -3), _MOTHER.get(_topic(goal), (-1, 0, 1)), strict=True):
            rating = plans.rate_progress(actor=mother, goal=goal, attainment=attainment)
            story.stamp(rating, created_at=story.at(story.day(offset), 20))


# Her ratings of each goal, ten and five weeks before the evaluation and three days ago: the playground came
# first, the reading is slow.
_MOTHER = {"playground": (-2, -1, 1), "reading": (-2, -2, -1)}


def _topic(goal: Goal) -> str:
    text = goal.text.lower()
    if "friminutt" in text:
        return "playground"
    if "lese" in text:
        return "reading"
    return "everyday"
