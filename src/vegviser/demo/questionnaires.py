"""Per's PSFS in the portal: since the work trial was planned, his coordinator has sent him the
Patient-Specific Functional Scale every four weeks by a schedule. He answered the first three on his phone,
each a little better than the last; the fourth was due three days ago and waits, so it shows on the
coordinator's follow-up list and Per has had his one reminder.

Kept apart from the recorded instruments of Per's stay (another part of the demo), so that each tells one
thing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from vegviser.assessments import services as assessments
from vegviser.assessments.models import Administration, Schedule, SentQuestionnaire
from vegviser.demo.story import Story
from vegviser.demo.world import World
from vegviser.plans.models import IndividualPlan

# The days the questionnaires were sent, counted from today: every four weeks, the last one ten days ago.
_SENT = (-94, -66, -38, -10)
# Per's three activities, and how he rated each time he answered (0 = cannot do it, 10 = as before).
_ACTIVITIES = ("Gå tur i skogen med Anne", "Jobbe en hel arbeidsdag", "Kjøre bil")
_RATINGS = ((4, 2, 1), (5, 3, 2), (7, 5, 4))


def _response(ratings: tuple[int, ...]) -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "Questionnaire/psfs",
        "status": "completed",
        "language": "nb",
        "item": [
            {
                "linkId": "activities",
                "item": [
                    {"linkId": "activity", "answer": [{"valueString": activity}]},
                    {"linkId": "rating", "answer": [{"valueInteger": rating}]},
                ],
            }
            for activity, rating in zip(_ACTIVITIES, ratings, strict=True)
        ],
    }


def psfs_by_schedule(world: World, story: Story, plan: IndividualPlan) -> None:
    coordinator = world.users["koordinator"]
    per = world.users["pasient"]
    started = story.day(_SENT[0])
    schedule = assessments.set_schedule(
        actor=coordinator,
        plan=plan,
        instrument="psfs",
        every_weeks=4,
        # The service takes no start in the past; the schedule was set on the story's first day, moved
        # there below, so that it sends nothing today.
        starts_on=story.day(1),
        ends_on=story.day(120),
    )
    Schedule.objects.filter(pk=schedule.pk).update(starts_on=started)
    story.stamp(schedule, created_at=story.at(started, 9), updated_at=story.at(started, 9))
    for number, offset in enumerate(_SENT):
        sent_on = story.day(offset)
        sent = assessments.send_questionnaire(
            actor=None,
            plan=plan,
            instrument="psfs",
            schedule=schedule,
            sent_on=sent_on,
            due_on=sent_on + timedelta(days=assessments.ANSWER_DAYS),
        )
        story.stamp(sent, created_at=story.at(sent_on, 6), updated_at=story.at(sent_on, 6))
        if number >= len(_RATINGS):
            continue  # the one still waiting
        administration = assessments.answer_questionnaire(
            actor=per, sent=sent, response=_response(_RATINGS[number])
        )
        answered = story.at(sent_on + timedelta(days=2), 20, 15)
        Administration.objects.filter(pk=administration.pk).update(administered_on=answered.date())
        story.stamp(administration, created_at=answered, updated_at=answered)
        story.stamp(SentQuestionnaire.objects.filter(pk=sent.pk), answered_at=answered, updated_at=answered)
    # The reminders' run of today: Per is reminded once of the one he has not answered.
    assessments.send_due(today=story.today)
