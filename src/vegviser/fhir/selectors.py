"""What a caller of the API may read, through the access policy: the same persons and organisations the
signed-in user may read in the pages, and every read of a person recorded with channel "API" and the client.

A person is read by whoever may open their page in the registry (the coordinating unit of their
municipality) and by whoever may read one of their plans (the coordinator, a participant the consent
covers, the person from 16, a representative, a professional who broke the glass). Anyone else is answered
as if the person did not exist.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Case, CharField, F, OuterRef, Q, QuerySet, Subquery, Value, When

from vegviser.access import policy
from vegviser.access.policy import Action, PlanRole
from vegviser.audit.models import Channel, ReadPurpose
from vegviser.audit.services import record_access
from vegviser.core.http import RefusedAsNotFound
from vegviser.episodes.models import Episode
from vegviser.intake.models import CoordinatorAssignment
from vegviser.plans.models import Goal, GoalRating, GoalStatus, IndividualPlan, Measure, PlanParticipant
from vegviser.plans.selectors import from_loaded, plan_reader_role, visible_in_role
from vegviser.registry.models import Organisation, Person

if TYPE_CHECKING:
    from vegviser.accounts.models import User


# At most this many resources join a page through _include or _revinclude.
MAX_INCLUDED = 1000


@dataclass(frozen=True)
class Caller:
    """Who reads through the API: the user the token was issued to, and the application (client) that holds
    it, by name."""

    user: User
    client: str


def _plans_read_by(user: User) -> list[IndividualPlan]:
    candidates = list(policy.candidate_plans(user).select_related("person"))
    policy.prepare_plan_roles(user, candidates)
    return [plan for plan in candidates if policy.can(user, Action.PLAN_VIEW, plan)]


def readable_persons(user: User) -> QuerySet[Person]:
    """The persons the user may read, as one queryset to filter and page."""
    through_plans = [plan.person_id for plan in _plans_read_by(user)]
    return Person.objects.filter(
        Q(pk__in=policy.visible_persons(user).values("pk")) | Q(pk__in=through_plans)
    ).select_related("municipality")


def may_read_person(user: User, person: Person) -> bool:
    if policy.can(user, Action.PERSON_VIEW, person):
        return True
    plans = list(IndividualPlan.objects.filter(person=person).select_related("person"))
    # The roles of all the person's plans in a fixed number of queries, as `_plans_read_by` loads them.
    policy.prepare_plan_roles(user, plans)
    return any(policy.can(user, Action.PLAN_VIEW, plan) for plan in plans)


def read_patient(caller: Caller, pk: uuid.UUID) -> Person:
    person = Person.objects.select_related("municipality").filter(pk=pk).first()
    if person is None:
        raise RefusedAsNotFound(Action.PERSON_VIEW)
    if not may_read_person(caller.user, person):
        raise RefusedAsNotFound(Action.PERSON_VIEW, person)
    record_access(
        actor=caller.user,
        person_ids=[person.pk],
        obj=person,
        purpose=ReadPurpose.API_READ,
        channel=Channel.API,
        client=caller.client,
    )
    return person


def search_patients(
    caller: Caller,
    narrow: Callable[[QuerySet[Person]], QuerySet[Person]],
    offset: int,
    count: int,
    order: tuple[Any, ...] = (),
) -> tuple[list[Person], int]:
    """One page of the persons the caller may read that the search's filters (`narrow`) keep, and how many
    there are in all. Only the persons on the page are read, so only they are recorded."""
    found = narrow(readable_persons(caller.user)).order_by(*order, "family_name", "given_name", "pk")
    total = found.count()
    page = list(found[offset : offset + count])
    _record_persons(caller, page)
    return page, total


def fetch_patients(caller: Caller, narrow: Callable[[QuerySet[Person]], QuerySet[Person]]) -> list[Person]:
    """Every person the caller may read that the filter keeps (a search's _include), each read recorded."""
    found = list(
        narrow(readable_persons(caller.user)).order_by("family_name", "given_name", "pk")[:MAX_INCLUDED]
    )
    _record_persons(caller, found)
    return found


def _record_persons(caller: Caller, persons: list[Person]) -> None:
    """A search's persons, each recorded as read: only those on the page, or included in it."""
    if persons:
        record_access(
            actor=caller.user,
            person_ids=[person.pk for person in persons],
            object_type="registry.person",
            purpose=ReadPurpose.API_SEARCH,
            channel=Channel.API,
            client=caller.client,
        )


def readable_organisations(user: User) -> QuerySet[Organisation]:
    """The organisations the user may read: those of the public service directory (the active ones), and
    every one the user administers. An organisation holds no personal data: its reads are not recorded."""
    organisations = Organisation.objects.filter(active=True)
    if policy.can(user, Action.ORGANISATION_LIST):
        organisations = organisations | policy.manageable_organisations(user)
    return organisations.select_related("municipality").distinct()


def read_organisation(caller: Caller, pk: uuid.UUID) -> Organisation:
    organisation = readable_organisations(caller.user).filter(pk=pk).first()
    if organisation is None:
        raise RefusedAsNotFound(Action.ORGANISATION_LIST)
    return organisation


def search_organisations(
    caller: Caller,
    narrow: Callable[[QuerySet[Organisation]], QuerySet[Organisation]],
    offset: int,
    count: int,
    order: tuple[Any, ...] = (),
) -> tuple[list[Organisation], int]:
    found = narrow(readable_organisations(caller.user)).order_by(*order, "name", "pk")
    return list(found[offset : offset + count]), found.count()


# The individual plan as CarePlan, its goals as Goal and its participants as CareTeam: read by whoever may
# read the plan in the pages, and only what they may see of it there (plans.selectors.visible_in_role).


@dataclass
class PlanView:
    """One plan as one reader may see it, loaded for many plans at once: the reader's role, the goals,
    measures and participants the role shows, the goals each measure serves, and the coordinators (not for a
    limited participant, who sees only their own part)."""

    plan: IndividualPlan
    role: PlanRole
    goals: list[Goal] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    participants: list[PlanParticipant] = field(default_factory=list)
    served: dict[Any, list[Goal]] = field(default_factory=dict)
    coordinators: list[CoordinatorAssignment] = field(default_factory=list)


def _latest_attainment() -> Subquery:
    return Subquery(
        GoalRating.objects.filter(goal=OuterRef("pk")).order_by("-created_at").values("attainment")[:1]
    )


def goals_with_achievement(goals: QuerySet[Goal]) -> QuerySet[Goal]:
    """Each goal with its achievement (FHIR's goal-achievement codes) from its latest rating on the attainment
    scale, so that a search can filter by it: none yet is in progress (for a goal in play), the expected
    outcome (0) or better is achieved, and else the goal has improved, not changed or worsened from where it
    started (its baseline)."""
    return goals.annotate(latest_attainment=_latest_attainment()).annotate(
        achievement=Case(
            # A goal only proposed, or given up, before any rating has no achievement to tell.
            When(
                latest_attainment__isnull=True,
                status__in=(GoalStatus.PROPOSED, GoalStatus.CANCELLED),
                then=Value(None),
            ),
            When(latest_attainment__isnull=True, then=Value("in-progress")),
            When(latest_attainment__gte=0, then=Value("achieved")),
            When(latest_attainment__gt=F("baseline"), then=Value("improving")),
            When(latest_attainment=F("baseline"), then=Value("no-change")),
            default=Value("worsening"),
            output_field=CharField(),
        )
    )


def readable_plans(user: User) -> list[IndividualPlan]:
    """The plans the user may read, with the roles `policy.plan_role` answers from loaded for all of them."""
    return _plans_read_by(user)


def plan_views(user: User, plans: list[IndividualPlan]) -> dict[Any, PlanView]:
    """What the user sees of each of these plans (each one they may read), in a fixed number of queries."""
    views: dict[Any, PlanView] = {}
    for plan in plans:
        role = policy.plan_role(user, plan)
        if role is not None:
            views[plan.pk] = PlanView(plan=plan, role=role)
    if not views:
        return views
    ids = list(views)
    goals = list(goals_with_achievement(Goal.objects.filter(plan_id__in=ids)))
    # A goal and its main goal belong to one plan: `is_private_goal` asks for the main goal.
    from_loaded(goals, "parent", goals)
    participants = list(
        PlanParticipant.objects.filter(plan_id__in=ids)
        .select_related("organisation")
        .order_by("-active", "kind", "name")
    )
    measures = list(Measure.objects.filter(plan_id__in=ids).select_related("responsible_organisation"))
    from_loaded(measures, "responsible_participant", participants)
    served_ids: dict[Any, set[Any]] = defaultdict(set)
    for measure_id, goal_id in Measure.goals.through.objects.filter(measure__plan_id__in=ids).values_list(
        "measure_id", "goal_id"
    ):
        served_ids[measure_id].add(goal_id)
    for view in views.values():
        plan = view.plan
        in_plan = [row for row in goals if row.plan_id == plan.pk]
        rows: list[Any] = [*in_plan, *measures, *participants]
        for row in rows:
            if row.plan_id == plan.pk:
                row.plan = plan
        view.goals, view.measures, view.participants = visible_in_role(
            user=user,
            role=view.role,
            goals=in_plan,
            measures=[row for row in measures if row.plan_id == plan.pk],
            participants=[row for row in participants if row.plan_id == plan.pk],
            served_ids=served_ids,
        )
        view.served = {m.pk: [g for g in view.goals if g.pk in served_ids[m.pk]] for m in view.measures}
        if view.role != PlanRole.LIMITED:
            # Loaded for every plan by `prepare_plan_roles`: no query here.
            view.coordinators = policy.active_coordinators(user, plan.person)
    return views


def _record(caller: Caller, rows: list[Any], purpose: ReadPurpose, obj: Any = None) -> None:
    """One access record per person read: the plan's person for a plan, goal or care team."""
    if not rows:
        return
    person_ids = list(dict.fromkeys(_person_of(row) for row in rows))
    record_access(
        actor=caller.user,
        person_ids=person_ids,
        obj=obj,
        object_type="" if obj is not None else rows[0]._meta.label_lower,
        purpose=purpose,
        channel=Channel.API,
        role=plan_reader_role(caller.user, _plan_of_row(rows[0])) if obj is not None else "",
        client=caller.client,
    )


def _plan_of_row(row: Any) -> IndividualPlan:
    return row if isinstance(row, IndividualPlan) else row.plan


def _person_of(row: Any) -> Any:
    return _plan_of_row(row).person_id


def _with_views(caller: Caller, plans: list[IndividualPlan]) -> list[IndividualPlan]:
    views = plan_views(caller.user, plans)
    for plan in plans:
        plan.fhir_view = views[plan.pk]  # type: ignore[attr-defined]
    return plans


def _page(queryset: QuerySet[Any], order: tuple[Any, ...], offset: int, count: int) -> tuple[list[Any], int]:
    found = queryset.order_by(*order, "pk")
    return list(found[offset : offset + count]), found.count()


def _readable_plan_queryset(user: User) -> QuerySet[IndividualPlan]:
    readable = [plan.pk for plan in readable_plans(user)]
    return IndividualPlan.objects.filter(pk__in=readable).select_related("person", "municipality")


def read_care_plan(caller: Caller, pk: uuid.UUID) -> IndividualPlan:
    plan = IndividualPlan.objects.select_related("person", "municipality").filter(pk=pk).first()
    if plan is None:
        raise RefusedAsNotFound(Action.PLAN_VIEW)
    policy.prepare_plan_roles(caller.user, [plan])
    if not policy.can(caller.user, Action.PLAN_VIEW, plan):
        raise RefusedAsNotFound(Action.PLAN_VIEW, plan)
    _record(caller, [plan], ReadPurpose.API_READ, obj=plan)
    return _with_views(caller, [plan])[0]


def search_care_plans(
    caller: Caller,
    narrow: Callable[[QuerySet[IndividualPlan]], QuerySet[IndividualPlan]],
    offset: int,
    count: int,
    order: tuple[Any, ...] = (),
) -> tuple[list[IndividualPlan], int]:
    page, total = _page(narrow(_readable_plan_queryset(caller.user)), (*order, "-created_at"), offset, count)
    _record(caller, page, ReadPurpose.API_SEARCH)
    return _with_views(caller, page), total


def fetch_care_plans(
    caller: Caller, narrow: Callable[[QuerySet[IndividualPlan]], QuerySet[IndividualPlan]]
) -> list[IndividualPlan]:
    """Every plan the caller may read that the filter keeps (for a search's _include and _revinclude)."""
    found = list(narrow(_readable_plan_queryset(caller.user)).order_by("-created_at", "pk")[:MAX_INCLUDED])
    _record(caller, found, ReadPurpose.API_SEARCH)
    return _with_views(caller, found)


read_care_team = read_care_plan
search_care_teams = search_care_plans
fetch_care_teams = fetch_care_plans


def _visible_goals(caller: Caller, narrow: Callable[[QuerySet[Goal]], QuerySet[Goal]]) -> QuerySet[Goal]:
    """The goals the caller may see that the filter keeps, as one queryset to sort and page: first the plans
    they may read that hold a goal the filter keeps, then of those plans' goals the ones the reader's role
    shows (not a limited participant's others, not the goals a young person keeps from their parents)."""
    readable = {plan.pk: plan for plan in readable_plans(caller.user)}
    candidates = goals_with_achievement(Goal.objects.filter(plan_id__in=list(readable)))
    plan_ids = set(narrow(candidates).values_list("plan_id", flat=True).distinct())
    views = plan_views(caller.user, [readable[pk] for pk in plan_ids])
    shown = [goal.pk for view in views.values() for goal in view.goals]
    return narrow(goals_with_achievement(Goal.objects.filter(pk__in=shown))).select_related(
        "plan__person", "plan__municipality"
    )


def read_goal(caller: Caller, pk: uuid.UUID) -> Goal:
    goal = _visible_goals(caller, lambda goals: goals.filter(pk=pk)).first()
    if goal is None:
        existing = Goal.objects.filter(pk=pk).select_related("plan").first()
        raise RefusedAsNotFound(Action.PLAN_VIEW, existing.plan if existing is not None else None)
    _record(caller, [goal], ReadPurpose.API_READ, obj=goal)
    return goal


def search_goals(
    caller: Caller,
    narrow: Callable[[QuerySet[Goal]], QuerySet[Goal]],
    offset: int,
    count: int,
    order: tuple[Any, ...] = (),
) -> tuple[list[Goal], int]:
    page, total = _page(
        _visible_goals(caller, narrow), (*order, "plan_id", "position", "created_at"), offset, count
    )
    _record(caller, page, ReadPurpose.API_SEARCH)
    return page, total


def fetch_goals(caller: Caller, narrow: Callable[[QuerySet[Goal]], QuerySet[Goal]]) -> list[Goal]:
    found = list(
        _visible_goals(caller, narrow).order_by("plan_id", "position", "created_at", "pk")[:MAX_INCLUDED]
    )
    _record(caller, found, ReadPurpose.API_SEARCH)
    return found


# The specialist side's episodes of care, as EpisodeOfCare: read by the unit's episode staff and assessing
# clinicians and the trust's coordinating unit (policy: EPISODE_VIEW), as in the pages; nobody else.


def _readable_episodes(user: User) -> QuerySet[Episode]:
    if not policy.can(user, Action.EPISODE_LIST):
        return Episode.objects.none()
    return Episode.objects.filter(unit_id__in=policy.episode_reader_units(user)).select_related(
        "person", "unit"
    )


def _record_episodes(caller: Caller, episodes: list[Episode], purpose: ReadPurpose, obj: Any = None) -> None:
    if episodes:
        record_access(
            actor=caller.user,
            person_ids=list(dict.fromkeys(episode.person_id for episode in episodes)),
            obj=obj,
            object_type="" if obj is not None else "episodes.episode",
            purpose=purpose,
            channel=Channel.API,
            client=caller.client,
        )


def read_episode(caller: Caller, pk: uuid.UUID) -> Episode:
    episode = Episode.objects.select_related("person", "unit").filter(pk=pk).first()
    if episode is None:
        raise RefusedAsNotFound(Action.EPISODE_VIEW)
    if not policy.can(caller.user, Action.EPISODE_VIEW, episode):
        raise RefusedAsNotFound(Action.EPISODE_VIEW, episode)
    _record_episodes(caller, [episode], ReadPurpose.API_READ, obj=episode)
    return episode


def search_episodes(
    caller: Caller,
    narrow: Callable[[QuerySet[Episode]], QuerySet[Episode]],
    offset: int,
    count: int,
    order: tuple[Any, ...] = (),
) -> tuple[list[Episode], int]:
    page, total = _page(narrow(_readable_episodes(caller.user)), (*order, "-admitted_at"), offset, count)
    _record_episodes(caller, page, ReadPurpose.API_SEARCH)
    return page, total


def fetch_episodes(caller: Caller, narrow: Callable[[QuerySet[Episode]], QuerySet[Episode]]) -> list[Episode]:
    found = list(narrow(_readable_episodes(caller.user)).order_by("-admitted_at", "pk")[:MAX_INCLUDED])
    _record_episodes(caller, found, ReadPurpose.API_SEARCH)
    return found


def fetch_organisations(
    caller: Caller, narrow: Callable[[QuerySet[Organisation]], QuerySet[Organisation]]
) -> list[Organisation]:
    return list(narrow(readable_organisations(caller.user)).order_by("name", "pk")[:MAX_INCLUDED])
