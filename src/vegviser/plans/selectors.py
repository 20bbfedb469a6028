"""Reads of plans, always through the access policy; every read of plan content writes an access record."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from vegviser.access import policy
from vegviser.access.models import Consent
from vegviser.access.policy import Action, PlanRole
from vegviser.accounts.models import Notification
from vegviser.audit.models import Channel, ReadPurpose
from vegviser.audit.services import record_access
from vegviser.intake.models import CoordinatorAssignment

from .models import (
    OPEN_STATUSES,
    Evaluation,
    Goal,
    GoalRating,
    IndividualPlan,
    JoinAnswer,
    JoinRequest,
    Measure,
    MeasureStatus,
    Meeting,
    MeetingMessage,
    ParticipantKind,
    PlanAgreement,
    PlanMessage,
    PlanNote,
    PlanParticipant,
    PlanStatus,
    PlanVersion,
    SubPlan,
    missing_elements_of,
)

if TYPE_CHECKING:
    from vegviser.accounts.models import User


def plans_with_person() -> QuerySet[IndividualPlan]:
    return IndividualPlan.objects.select_related("person", "municipality")


def get_plan(
    *,
    user: User,
    pk: uuid.UUID,
    action: Action = Action.PLAN_VIEW,
    purpose: ReadPurpose = ReadPurpose.PLAN,
    channel: str = Channel.WEB,
) -> IndividualPlan:
    """The plan, if the user may do `action` to it; else 404. The read is logged with its purpose."""
    try:
        # `get`, not `first`: the id is unique, and `first` would have the database sort by it.
        plan = plans_with_person().get(pk=pk)
    except IndividualPlan.DoesNotExist:
        raise Http404 from None
    policy.require(user, action, plan)
    record_access(
        actor=user,
        person_ids=[plan.person_id],
        obj=plan,
        purpose=purpose,
        channel=channel,
        role=plan_reader_role(user, plan),
    )
    return plan


def get_plan_item(
    model: type[Any],
    *,
    user: User,
    pk: uuid.UUID,
    action: Action = Action.PLAN_EDIT,
    purpose: ReadPurpose = ReadPurpose.PLAN,
    channel: str = Channel.WEB,
) -> Any:
    """A goal, measure, participant, meeting … of a plan the user may do `action` to (the item itself is
    passed to the policy, so a rule can look at it, as measure editing does). Logged as a read."""
    try:
        item = model.objects.select_related("plan__person", "plan__municipality").get(pk=pk)
    except model.DoesNotExist:
        raise Http404 from None
    policy.require(user, action, item)
    record_access(
        actor=user,
        person_ids=[item.plan.person_id],
        obj=item,
        purpose=purpose,
        channel=channel,
        role=plan_reader_role(user, item.plan),
    )
    return item


def _in_plan(rows: list[Any], plan: IndividualPlan) -> list[Any]:
    """Give each row the plan already loaded: the policy asks `row.plan` of every measure on the page (may
    this user edit it?), and without this each ask would load the plan again."""
    for row in rows:
        row.plan = plan
    return rows


def plan_reader_role(user: User, plan: IndividualPlan) -> str:
    """The access record's role for a read of the plan: the role in the plan that allowed it."""
    role = policy.plan_role(user, plan)
    return f"plan:{role}" if role else ""


@dataclass
class Agreement:
    """Who has confirmed having read the plan and agreeing to it: on the newest version, or, where none has
    confirmed that, the newest confirmation of an earlier one."""

    current: list[PlanAgreement] = field(default_factory=list)
    earlier: PlanAgreement | None = None
    newest_version: int = 0

    def given_by(self, user: User) -> bool:
        return any(agreement.agreed_by_id == user.pk for agreement in self.current)


def agreement(plan: IndividualPlan) -> Agreement:
    """Who has agreed to the plan, in one query: each confirmation with its version's number and the newest
    version's (not the snapshots: neither page shows what a version holds)."""
    newest = PlanVersion.objects.filter(plan=OuterRef("plan")).order_by("-number").values("number")[:1]
    rows = list(
        PlanAgreement.objects.filter(plan=plan)
        .annotate(version_number=F("plan_version__number"), newest_version=Subquery(newest))
        .order_by("-created_at")
    )
    if not rows:
        return Agreement()
    newest_version = rows[0].newest_version
    current: list[PlanAgreement] = [row for row in rows if row.version_number == newest_version]
    return Agreement(current=current, earlier=None if current else rows[0], newest_version=newest_version)


@dataclass
class PlanContent:
    """What one user may see of one plan, loaded with a fixed number of queries."""

    plan: IndividualPlan
    role: PlanRole
    goals: list[Goal]
    measures: list[Measure]
    participants: list[PlanParticipant]
    sub_plans: list[SubPlan] = field(default_factory=list)
    notes: list[PlanNote] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    version_count: int = 0
    coordinators: list[CoordinatorAssignment] = field(default_factory=list)
    consent: Consent | None = None
    # By measure: the goals it serves that this reader may see.
    served_goals: dict[Any, list[Goal]] = field(default_factory=dict)
    missing: list[tuple[str, str]] = field(default_factory=list)
    # The professionals taking part whom the consent in force does not cover (withdrawn for their
    # organisation, or all of it): they cannot open the plan, and someone must take over their measures.
    without_consent: set[Any] = field(default_factory=set)
    agreement: Agreement | None = None

    @property
    def whole(self) -> bool:
        return self.role in policy.WHOLE_PLAN_ROLES

    @property
    def missing_letters(self) -> set[str]:
        return {letter for letter, _words in self.missing}

    @property
    def coordinators_not_taking_part(self) -> list[CoordinatorAssignment]:
        """The coordinators who have no row of their own among the plan's active participants: a list of who
        takes part names the others once, with their row."""
        taking_part = {participant.user_id for participant in self.participants if participant.active}
        return [a for a in self.coordinators if a.coordinator_id not in taking_part]

    @property
    def main_goals(self) -> list[tuple[Goal, list[Goal]]]:
        """Main goals with their sub-goals; a sub-goal whose main goal is hidden stands on its own."""
        shown = {goal.pk for goal in self.goals}
        mains = [goal for goal in self.goals if goal.parent_id is None or goal.parent_id not in shown]
        return [(goal, [sub for sub in self.goals if sub.parent_id == goal.pk]) for goal in mains]


def hides_private_goals(user: User, plan: IndividualPlan) -> bool:
    """From 12 to 15 a young person may keep goals from their parents."""
    return private_goals_hidden_from(policy.plan_role(user, plan))


def private_goals_hidden_from(role: PlanRole | None) -> bool:
    """Whether a reader in `role` is kept from the goals the young person keeps private (and from what counts
    them, as the T-score does)."""
    return role == PlanRole.PARENT_OF_YOUTH


def is_private_goal(goal: Goal) -> bool:
    """Kept from the parents: the goal, or the main goal it belongs to (loaded with it)."""
    return goal.private_to_parents or (goal.parent is not None and goal.parent.private_to_parents)


def plan_content(
    *, user: User, plan: IndividualPlan, linked_plans: bool = True, history: bool = True
) -> PlanContent:
    """The plan as `user` may see it. The caller has checked PLAN_VIEW and logged the read.

    A limited participant sees only the measures they are responsible for and the goals those serve; a parent
    of a 12–15-year-old sees everything but the goals the young person keeps private. Only what a page shows
    is loaded: `linked_plans` (kept elsewhere) are shown by the plan page and the print, the `history` (the
    plan log, the evaluations and the number of versions) by the plan page alone; the portal and the
    timeline show neither."""
    role = policy.plan_role(user, plan)
    if role is None:
        raise Http404
    # Not the ratings: no page built from this shows them, and they grow with every evaluation.
    goals = _in_plan(list(Goal.objects.filter(plan=plan)), plan)
    # A goal and its sub-goals belong to one plan; `is_private_goal` asks for the main goal.
    from_loaded(goals, "parent", goals)
    # Whether the consent in force shares with each participant's organisation: asked in the same query.
    in_force = Consent.objects.in_force(covering="plan").filter(person_id=plan.person_id).values("pk")[:1]
    covered = Consent.shared_with.through.objects.filter(
        consent_id=Subquery(in_force), organisation_id=OuterRef("organisation_id")
    )
    participants = _in_plan(
        list(
            PlanParticipant.objects.filter(plan=plan)
            .annotate(consent_covers=Exists(covered))
            .select_related("organisation")
            .order_by("-active", "kind", "name")
        ),
        plan,
    )
    measures = _in_plan(
        list(Measure.objects.filter(plan=plan).select_related("responsible_organisation")), plan
    )
    # The one responsible takes part in the measure's plan: not a second copy of them joined to every measure.
    from_loaded(measures, "responsible_participant", participants)
    # Which goals each measure serves, by id: the goals themselves are those loaded above.
    served_ids: dict[Any, set[Any]] = defaultdict(set)
    for measure_id, goal_id in Measure.goals.through.objects.filter(measure__plan=plan).values_list(
        "measure_id", "goal_id"
    ):
        served_ids[measure_id].add(goal_id)
    goals, measures, participants = visible_in_role(
        user=user, role=role, goals=goals, measures=measures, participants=participants, served_ids=served_ids
    )
    content = PlanContent(
        plan=plan,
        role=role,
        goals=goals,
        measures=measures,
        participants=participants,
        served_goals=_served_goals(measures, goals, served_ids),
    )
    if role == PlanRole.LIMITED:
        # Their own measures and the goals those serve, and the meetings they are invited to: nothing else.
        invited = Meeting.objects.filter(plan=plan, invited__user=user, invited__active=True).distinct()
        content.meetings = _in_plan(list(invited), plan)
        return content
    content.meetings = _in_plan(list(Meeting.objects.filter(plan=plan)), plan)
    content.coordinators = policy.active_coordinators(user, plan.person)
    content.consent = Consent.objects.in_force_for(plan.person, covering="plan")
    coordinating = {assignment.coordinator_id for assignment in content.coordinators}
    content.without_consent = {
        participant.pk
        for participant in participants
        if participant.kind == ParticipantKind.PROFESSIONAL
        and participant.active
        and not getattr(participant, "consent_covers", True)
        and participant.user_id not in coordinating
    }
    content.missing = missing_elements(content)
    if linked_plans:
        content.sub_plans = list(SubPlan.objects.filter(plan=plan).select_related("held_by"))
    if history:
        content.notes = list(PlanNote.objects.filter(plan=plan).order_by("-created_at")[:50])
        content.evaluations = _in_plan(list(Evaluation.objects.filter(plan=plan)), plan)
        # Each version's snapshot is the whole plan as it stood: the page links to them, never reads one.
        content.version_count = PlanVersion.objects.filter(plan=plan).count()
        content.agreement = agreement(plan)
    return content


def visible_in_role(
    *,
    user: User,
    role: PlanRole,
    goals: list[Goal],
    measures: list[Measure],
    participants: list[PlanParticipant],
    served_ids: dict[Any, set[Any]],
) -> tuple[list[Goal], list[Measure], list[PlanParticipant]]:
    """Of one plan's goals, measures and participants (each goal with its main goal loaded, each measure with
    its responsible participant; `served_ids` the goals each measure serves), what a reader in `role` sees:
    a limited participant their own measures, the goals those serve and themselves; a parent of a
    12–15-year-old all but the goals the young person keeps private."""
    if role == PlanRole.LIMITED:
        measures = [
            m for m in measures if m.responsible_participant and m.responsible_participant.user_id == user.pk
        ]
        served = {goal_id for measure in measures for goal_id in served_ids[measure.pk]}
        goals = [goal for goal in goals if goal.pk in served]
        participants = [p for p in participants if p.user_id == user.pk]
    elif private_goals_hidden_from(role):
        goals = [goal for goal in goals if not is_private_goal(goal)]
    return goals, measures, participants


def from_loaded(rows: list[Any], field: str, loaded: list[Any]) -> None:
    """Give each row the object its foreign key `field` points to from the rows already `loaded`, instead of
    a query or a join."""
    by_id = {row.pk: row for row in loaded}
    for row in rows:
        related_id = getattr(row, f"{field}_id")
        if related_id in by_id:
            setattr(row, field, by_id[related_id])


def _served_goals(
    measures: list[Measure], goals: list[Goal], served_ids: dict[Any, set[Any]]
) -> dict[Any, list[Goal]]:
    """For each measure, the goals it serves among those the reader may see, in the plan's order: a goal kept
    from the parents is not named beside a measure either."""
    return {measure.pk: [goal for goal in goals if goal.pk in served_ids[measure.pk]] for measure in measures}


def missing_elements(content: PlanContent) -> list[tuple[str, str]]:
    """`plan.missing_elements()` worked out from what the page has loaded already (no further queries)."""
    return missing_elements_of(
        content.plan,
        goals=content.goals,
        participants=content.participants,
        measures=content.measures,
        coordinators=content.coordinators,
        consent=content.consent,
    )


@dataclass
class TimelineEntry:
    day: date
    kind: str  # "measure_start", "measure_end", "meeting", "revision", "target"
    text: str
    who: str = ""
    url: str = ""
    plan: IndividualPlan | None = None
    overdue: bool = False


def _day(value: date | datetime) -> date:
    return timezone.localdate(value) if isinstance(value, datetime) else value


def timeline(content: PlanContent, *, today: date | None = None) -> list[TimelineEntry]:
    """Who does what by when: measures, meetings, goal target dates and revisions, in time order."""
    today = today or timezone.localdate()
    entries: list[TimelineEntry] = []
    for measure in content.measures:
        if measure.status == MeasureStatus.STOPPED:
            continue
        if measure.starts_on:
            entries.append(
                TimelineEntry(measure.starts_on, "measure_start", measure.title, measure.responsible_name)
            )
        if measure.ends_on:
            entries.append(
                TimelineEntry(
                    measure.ends_on,
                    "measure_end",
                    measure.title,
                    measure.responsible_name,
                    overdue=measure.ends_on < today and measure.status != MeasureStatus.DONE,
                )
            )
    for meeting in content.meetings:
        if not meeting.cancelled:
            entries.append(
                TimelineEntry(_day(meeting.starts_at), "meeting", meeting.place or meeting.video_link)
            )
    for goal in content.goals:
        if goal.target_date:
            entries.append(TimelineEntry(goal.target_date, "target", goal.text))
    plan = content.plan
    if plan.next_revision and content.whole:
        entries.append(
            TimelineEntry(
                plan.next_revision,
                "revision",
                "",
                overdue=plan.status == PlanStatus.ACTIVE and plan.next_revision < today,
            )
        )
    for entry in entries:
        entry.plan = plan
    return sorted(entries, key=lambda entry: entry.day)


def my_plans(*, user: User) -> list[tuple[IndividualPlan, str]]:
    """The plans the user has a role in today, with the role. The names shown are reads: logged."""
    policy.require(user, Action.PLANS_MINE)
    candidates = (
        policy.candidate_plans(user).select_related("person", "municipality").order_by("person__family_name")
    )
    listed = list(candidates)
    policy.prepare_plan_roles(user, listed)
    with_roles = [(plan, policy.plan_role(user, plan)) for plan in listed]
    plans = [(plan, role) for plan, role in with_roles if role in policy.PROFESSIONAL_ROLES]
    record_access(
        actor=user,
        person_ids={plan.person_id for plan, _role in plans},
        object_type="plans.individualplan",
        purpose=ReadPurpose.MY_PLANS,
    )
    return [(plan, role or "") for plan, role in plans]


@dataclass(frozen=True)
class Attention:
    """What a coordinator should look at in one plan they coordinate."""

    overdue_measures: int = 0
    unread_messages: int = 0
    new_self_ratings: int = 0


def coordinator_attention(
    *, user: User, plans: list[tuple[IndividualPlan, str]], today: date | None = None
) -> dict[uuid.UUID, Attention]:
    """For each plan the user coordinates: measures past their end and not done, messages from the person's
    side the user has not opened, and the person's own ratings since the last evaluation (none: all of
    them). A fixed number of queries however many plans; the plans were read and logged by `my_plans`."""
    today = today or timezone.localdate()
    coordinated = [plan for plan, role in plans if role == PlanRole.COORDINATOR]
    if not coordinated:
        return {}
    overdue = dict(
        Measure.objects.filter(plan__in=coordinated, ends_on__lt=today)
        .exclude(status__in=[MeasureStatus.DONE, MeasureStatus.STOPPED])
        .order_by()
        .values_list("plan")
        .annotate(n=Count("pk"))
    )
    by_url = {reverse("plans:messages", kwargs={"pk": plan.pk}): plan.pk for plan in coordinated}
    unread: dict[Any, int] = {}
    for url, n in (
        Notification.objects.filter(
            user=user, url__in=by_url, read_at__isnull=True, key__startswith="message:"
        )
        .order_by()
        .values_list("url")
        .annotate(n=Count("pk"))
    ):
        unread[by_url[url]] = n
    last_evaluation = (
        Evaluation.objects.filter(plan=OuterRef("goal__plan"))
        .order_by()
        .values("plan")
        .annotate(last=Max("evaluated_on"))
        .values("last")
    )
    ratings = dict(
        GoalRating.objects.filter(goal__plan__in=coordinated, evaluation__isnull=True)
        .annotate(last=Subquery(last_evaluation))
        .filter(Q(last__isnull=True) | Q(created_at__date__gt=F("last")))
        .order_by()
        .values_list("goal__plan")
        .annotate(n=Count("pk"))
    )
    return {
        plan.pk: Attention(
            overdue_measures=overdue.get(plan.pk, 0),
            unread_messages=unread.get(plan.pk, 0),
            new_self_ratings=ratings.get(plan.pk, 0),
        )
        for plan in coordinated
    }


def coordinated_without_plan(
    *, user: User, listed: Iterable[IndividualPlan] = ()
) -> list[CoordinatorAssignment]:
    """The persons the user coordinates who have no open plan yet: where a plan is started. A person whose
    closed plan is `listed` on the same page has been logged with it: one page, one read per person."""
    assignments = list(
        CoordinatorAssignment.objects.filter(coordinator=user, active=True)
        .exclude(person__plans__status__in=[PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.PAUSED])
        .select_related("person")
        .order_by("person__family_name", "person__given_name")
    )
    assignments = [a for a in assignments if policy.can(user, Action.PLAN_CREATE, a.person)]
    logged = {plan.person_id for plan in listed}
    record_access(
        actor=user,
        person_ids={assignment.person_id for assignment in assignments} - logged,
        object_type="intake.coordinatorassignment",
        purpose=ReadPurpose.MY_PLANS,
    )
    return assignments


def my_tasks(
    *, user: User, plans: list[tuple[IndividualPlan, str]], today: date | None = None
) -> list[TimelineEntry]:
    """Across the user's plans: the measures they are responsible for, their meetings, and the revisions of
    the plans they coordinate, in time order from today."""
    today = today or timezone.localdate()
    by_pk = {plan.pk: (plan, role) for plan, role in plans}
    entries: list[TimelineEntry] = []
    measures = Measure.objects.filter(
        plan_id__in=by_pk, responsible_participant__user=user, responsible_participant__active=True
    ).exclude(status__in=[MeasureStatus.DONE, MeasureStatus.STOPPED])
    for measure in measures:
        plan, _role = by_pk[measure.plan_id]
        # An open-ended measure already under way is today's work, not a date in the past.
        day = measure.ends_on or max(measure.starts_on or today, today)
        entries.append(
            TimelineEntry(
                day,
                "measure",
                measure.title,
                plan=plan,
                overdue=bool(measure.ends_on and measure.ends_on < today),
            )
        )
    meetings = Meeting.objects.filter(plan_id__in=by_pk, cancelled=False, starts_at__date__gte=today).filter(
        invited__user=user
    ) | Meeting.objects.filter(
        plan_id__in=[pk for pk, (_plan, role) in by_pk.items() if role == PlanRole.COORDINATOR],
        cancelled=False,
        starts_at__date__gte=today,
    )
    for meeting in meetings.distinct():
        plan, _role = by_pk[meeting.plan_id]
        entries.append(
            TimelineEntry(_day(meeting.starts_at), "meeting", meeting.place or meeting.video_link, plan=plan)
        )
    for plan, role in by_pk.values():
        if role == PlanRole.COORDINATOR and plan.next_revision and plan.status == PlanStatus.ACTIVE:
            entries.append(
                TimelineEntry(
                    plan.next_revision, "revision", "", plan=plan, overdue=plan.next_revision < today
                )
            )
    return sorted(entries, key=lambda entry: entry.day)


def conversation(*, user: User, plan: IndividualPlan) -> list[PlanMessage]:
    """The messages of the plan, oldest first. The caller has logged the read of the plan."""
    policy.require(user, Action.PLAN_MESSAGES, plan)
    return list(PlanMessage.objects.filter(plan=plan).order_by("created_at"))


@dataclass
class MeetingThread:
    """One invitee's exchange with the coordinator about a meeting."""

    invitee: User | None
    messages: list[MeetingMessage]


def meeting_threads(*, user: User, meeting: Meeting) -> list[MeetingThread]:
    """What invitees and the coordinator wrote to each other about the meeting, one exchange per invitee:
    every exchange for the coordinator, their own for an invitee. The caller has checked and logged the read
    of the meeting."""
    messages = MeetingMessage.objects.filter(meeting=meeting).select_related("invitee").order_by("created_at")
    if policy.plan_role(user, meeting.plan) != PlanRole.COORDINATOR:
        messages = messages.filter(invitee=user)
    threads: dict[Any, MeetingThread] = {}
    for message in messages:
        threads.setdefault(message.invitee_id, MeetingThread(message.invitee, [])).messages.append(message)
    return list(threads.values())


def latest_self_ratings(goals: Iterable[Goal]) -> dict[uuid.UUID, GoalRating]:
    """Each goal's most recent rating by the person between evaluations, in one query. The caller has
    checked that the reader may read the whole plan and logged the read."""
    newest = (
        GoalRating.objects.filter(goal=OuterRef("goal"), evaluation__isnull=True)
        .order_by("-created_at")
        .values("pk")[:1]
    )
    ratings = GoalRating.objects.filter(goal__in=list(goals), evaluation__isnull=True, pk=Subquery(newest))
    return {rating.goal_id: rating for rating in ratings}


def latest_ratings(goals: Iterable[Goal]) -> dict[uuid.UUID, GoalRating]:
    """Each goal's most recent rating, at an evaluation or by the person between evaluations. The caller
    has checked and logged the read of the plan."""
    latest: dict[uuid.UUID, GoalRating] = {}
    ratings = (
        GoalRating.objects.filter(goal__in=list(goals)).select_related("evaluation").order_by("-created_at")
    )
    for rating in ratings:
        latest.setdefault(rating.goal_id, rating)
    return latest


@dataclass
class CoordinatorContact:
    name: str
    organisation: str
    phone: str
    email: str


@dataclass
class PlanStatusForSpecialist:
    """What the specialist service is told about a person's plan: whether there is one, which municipality
    leads it, and who coordinates it and how to reach them. Never the plan's content."""

    person: Any
    plan: IndividualPlan | None
    coordinators: list[CoordinatorContact]
    # The user takes part in the plan already (they then read it as a participant).
    takes_part: bool
    # The user's own request to take part, while it waits for an answer, or the latest answered one.
    own_request: JoinRequest | None
    # The units the user may ask to take part for; empty when they may not ask.
    units: list[Any]

    @property
    def may_ask(self) -> bool:
        return bool(self.units) and (self.own_request is None or not self.own_request.is_pending)


def plan_status_for_person(
    user: User, person: Any, *, page_logged: bool = False
) -> PlanStatusForSpecialist | None:
    """Whether the person has an open plan (draft, active or paused), its municipality, and its coordinators'
    names and contact details: for the specialist staff of a unit that has the person in a referral it
    received and holds, or in an episode of care (clerks, assessing clinicians, episode staff: the policy's
    `units_with_person`). None for anyone else, who is shown nothing.

    The referral page and the episode page show it through `plans/_plan_status.html`. The read is logged (it
    tells whether the person has a plan), whatever it finds, unless the page that shows it has logged its
    read of the person already (`page_logged`: one record per person per page, as for a person's
    consents)."""
    if not policy.can(user, Action.PLAN_STATUS_FOR_SPECIALIST, person):
        return None
    plan = (
        IndividualPlan.objects.filter(person_id=person.pk, status__in=OPEN_STATUSES)
        .select_related("municipality", "person")
        .order_by("-created_at")
        .first()
    )
    coordinators = []
    takes_part = False
    own_request = None
    units: list[Any] = []
    if plan is not None:
        coordinators = [
            CoordinatorContact(
                name=assignment.coordinator.display_name,
                organisation=assignment.organisation.name,
                phone=assignment.coordinator.phone or assignment.organisation.phone,
                email=assignment.coordinator.email or assignment.organisation.email,
            )
            for assignment in policy.active_coordinators(user, person)
        ]
        takes_part = plan.participants.filter(user=user, active=True).exists()
        own_request = JoinRequest.objects.filter(plan=plan, user=user).select_related("organisation").first()
        if policy.can(user, Action.PLAN_JOIN_ASK, plan):
            units = policy.units_with_person(user, person)
    if not page_logged:
        record_access(
            actor=user,
            person_ids=[person.pk],
            obj=plan if plan is not None else person,
            purpose=ReadPurpose.PLAN_STATUS_FOR_SPECIALIST,
        )
    return PlanStatusForSpecialist(
        person=person,
        plan=plan,
        coordinators=coordinators,
        takes_part=takes_part,
        own_request=own_request,
        units=units,
    )


def get_plan_to_join(*, user: User, pk: uuid.UUID) -> IndividualPlan:
    """The plan a specialist professional asks to take part in: only if they may see that it exists (not its
    content); else 404."""
    plan = plans_with_person().filter(pk=pk).first()
    if plan is None or not policy.can(user, Action.PLAN_STATUS_FOR_SPECIALIST, plan.person):
        raise Http404
    return plan


def pending_join_requests(plan: IndividualPlan) -> list[JoinRequest]:
    """The requests to take part waiting for the coordinator's answer, oldest first: one query."""
    return list(
        JoinRequest.objects.filter(plan=plan, answer=JoinAnswer.PENDING)
        .select_related("organisation")
        .order_by("created_at")
    )


def get_join_request(*, user: User, pk: uuid.UUID) -> JoinRequest:
    """A request waiting for an answer, for the plan's coordinator; else 404."""
    found = JoinRequest.objects.select_related("plan__person", "plan__municipality", "organisation", "user")
    join_request = found.filter(pk=pk).first()
    if join_request is None:
        raise Http404
    policy.require(user, Action.PLAN_JOIN_ANSWER, join_request)
    plan = join_request.plan
    record_access(
        actor=user,
        person_ids=[plan.person_id],
        obj=plan,
        purpose=ReadPurpose.PLAN,
        role=plan_reader_role(user, plan),
    )
    return join_request
