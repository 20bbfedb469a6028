"""Reads of the priority guides. They hold no one's health data, so reading them is not logged."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.shortcuts import get_object_or_404

from vegviser.access import policy
from vegviser.access.policy import Action

from .models import PriorityGuideCondition
from .priority_guides import plain_text

if TYPE_CHECKING:
    import uuid

    from vegviser.accounts.models import User


def _searchable(condition: PriorityGuideCondition) -> str:
    text = condition.source.get("tekst", "") if isinstance(condition.source, dict) else ""
    return f"{condition.title}\n{plain_text(text) if isinstance(text, str) else ''}".casefold()


def search_conditions(*, user: User, query: str = "", guide: str = "") -> list[PriorityGuideCondition]:
    """The conditions in force whose title or text has every word of `query`, of one guide or all three.
    The guides hold a few hundred conditions at most: the words are matched here, in the text as published."""
    policy.require(user, Action.PRIORITY_GUIDE_VIEW)
    conditions = PriorityGuideCondition.objects.filter(withdrawn=False)
    if guide:
        conditions = conditions.filter(guide=guide)
    return matching(conditions.order_by("guide", "title", "suggested_weeks"), query)


def matching(conditions: Iterable[PriorityGuideCondition], query: str) -> list[PriorityGuideCondition]:
    """The conditions whose title or text has every word of `query` (all of them when it has none): the
    guides' pages and the assessment form find the same."""
    words = query.casefold().split()
    return [condition for condition in conditions if all(word in _searchable(condition) for word in words)]


def get_condition(*, user: User, pk: uuid.UUID) -> PriorityGuideCondition:
    """One condition, withdrawn or not: an assessment that rests on a withdrawn one still links to it."""
    policy.require(user, Action.PRIORITY_GUIDE_VIEW)
    return get_object_or_404(PriorityGuideCondition, pk=pk)
