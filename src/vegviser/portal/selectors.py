"""Reads for the person's own pages, through the access policy: whose pages a user may open (their own from
16, and those they act for), and what those pages show. Each page's read is logged once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.assessments.models import SentQuestionnaire
from vegviser.audit.models import ReadPurpose
from vegviser.audit.services import record_access
from vegviser.core.http import ExplainedRefusal, RefusedAsNotFound
from vegviser.intake.models import CoordinatorAssignment, NeedReport
from vegviser.plans import notices
from vegviser.plans import selectors as plan_selectors
from vegviser.plans.models import IndividualPlan, Meeting, PlanStatus
from vegviser.plans.selectors import PlanContent
from vegviser.registry.models import Person

if TYPE_CHECKING:
    from vegviser.accounts.models import User


class NoLongerRepresented(ExplainedRefusal):
    """The user once acted for this person and no longer does: they are told so, plainly."""

    message = _(
        "You can no longer act for this person. A parent's access ends when the child turns 16, and a "
        "guardianship or power of attorney ends on the date it was given for, or does not cover health and "
        "care. If you think this is wrong, contact the coordinating unit in the municipality."
    )


@dataclass(frozen=True)
class Subject:
    """A person whose pages the user may open, and why."""

    person: Person
    role: policy.PlanRole

    @property
    def is_self(self) -> bool:
        return self.role == policy.PlanRole.PERSON

    @property
    def acted_for(self) -> Person | None:
        """The person, when the user acts for them (a parent, a guardian): the pages then speak of the person
        by name, not to them. None on one's own pages, from 16 on."""
        return None if self.is_self else self.person


def subjects(user: User) -> list[Subject]:
    """The user's own pages (from 16) first, then those of everyone they act for today."""
    candidates = Person.objects.filter(
        Q(user=user) | Q(relations__relative__user=user, relations__kind__in=policy.REPRESENTING_KINDS)
    ).distinct()
    found = [Subject(person, role) for person in candidates if (role := policy.portal_role(user, person))]
    return sorted(found, key=lambda s: (not s.is_self, s.person.given_name, s.person.family_name))


def get_subject(*, user: User, pk: uuid.UUID, action: Action = Action.PORTAL_VIEW) -> Subject:
    """The person, if the user may do `action` on their pages; a former representative is told why not."""
    person = Person.objects.select_related("municipality").filter(pk=pk).first()
    if person is None:
        raise Http404
    if not policy.can(user, action, person):
        if policy.no_longer_represents(user, person):
            raise NoLongerRepresented
        raise RefusedAsNotFound(action, person)
    role = policy.portal_role(user, person)
    if role is None:  # every action on the person's pages asks for a standing on them
        raise Http404
    return Subject(person, role)


def current_plan(person: Person) -> IndividualPlan | None:
    """The open plan, or else the newest closed one."""
    plans = plan_selectors.plans_with_person().filter(person=person)
    return plans.exclude(status=PlanStatus.CLOSED).first() or plans.order_by("-closed_at").first()


def log_read(*, user: User, subject: Subject, plan: IndividualPlan | None, purpose: ReadPurpose) -> None:
    """One access record for the page: of the plan where there is one, else of the person."""
    record_access(
        actor=user,
        person_ids=[subject.person.pk],
        obj=plan if plan is not None else subject.person,
        purpose=purpose,
        role=f"plan:{subject.role}",
    )


@dataclass
class Home:
    plan: IndividualPlan | None
    content: PlanContent | None
    coordinators: list[CoordinatorAssignment]
    next_meeting: Meeting | None = None
    unread_messages: int = 0
    # Questionnaires waiting for the user's answer (none for whoever does not answer them).
    questionnaires: int = 0
    requests: list[NeedReport] = field(default_factory=list)


def home(*, user: User, subject: Subject) -> Home:
    """What the home page shows: the coordinator, the goals and progress, who helps with what, and what
    comes next."""
    plan = current_plan(subject.person)
    if plan is not None:
        policy.require(user, Action.PLAN_VIEW, plan)
    log_read(user=user, subject=subject, plan=plan, purpose=ReadPurpose.PORTAL)
    content = (
        plan_selectors.plan_content(user=user, plan=plan, linked_plans=False, history=False)
        if plan is not None
        else None
    )
    coordinators = (
        content.coordinators
        if content is not None
        else list(
            CoordinatorAssignment.objects.filter(person=subject.person, active=True).select_related(
                "coordinator", "organisation"
            )
        )
    )
    result = Home(plan=plan, content=content, coordinators=coordinators)
    result.requests = list(
        NeedReport.objects.filter(person=subject.person, reported_by=user).order_by("-received_at")[:5]
    )
    if content is None or plan is None:
        return result
    attach_progress(content)
    now = timezone.now()
    result.next_meeting = next((m for m in content.meetings if m.starts_at >= now and not m.cancelled), None)
    if policy.can(user, Action.PORTAL_QUESTIONNAIRE, plan):
        result.questionnaires = SentQuestionnaire.objects.filter(
            plan=plan, administration__isnull=True, closed_at__isnull=True
        ).count()
    result.unread_messages = notices.unread(
        user=user, url=reverse("portal:messages", kwargs={"pk": subject.person.pk})
    )
    return result


def attach_progress(content: PlanContent) -> None:
    """Give each shown goal its newest rating (at an evaluation or by the person), with the words of its
    level on the goal's scale."""
    latest = plan_selectors.latest_ratings(content.goals)
    for goal in content.goals:
        rating = goal.latest_rating = latest.get(goal.pk)  # type: ignore[attr-defined]
        if rating is not None:
            rating.level_text = dict(goal.scale()).get(rating.attainment, "")  # type: ignore[attr-defined]
