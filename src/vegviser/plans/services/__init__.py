"""Every write to an individual plan, one module by subject. Keyword-only, checks the policy, one transaction,
audit record included; `_write` holds what every plan write does around its change (the policy, an open
plan, the plan marked active). Everything a caller uses is here, so `services.add_goal` names the service
wherever it lives."""

from __future__ import annotations

from .evaluations import active_goals, evaluate_plan, plan_t_score
from .goals import GOAL_FIELDS, add_goal, update_goal
from .joining import accept_join_request, ask_to_join, consent_covers, decline_join_request
from .measures import MEASURE_FIELDS, add_measure, update_measure
from .meetings import (
    MEETING_FIELDS,
    MEETING_LOCKED,
    NO_DECISIONS_AFTER_APPROVAL,
    answer_invitee,
    approve_minutes,
    cancel_meeting,
    record_decision,
    schedule_meeting,
    update_meeting,
    write_to_coordinator,
)
from .notes import add_note
from .participants import PARTICIPANT_FIELDS, add_participant, end_participation, update_participant
from .person_side import (
    PERSON_GOAL_FIELDS,
    RATING_FIELDS,
    agree_to_plan,
    propose_goal,
    rate_progress,
    send_message,
    update_own_goal,
    update_what_matters,
)
from .plan import (
    HEADER_FIELDS,
    activate_plan,
    activation_problems,
    close_plan,
    create_plan,
    missing_in_words,
    pause_plan,
    revise_plan,
    update_plan,
)
from .sub_plans import SUB_PLAN_FIELDS, link_sub_plan, unlink_sub_plan

__all__ = [
    "GOAL_FIELDS",
    "HEADER_FIELDS",
    "MEASURE_FIELDS",
    "MEETING_FIELDS",
    "MEETING_LOCKED",
    "NO_DECISIONS_AFTER_APPROVAL",
    "PARTICIPANT_FIELDS",
    "PERSON_GOAL_FIELDS",
    "RATING_FIELDS",
    "SUB_PLAN_FIELDS",
    "accept_join_request",
    "activate_plan",
    "activation_problems",
    "active_goals",
    "add_goal",
    "add_measure",
    "add_note",
    "add_participant",
    "agree_to_plan",
    "answer_invitee",
    "approve_minutes",
    "ask_to_join",
    "cancel_meeting",
    "close_plan",
    "consent_covers",
    "create_plan",
    "decline_join_request",
    "end_participation",
    "evaluate_plan",
    "link_sub_plan",
    "missing_in_words",
    "pause_plan",
    "plan_t_score",
    "propose_goal",
    "rate_progress",
    "record_decision",
    "revise_plan",
    "schedule_meeting",
    "send_message",
    "unlink_sub_plan",
    "update_goal",
    "update_measure",
    "update_meeting",
    "update_own_goal",
    "update_participant",
    "update_plan",
    "update_what_matters",
    "write_to_coordinator",
]
