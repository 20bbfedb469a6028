"""The plan page's repeated parts, worked out once in Python so that the template only prints them.

A large plan has dozens of goals, measures and meetings; Django's template language is slow at logic done
once per row (sorting, comparing dates as text, reversing a URL, shortening the same goal's text for every
measure that serves it), and each printed value and `{% if %}` costs more there than in Python: a goal's
facts, a measure's period, a meeting's time and an evaluation's line are joined here, and the tags that cost
most per row there (`{% url %}`, `{% blocktranslate %}`, the `date`, `floatformat` and `truncatechars`
filters) are done here once per row instead. What is shown, and to whom, is decided as before: by
`selectors.plan_content` and the policy; this module only arranges it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vegviser.core.formats import clock, day, signed_level

from .models import ATTAINMENT_LEVELS, SCALE_FIELDS, Goal, GoalRating, Measure, Meeting, PlanParticipant
from .selectors import PlanContent, private_goals_hidden_from

# Any UUID will do: it is replaced by each row's own.
_PLACEHOLDER = str(uuid.UUID(int=0))


def url_for_each(name: str) -> Callable[[Any], str]:
    """`reverse(name, args=[pk])` for many rows at the cost of one reverse: the URL's text around the pk
    is the same for every row."""
    before, after = reverse(name, args=[_PLACEHOLDER]).split(_PLACEHOLDER)
    return lambda pk: f"{before}{pk}{after}"


def labels(model: type[models.Model], field_name: str) -> Callable[[Any], str]:
    """`row.get_<field>_display()` for many rows: Django builds the whole dict of translated choices on every
    call; here it is built once."""
    model_field = model._meta.get_field(field_name)
    assert isinstance(model_field, models.Field)
    choices = {value: str(label) for value, label in model_field.flatchoices}
    return lambda value: choices.get(value, str(value))


def meeting_time(meeting: Meeting) -> str:
    """When a meeting is, as the page lists it: "mandag 04.05.2026, 14:30–15:30" in the active language and
    time zone, as `date:"l d.m.Y"` and `time:"H:i"` print it, with each time converted to local time once."""
    starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    return f"{WEEKDAYS[starts.weekday()]} {day(starts)}, {clock(starts)}–{clock(ends)}"


@dataclass
class ScaleStep:
    term: str  # "-2" … "+2", and "(start)" after the goal's baseline
    description: str


@dataclass
class GoalRow:
    goal: Goal
    sub: bool
    # Status, life area, target date, who wrote it, whether it is kept from the parents: joined with " · ".
    facts: str
    scale: list[ScaleStep]
    weights: str  # "Importance 2, difficulty 1", or nothing when they are not set
    short_text: str  # for the edit link's hidden words
    edit_url: str = ""
    # The person's latest own rating between evaluations: the level on the goal's scale and the day; and
    # the comment they gave. Only for readers of the whole plan.
    self_rating: str = ""
    self_rating_comment: str = ""


@dataclass
class GoalCard:
    """A main goal (or a sub-goal whose main goal is hidden) and its sub-goals, as one card."""

    goal: Goal
    rows: list[GoalRow]
    sub_goal_url: str = ""


@dataclass
class MeasureRow:
    measure: Measure
    served: str  # the goals it serves, each shortened, joined with "; "
    status: str
    period: str  # "01.02.2026 – 30.06.2026", or only the start
    edit_url: str = ""
    # The participant responsible has lost access: the consent no longer covers their organisation.
    without_consent: bool = False


@dataclass
class ParticipantRow:
    participant: PlanParticipant
    access_level: str
    edit_url: str = ""
    end_url: str = ""
    without_consent: bool = False


@dataclass
class Tag:
    color: str
    text: str


@dataclass
class MeetingRow:
    meeting: Meeting
    url: str
    when: str  # see `meeting_time`
    where: str  # the place, "by video", or nothing
    tag: Tag | None = None  # cancelled; for a meeting held, whether its minutes are approved


@dataclass
class Meetings:
    upcoming: list[MeetingRow] = field(default_factory=list)
    earlier: list[MeetingRow] = field(default_factory=list)


@dataclass
class EvaluationRow:
    url: str
    day: str
    label: str  # "Evaluation of 23.11.2026"
    # The T-score as `floatformat:1` prints it, and "T-score 52,6"; nothing without one, or for the parents of
    # a 12–15-year-old.
    score: str
    score_label: str


def goal_cards(
    content: PlanContent, *, may_edit: bool, self_ratings: dict[Any, GoalRating] | None = None
) -> list[GoalCard]:
    edit = url_for_each("plans:goal_edit") if may_edit else None
    add_sub_goal = reverse("plans:goal_add", args=[content.plan.pk]) + "?parent=" if may_edit else ""
    status, life_area = labels(Goal, "status"), labels(Goal, "life_area")
    start = _("start")

    def term(level: int, goal: Goal) -> str:
        label = signed_level(level)
        return f"{label} ({start})" if level == goal.baseline else label

    def row(goal: Goal, *, sub: bool) -> GoalRow:
        scale = (
            [
                ScaleStep(term=term(level, goal), description=getattr(goal, SCALE_FIELDS[level]) or "–")
                for level in ATTAINMENT_LEVELS
            ]
            if goal.level_0
            else []
        )
        facts = [status(goal.status)]
        if goal.life_area:
            facts.append(life_area(goal.life_area))
        if goal.target_date:
            facts.append(_("by %(date)s") % {"date": day(goal.target_date)})
        if goal.written_by_name:
            facts.append(_("written by %(name)s") % {"name": goal.written_by_name})
        if goal.private_to_parents:
            facts.append(_("private: not shown to parents"))
        return GoalRow(
            goal=goal,
            sub=sub,
            facts=" · ".join(facts),
            scale=scale,
            weights=_("Importance %(importance)s, difficulty %(difficulty)s")
            % {"importance": goal.importance, "difficulty": goal.difficulty}
            if scale and goal.importance is not None
            else "",
            short_text=Truncator(goal.text).chars(40) if edit else "",
            edit_url=edit(goal.pk) if edit else "",
            **own_rating(goal),
        )

    def own_rating(goal: Goal) -> dict[str, str]:
        rating = (self_ratings or {}).get(goal.pk)
        if rating is None:
            return {}
        level = term(rating.attainment, goal)
        description = getattr(goal, SCALE_FIELDS[rating.attainment]) or ""
        return {
            "self_rating": _("The person's latest own rating: %(level)s on %(date)s")
            % {"level": f"{level} {description}".strip(), "date": day(timezone.localdate(rating.created_at))},
            "self_rating_comment": rating.comment,
        }

    return [
        GoalCard(
            goal=main,
            rows=[row(main, sub=False)] + [row(sub, sub=True) for sub in sub_goals],
            sub_goal_url=f"{add_sub_goal}{main.pk}" if may_edit else "",
        )
        for main, sub_goals in content.main_goals
    ]


def measure_rows(content: PlanContent, *, editable: set[Any]) -> list[MeasureRow]:
    edit = url_for_each("plans:measure_edit")
    status = labels(Measure, "status")
    shortened: dict[Any, str] = {}

    def short(goal: Goal) -> str:
        if goal.pk not in shortened:
            shortened[goal.pk] = Truncator(goal.text).chars(60)
        return shortened[goal.pk]

    return [
        MeasureRow(
            measure=measure,
            served="; ".join(short(goal) for goal in content.served_goals.get(measure.pk, [])),
            status=status(measure.status),
            period=f"{day(measure.starts_on)} – {day(measure.ends_on)}"
            if measure.ends_on
            else day(measure.starts_on),
            edit_url=edit(measure.pk) if measure.pk in editable else "",
            without_consent=measure.responsible_participant_id in content.without_consent,
        )
        for measure in content.measures
    ]


def participant_rows(content: PlanContent, *, may_edit: bool) -> list[ParticipantRow]:
    """The participants the page lists: those taking part, and for the coordinator those who left too."""
    access_level = labels(PlanParticipant, "access_level")
    edit = url_for_each("plans:participant_edit") if may_edit else None
    end = url_for_each("plans:participant_end") if may_edit else None
    return [
        ParticipantRow(
            participant=participant,
            access_level=access_level(participant.access_level),
            edit_url=edit(participant.pk) if edit else "",
            end_url=end(participant.pk) if end else "",
            without_consent=participant.pk in content.without_consent,
        )
        for participant in content.participants
        if participant.active or may_edit
    ]


def _to_the_minute(value: datetime) -> datetime:
    """Local wall-clock time to the minute: a meeting counts as upcoming until the minute it ends."""
    return timezone.localtime(value).replace(second=0, microsecond=0, tzinfo=None)


def meetings(content: PlanContent, *, may_edit: bool, now: datetime | None = None) -> Meetings:
    """Upcoming meetings by when they end, soonest first; then those that have ended, latest first. A meeting
    held is tagged by its minutes; that they are not yet approved, only for the coordinator, who approves
    them."""
    now_local = _to_the_minute(now or timezone.now())
    url = url_for_each("plans:meeting_detail")
    by_video = _("by video")
    cancelled = Tag("danger", pgettext("meeting", "Cancelled"))
    approved, not_approved = Tag("success", _("Minutes approved")), Tag("warning", _("Minutes not approved"))

    def row(meeting: Meeting, *, held: bool) -> MeetingRow:
        if meeting.cancelled:
            tag: Tag | None = cancelled
        elif not held:
            tag = None
        elif meeting.minutes_approved_at:
            tag = approved
        else:
            tag = not_approved if may_edit else None
        return MeetingRow(
            meeting,
            url(meeting.pk),
            meeting_time(meeting),
            where=meeting.place or (by_video if meeting.video_link else ""),
            tag=tag,
        )

    by_end = sorted(content.meetings, key=lambda meeting: meeting.ends_at)
    return Meetings(
        upcoming=[row(m, held=False) for m in by_end if _to_the_minute(m.ends_at) >= now_local],
        earlier=[row(m, held=True) for m in reversed(by_end) if _to_the_minute(m.ends_at) < now_local],
    )


def evaluation_rows(content: PlanContent) -> list[EvaluationRow]:
    """The plan's evaluations, latest first. The parents of a 12–15-year-old are not shown the T-score: it is
    worked out from every goal, the private ones too."""
    url = url_for_each("plans:evaluation_detail")
    show_score = not private_goals_hidden_from(content.role)
    rows = []
    for evaluation in content.evaluations:
        evaluated_on = day(evaluation.evaluated_on)
        score = floatformat(evaluation.t_score, 1) if evaluation.t_score is not None and show_score else ""
        rows.append(
            EvaluationRow(
                url=url(evaluation.pk),
                day=evaluated_on,
                label=_("Evaluation of %(date)s") % {"date": evaluated_on},
                score=score,
                score_label=_("T-score %(score)s") % {"score": score} if score else "",
            )
        )
    return rows
