"""Reads for the person's own pages, through the access policy: whose pages a user may open (their own from
16, and those they act for), and what those pages show. Each page's read is logged once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vegviser.access import policy
from vegviser.access.policy import Action
from vegviser.accounts.models import Notification
from vegviser.audit.services import record_access
from vegviser.intake.models import CoordinatorAssignment, NeedReport
from vegviser.plans import selectors as plan_selectors
from vegviser.plans.models import GoalRating, IndividualPlan, Meeting, PlanStatus
from vegviser.plans.selectors import PlanContent
from vegviser.registry.models import Person, RelationKind

if TYPE_CHECKING:
    from vegviser.accounts.models import User

REPRESENTING = [RelationKind.PARENT, RelationKind.GUARDIAN, RelationKind.POWER_OF_ATTORNEY]
# Who sees who has read the person's information: as for the plan's own access log.
LOG_READERS = frozenset({policy.PlanRole.PERSON, policy.PlanRole.REPRESENTATIVE})


class NoLongerRepresented(PermissionDenied):
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
    role: str

    @property
    def is_self(self) -> bool:
        return self.role == policy.PlanRole.PERSON


def subjects(user: User) -> list[Subject]:
    """The user's own pages (from 16) first, then those of everyone they act for today."""
    candidates = Person.objects.filter(
        Q(user=user) | Q(relations__relative__user=user, relations__kind__in=REPRESENTING)
    ).distinct()
    found = [Subject(person, role) for person in candidates if (role := policy.portal_role(user, person))]
    return sorted(found, key=lambda s: (not s.is_self, s.person.given_name, s.person.family_name))


def get_subject(*, user: User, pk: uuid.UUID, action: str = Action.PORTAL_VIEW) -> Subject:
    """The person, if the user may do `action` on their pages; a former representative is told why not."""
    person = Person.objects.select_related("municipality").filter(pk=pk).first()
    if person is None:
        raise Http404
    if not policy.can(user, action, person):
        if policy.portal_role(user, person) is None and _represented_once(user, person):
            raise NoLongerRepresented
        raise Http404
    return Subject(person, policy.portal_role(user, person) or "")


def _represented_once(user: User, person: Person) -> bool:
    """Whether the user acted for the person and no longer does for a reason they can be told: the child
    turned 16, the relation ended, or the mandate does not cover health. A confidential address (code 6/7)
    is never hinted at, nor is a mandate that has not begun."""
    if person.has_confidential_address:
        return False
    today = timezone.localdate()
    age = person.age_on(today)
    for relation in person.relations.filter(relative__user=user, kind__in=REPRESENTING).select_related(
        "relative"
    ):
        if relation.relative.has_confidential_address or relation.valid_from > today:
            continue
        if relation.valid_to is not None and relation.valid_to < today:
            return True
        if relation.kind == RelationKind.PARENT and age is not None and age >= 16:
            return True
        if relation.kind != RelationKind.PARENT and not relation.covers_health:
            return True
    return False


def current_plan(person: Person) -> IndividualPlan | None:
    """The open plan, or else the newest closed one."""
    plans = IndividualPlan.objects.filter(person=person).select_related("person", "municipality")
    return plans.exclude(status=PlanStatus.CLOSED).first() or plans.order_by("-closed_at").first()


def log_read(*, user: User, subject: Subject, plan: IndividualPlan | None, purpose: str) -> None:
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
    subject: Subject
    plan: IndividualPlan | None
    content: PlanContent | None
    coordinators: list[CoordinatorAssignment]
    next_meeting: Meeting | None = None
    unread_messages: int = 0
    requests: list[NeedReport] = field(default_factory=list)


def home(*, user: User, subject: Subject) -> Home:
    """What the home page shows: the coordinator, the goals and progress, who helps with what, and what
    comes next."""
    plan = current_plan(subject.person)
    log_read(user=user, subject=subject, plan=plan, purpose="portal")
    content = plan_selectors.plan_content(user=user, plan=plan) if plan is not None else None
    coordinators = (
        content.coordinators
        if content is not None
        else list(
            CoordinatorAssignment.objects.filter(person=subject.person, active=True).select_related(
                "coordinator", "organisation"
            )
        )
    )
    result = Home(subject=subject, plan=plan, content=content, coordinators=coordinators)
    result.requests = list(
        NeedReport.objects.filter(person=subject.person, reported_by=user).order_by("-received_at")[:5]
    )
    if content is None or plan is None:
        return result
    attach_progress(content)
    now = timezone.now()
    result.next_meeting = next((m for m in content.meetings if m.starts_at >= now and not m.cancelled), None)
    result.unread_messages = Notification.objects.filter(
        user=user, read_at__isnull=True, url=reverse("portal:messages", kwargs={"pk": subject.person.pk})
    ).count()
    return result


def attach_progress(content: PlanContent) -> None:
    """Give each shown goal its newest rating (`latest`: at an evaluation or by the person) and the person's
    side's own newest (`own_rating`), each with the words of its level on the goal's scale."""
    goals = {goal.pk: goal for goal in content.goals}
    for goal in goals.values():
        goal.latest_rating = goal.own_rating = None  # type: ignore[attr-defined]
    ratings = GoalRating.objects.filter(goal__in=list(goals)).order_by("-created_at")
    for rating in ratings:
        goal = goals[rating.goal_id]
        rating.level_text = dict(goal.scale()).get(rating.attainment, "")  # type: ignore[attr-defined]
        if goal.latest_rating is None:  # type: ignore[attr-defined]
            goal.latest_rating = rating  # type: ignore[attr-defined]
        if goal.own_rating is None and rating.evaluation_id is None:  # type: ignore[attr-defined]
            goal.own_rating = rating  # type: ignore[attr-defined]
