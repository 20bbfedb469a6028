"""The access policy: the one place that says who may do what to which object.

Deny by default: an action without a rule here is refused. Views answer a refusal with 404 (see `require`),
so a refused user cannot tell whether the object exists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from vegviser.accounts.models import User
from vegviser.core.http import RefusedAsForbidden, RefusedAsNotFound
from vegviser.core.request_cache import remember, within_request
from vegviser.episodes.models import Episode
from vegviser.intake.models import CoordinatorAssignment, NeedReport
from vegviser.plans.models import (
    AccessLevel,
    Goal,
    GoalStatus,
    IndividualPlan,
    JoinRequest,
    Measure,
    MeasureStatus,
    Meeting,
    ParticipantKind,
    PlanParticipant,
)
from vegviser.referrals.models import (
    RECEIVING_KINDS,
    AssessmentOutcome,
    Referral,
    ReferralConsent,
    ReferralStatus,
)
from vegviser.registry.models import (
    CollaborationAgreement,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    Person,
    PersonRelation,
    RelationKind,
)

from .models import Consent, EmergencyAccess

if TYPE_CHECKING:
    AnyUser = User | AnonymousUser


class Action(StrEnum):
    """What a user may be allowed to do; each has one rule in RULES."""

    PERSON_SEARCH = "person.search"
    PERSON_CREATE = "person.create"
    PERSON_VIEW = "person.view"
    PERSON_EDIT = "person.edit"
    ORGANISATION_LIST = "organisation.list"
    ORGANISATION_CREATE = "organisation.create"
    ORGANISATION_EDIT = "organisation.edit"
    MEMBERS_MANAGE = "organisation.manage_members"
    USER_CREATE = "user.create"
    USER_EDIT = "user.edit"
    USER_SIGN_IN_EDIT = "user.sign_in_edit"
    OWN_ACCOUNT = "user.own_account"
    NEED_REPORT_CREATE = "need_report.create"
    NEED_REPORT_QUEUE = "need_report.queue"
    NEED_REPORT_ASSESS = "need_report.assess"
    NEED_REPORT_VIEW_OWN = "need_report.view_own"
    CONSENT_VIEW = "consent.view"
    CONSENT_MANAGE = "consent.manage"
    COORDINATOR_APPOINT = "coordinator.appoint"
    AUDIT_SEARCH = "audit.search"
    OWN_DATA_EXPORT = "person.export_own"
    PLAN_CREATE = "plan.create"
    PLAN_VIEW = "plan.view"
    PLAN_VIEW_FULL = "plan.view_full"
    PLAN_EDIT = "plan.edit"
    PLAN_NOTE = "plan.note"
    MEASURE_EDIT = "plan.measure_edit"
    PLAN_OVERVIEW = "plan.overview"
    RECORD_NOTICE = "plan.record_notice"
    PLANS_MINE = "plan.mine"
    PLAN_ACCESS_LOG = "plan.access_log"
    EMERGENCY_OPEN = "emergency.open"
    EMERGENCY_REVIEW = "emergency.review"
    PLAN_MESSAGES = "plan.messages"
    MEETING_VIEW = "plan.meeting_view"
    MEETING_WRITE_COORDINATOR = "plan.meeting_write_coordinator"
    PORTAL_VIEW = "portal.view"
    PORTAL_CONTRIBUTE = "portal.contribute"
    PORTAL_GOAL_EDIT = "portal.goal_edit"
    PORTAL_CONSENT = "portal.consent"
    PORTAL_ASK_HELP = "portal.ask_help"
    PORTAL_ACCESS_LOG = "portal.access_log"
    PORTAL_PLAN_AGREE = "portal.plan_agree"
    REFERRAL_WORK_LIST = "referral.work_list"
    REFERRAL_REGISTER = "referral.register"
    REFERRAL_VIEW = "referral.view"
    REFERRAL_ASK_REFERRER = "referral.ask_referrer"
    REFERRAL_ATTACH = "referral.attach"
    REFERRAL_ASSESS = "referral.assess"
    PRIORITY_GUIDE_VIEW = "referral.priority_guide_view"
    REFERRAL_APPOINTMENT = "referral.appointment"
    CODE_LIST_SEARCH = "codes.search"
    REFERRAL_WAITING_LIST = "referral.waiting_list"
    REFERRAL_WAIT_HANDLE = "referral.wait_handle"
    EPISODE_LIST = "episode.list"
    EPISODE_VIEW = "episode.view"
    EPISODE_WRITE = "episode.write"
    DISCHARGE_SUMMARY_VIEW = "episode.discharge_summary"
    PLAN_STATUS_FOR_SPECIALIST = "plan.status_for_specialist"
    PLAN_JOIN_ASK = "plan.join_ask"
    PLAN_JOIN_ANSWER = "plan.join_answer"
    TRUST_OVERVIEW = "referral.trust_overview"
    AGREEMENT_MANAGE = "agreement.manage"
    AGREEMENT_VIEW = "agreement.view"
    ASSESSMENT_RECORD = "assessment.record"
    ASSESSMENT_RESULTS = "assessment.results"
    ASSESSMENT_SEND = "assessment.send"
    ASSESSMENT_FOLLOW_UP = "assessment.follow_up"
    PORTAL_QUESTIONNAIRE = "portal.questionnaire"
    INDICATORS_PUBLIC = "indicators.public"
    INDICATORS_AREA = "indicators.area"


def _active_user(user: AnyUser | None) -> User | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user


def _working_in(user: User) -> list[Any]:
    """The organisations the user is an active member of, by id."""
    return [membership.organisation_id for membership in Membership.objects.held_by(user)]


def _roles(user: User, role: str) -> list[Organisation]:
    """The active organisations where the user holds `role`."""
    return [
        m.organisation for m in Membership.objects.held_by(user) if m.role == role and m.organisation.active
    ]


def _unit_municipalities(user: AnyUser | None, role: str) -> set[str]:
    """Municipality numbers of the coordinating units where the user holds `role`."""
    active = _active_user(user)
    if active is None:
        return set()
    return {
        organisation.municipality_id
        for organisation in _roles(active, role)
        if organisation.kind == OrganisationKind.COORDINATING_UNIT and organisation.municipality_id
    }


def coordinating_unit_municipalities(user: AnyUser | None) -> set[str]:
    """Municipality numbers where the user is an officer of the coordinating unit."""
    return _unit_municipalities(user, MembershipRole.COORDINATING_UNIT_OFFICER)


def administered_organisation_ids(user: AnyUser | None) -> set[Any]:
    active = _active_user(user)
    if active is None:
        return set()
    return {organisation.pk for organisation in _roles(active, MembershipRole.ORGANISATION_ADMIN)}


def is_system_admin(user: AnyUser | None) -> bool:
    active = _active_user(user)
    return bool(active and active.is_system_admin)


def is_coordinating_unit_officer(user: AnyUser | None) -> bool:
    return bool(coordinating_unit_municipalities(user))


def audit_municipalities(user: AnyUser | None) -> set[str]:
    """Where the user may search the logs: as coordinating unit officer, or as privacy officer of an
    organisation in the municipality."""
    return coordinating_unit_municipalities(user) | _unit_municipalities(user, MembershipRole.PRIVACY_OFFICER)


def specialist_units(user: AnyUser | None, *roles: str) -> set[Any]:
    """The habilitation and rehabilitation units, by id, where the user holds one of `roles`."""
    active = _active_user(user)
    if active is None:
        return set()
    return {
        organisation.pk
        for role in roles
        for organisation in _roles(active, role)
        if organisation.kind in RECEIVING_KINDS
    }


def referral_units(user: AnyUser | None) -> set[Any]:
    """The units, by id, where the user is a referral clerk: where they register referrals."""
    return specialist_units(user, MembershipRole.REFERRAL_CLERK)


def assessing_units(user: AnyUser | None) -> set[Any]:
    """The units, by id, whose referrals the user assesses."""
    return specialist_units(user, MembershipRole.ASSESSING_CLINICIAN)


def trust_units(user: AnyUser | None) -> set[Any]:
    """The habilitation and rehabilitation units, by id, of the health trusts whose coordinating unit the user
    works in: worked out once per request."""
    active = _active_user(user)
    if active is None:
        return set()
    trusts = [
        organisation.pk
        for organisation in _roles(active, MembershipRole.TRUST_COORDINATING_OFFICER)
        if organisation.kind == OrganisationKind.HEALTH_TRUST
    ]
    if not trusts:
        return set()
    return within_request(
        active,
        "trust_units",
        lambda: set(
            Organisation.objects.filter(
                parent_id__in=trusts, kind__in=RECEIVING_KINDS, active=True
            ).values_list("pk", flat=True)
        ),
    )


def referral_reader_units(user: AnyUser | None) -> set[Any]:
    """The units, by id, whose referrals the user sees: as their clerk or assessing clinician, or from the
    trust's coordinating unit."""
    return specialist_units(
        user, MembershipRole.REFERRAL_CLERK, MembershipRole.ASSESSING_CLINICIAN
    ) | trust_units(user)


def _referral_clerk_of(user: AnyUser | None, obj: Any) -> bool:
    """A clerk of the unit: for a referral, the unit that received it; for a unit, that unit; with no object,
    of any unit."""
    if obj is None:
        return bool(referral_units(user))
    if isinstance(obj, Referral):
        return obj.receiving_unit_id in referral_units(user)
    return isinstance(obj, Organisation) and obj.pk in referral_units(user)


def episode_staff_units(user: AnyUser | None) -> set[Any]:
    """The units, by id, whose episodes of care the user works on: admits, edits, discharges."""
    return specialist_units(user, MembershipRole.EPISODE_STAFF)


def episode_reader_units(user: AnyUser | None) -> set[Any]:
    """The units, by id, whose episodes of care the user reads: as their episode staff or assessing clinician,
    or from the trust's coordinating unit."""
    return specialist_units(
        user, MembershipRole.EPISODE_STAFF, MembershipRole.ASSESSING_CLINICIAN
    ) | trust_units(user)


def _episode_writer(user: AnyUser | None, obj: Any) -> bool:
    """The unit's episode staff: for an episode, its unit's; for a unit, that unit's; with no object, of any
    unit."""
    if obj is None:
        return bool(episode_staff_units(user))
    if isinstance(obj, Episode):
        return obj.unit_id in episode_staff_units(user)
    return isinstance(obj, Organisation) and obj.pk in episode_staff_units(user)


def _discharge_summary_reader(user: AnyUser | None, obj: Any) -> bool:
    """The summary of a discharged episode: whoever reads the episode, and the person's coordinator, who
    reads the summary and nothing else of the episode."""
    if not isinstance(obj, Episode) or obj.is_open:
        return False
    return obj.unit_id in episode_reader_units(user) or coordinates(user, obj.person)


def is_professional(user: AnyUser | None) -> bool:
    """A member of any active organisation: may report a need, whatever the sector."""
    return any(m.organisation.active for m in Membership.objects.held_by(user))


def active_coordinators(user: AnyUser | None, person: Person) -> list[CoordinatorAssignment]:
    """The person's active coordinator assignments, each with its coordinator and organisation: one query per
    request, from which both "does the user coordinate?" and the plan page's list of coordinators are
    answered."""

    def load() -> list[CoordinatorAssignment]:
        assignments = CoordinatorAssignment.objects.filter(person_id=person.pk, active=True)
        return list(assignments.select_related("coordinator", "organisation"))

    active = _active_user(user)
    return load() if active is None else within_request(active, ("coordinators", person.pk), load)


def coordinators_in_office(person_ids: Iterable[Any]) -> dict[Any, list[User]]:
    """Each person's active coordinators who still work in the organisation they were appointed for, in
    the order they were appointed: the rule of `coordinates`, for many persons in one query (whom to tell
    about a plan; only they can open it)."""
    assignments = (
        CoordinatorAssignment.objects.filter(
            person_id__in=person_ids,
            active=True,
            coordinator__is_active=True,
            organisation__memberships__user=F("coordinator"),
            organisation__memberships__active=True,
        )
        .select_related("coordinator__person")
        .order_by("started_on")
    )
    found: dict[Any, list[User]] = defaultdict(list)
    for assignment in assignments:
        if assignment.coordinator not in found[assignment.person_id]:
            found[assignment.person_id].append(assignment.coordinator)
    return found


def coordinates(user: AnyUser | None, person: Person) -> bool:
    active = _active_user(user)
    if active is None:
        return False
    # Only while still working in the organisation the assignment was made for.
    working_in = set(_working_in(active))
    return any(
        assignment.coordinator_id == active.pk and assignment.organisation_id in working_in
        for assignment in active_coordinators(active, person)
    )


class PlanRole(StrEnum):
    """Why a user may read a plan. The strongest applies; `None` means no access at all."""

    COORDINATOR = "coordinator"
    FULL = "full"  # participant professional with full access
    LIMITED = "limited"  # participant professional: only the goals and measures they are responsible for
    PERSON = "person"  # the person, from 16
    REPRESENTATIVE = "representative"  # parent of a child under 12, guardian, power of attorney
    # A parent of a 12-15-year-old: all but what the young person keeps private.
    PARENT_OF_YOUTH = "parent_of_youth"
    # A professional who broke the glass: reads the plan, for at most four hours.
    EMERGENCY = "emergency"


# Roles that read the whole plan (a parent of a 12-15-year-old reads all but private goals).
WHOLE_PLAN_ROLES = frozenset(
    {
        PlanRole.COORDINATOR,
        PlanRole.FULL,
        PlanRole.PERSON,
        PlanRole.REPRESENTATIVE,
        PlanRole.PARENT_OF_YOUTH,
        PlanRole.EMERGENCY,
    }
)
PROFESSIONAL_ROLES = frozenset({PlanRole.COORDINATOR, PlanRole.FULL, PlanRole.LIMITED})


# The relations through which one person may act for another.
REPRESENTING_KINDS = [RelationKind.PARENT, RelationKind.GUARDIAN, RelationKind.POWER_OF_ATTORNEY]


def _representing_relations(user: User, person: Person) -> QuerySet[PersonRelation]:
    """The relations through which the user acts, or once acted, for the person; each with the relative."""
    relations = person.relations.filter(relative__user=user, kind__in=REPRESENTING_KINDS)
    return relations.select_related("relative")


def keeps_goals_from_parents(person: Person, today: date | None = None) -> bool:
    """Whether the person may keep goals private from their parents: only from 12 to 15, when parents read
    the plan but not all of it (before 12 they act for the child; from 16 they read nothing)."""
    age = person.age_on(today or timezone.localdate())
    return age is not None and 12 <= age < 16


def _representation_role(user: User, person: Person, today: Any) -> PlanRole | None:
    """Helsenorge's rules: parents act for a child under 12, read less from 12 to 15, and nothing from 16;
    a guardian or power-of-attorney holder within their mandate's period and scope (health and care). Code 6/7
    ends all of it."""
    if person.has_confidential_address:
        return None
    age = person.age_on(today)
    best: PlanRole | None = None
    for relation in _representing_relations(user, person):
        if not relation.in_force_on(today) or relation.relative.has_confidential_address:
            continue
        if relation.kind == RelationKind.PARENT:
            if age is not None and age < 12:
                return PlanRole.REPRESENTATIVE
            if age is not None and age < 16:
                best = best or PlanRole.PARENT_OF_YOUTH
        elif relation.covers_health:
            return PlanRole.REPRESENTATIVE
    return best


def plan_role(user: AnyUser | None, plan: IndividualPlan) -> PlanRole | None:
    """The user's role in this plan today: worked out once per request (see `_within_request`)."""
    active = _active_user(user)
    if active is None or active.is_system_admin:
        return None
    return within_request(active, ("plan_role", plan.pk), lambda: _plan_role(active, plan))


def _plan_role(active: User, plan: IndividualPlan) -> PlanRole | None:
    role: PlanRole | None = None
    if coordinates(active, plan.person):
        role = PlanRole.COORDINATOR
    elif plan.person.user_id == active.pk and portal_role(active, plan.person) == PlanRole.PERSON:
        role = PlanRole.PERSON
    if role is None:
        participation = within_request(
            active, ("participation", plan.pk), lambda: _participation(active, plan)
        )
        # A professional reads only while the person's consent covers their organisation.
        if participation is not None and participation.organisation_id in _plan_consent_organisations(
            active, plan.person_id
        ):
            role = PlanRole.FULL if participation.access_level == AccessLevel.FULL else PlanRole.LIMITED
    if role is None:
        # The person's own standing, or a representative's: as on the person's own pages.
        role = portal_role(active, plan.person)
    if role is None and within_request(
        active, ("emergency", plan.pk), lambda: plan.pk in _emergency(active, [plan])
    ):
        role = PlanRole.EMERGENCY
    return role


def _professional_participations(active: User, plans: Iterable[IndividualPlan]) -> QuerySet[PlanParticipant]:
    # Only while still working in the organisation they take part for.
    return PlanParticipant.objects.filter(
        plan__in=plans,
        user=active,
        kind=ParticipantKind.PROFESSIONAL,
        active=True,
        organisation_id__in=_working_in(active),
    )


def _participation(active: User, plan: IndividualPlan) -> PlanParticipant | None:
    return _professional_participations(active, [plan]).first()


def _plan_consent_organisations(active: User, person_id: Any) -> set[Any]:
    """The organisations the person's consent to the plan in force is shared with: none without one."""

    def load() -> set[Any]:
        return Consent.objects.shared_in_force([person_id]).get(person_id, set())

    return within_request(active, ("plan_consent_organisations", person_id), load)


def _emergency(active: User, plans: Iterable[IndividualPlan]) -> set[Any]:
    """Of these plans, those the user has broken the glass for and may still read."""
    accesses = EmergencyAccess.objects.filter(plan__in=plans, user=active, expires_at__gt=timezone.now())
    return set(accesses.values_list("plan_id", flat=True))


def prepare_plan_roles(user: AnyUser | None, plans: list[IndividualPlan]) -> None:
    """Load, in a fixed number of queries, what `plan_role` asks for each of these plans, so that a list of
    plans costs the same however long it is. The rules stay in `_plan_role`; only the loading is shared."""
    active = _active_user(user)
    if active is None or active.is_system_admin or not plans:
        return
    person_ids = {plan.person_id for plan in plans}
    coordinators: dict[Any, list[CoordinatorAssignment]] = defaultdict(list)
    assignments = CoordinatorAssignment.objects.filter(person_id__in=person_ids, active=True)
    for assignment in assignments.select_related("coordinator", "organisation"):
        coordinators[assignment.person_id].append(assignment)
    participations: dict[Any, PlanParticipant] = {}
    for participation in _professional_participations(active, plans):
        participations.setdefault(participation.plan_id, participation)
    shared = Consent.objects.shared_in_force(person_ids)
    related = set(
        PersonRelation.objects.filter(
            person_id__in=person_ids, relative__user=active, kind__in=REPRESENTING_KINDS
        ).values_list("person_id", flat=True)
    )
    emergency = _emergency(active, plans)
    for plan in plans:
        remember(active, ("coordinators", plan.person_id), coordinators[plan.person_id])
        remember(active, ("participation", plan.pk), participations.get(plan.pk))
        remember(active, ("plan_consent_organisations", plan.person_id), shared.get(plan.person_id, set()))
        remember(active, ("emergency", plan.pk), plan.pk in emergency)
        if plan.person_id not in related and plan.person.user_id != active.pk:
            # Neither the person nor acting for them: no standing on the person's own pages.
            remember(active, ("portal_role", plan.person_id), None)


def portal_role(user: AnyUser | None, person: Person) -> PlanRole | None:
    """The user's standing on the person's own pages: the person from 16, or whoever acts for them now."""
    active = _active_user(user)
    if active is None or active.is_system_admin:
        return None
    return within_request(active, ("portal_role", person.pk), lambda: _portal_role(active, person))


def _portal_role(active: User, person: Person) -> PlanRole | None:
    today = timezone.localdate()
    if person.user_id == active.pk:
        age = person.age_on(today)
        if age is None or age >= 16:
            return PlanRole.PERSON
    return _representation_role(active, person, today)


def no_longer_represents(user: AnyUser | None, person: Person) -> bool:
    """Whether the user acted for the person and no longer does, for a reason they may be told: the child
    turned 16, the relation ended, or the mandate does not cover health (the rules above, read backwards). A
    confidential address (code 6/7) is never hinted at, nor is a mandate that has not begun."""
    active = _active_user(user)
    if active is None or person.has_confidential_address or portal_role(active, person) is not None:
        return False
    today = timezone.localdate()
    age = person.age_on(today)
    for relation in _representing_relations(active, person):
        if relation.relative.has_confidential_address or relation.valid_from > today:
            continue
        if relation.valid_to is not None and relation.valid_to < today:
            return True
        if relation.kind == RelationKind.PARENT and age is not None and age >= 16:
            return True
        if relation.kind != RelationKind.PARENT and not relation.covers_health:
            return True
    return False


# The person's side of the plan: who writes what matters, proposes goals and rates progress. A parent of a
# 12–15-year-old reads the plan but does not write the young person's goals for them.
CONTRIBUTOR_ROLES = frozenset({PlanRole.PERSON, PlanRole.REPRESENTATIVE})
# Who consents and asks for help: under 16 the parents still consent
# (pasient- og brukerrettighetsloven § 4-3).
CONSENTING_ROLES = frozenset({PlanRole.PERSON, PlanRole.REPRESENTATIVE, PlanRole.PARENT_OF_YOUTH})
# Who reads the log of who has seen the person's information: as for the plan's own log.
LOG_READERS = frozenset({PlanRole.PERSON, PlanRole.REPRESENTATIVE})
# Messages about the plan: the person's side and the professionals who read the whole plan.
MESSAGE_ROLES = frozenset(
    {PlanRole.COORDINATOR, PlanRole.FULL, PlanRole.PERSON, PlanRole.REPRESENTATIVE, PlanRole.PARENT_OF_YOUTH}
)


def _plan_of(obj: Any) -> IndividualPlan | None:
    if isinstance(obj, IndividualPlan):
        return obj
    plan = getattr(obj, "plan", None)
    return plan if isinstance(plan, IndividualPlan) else None


def _plan_read(user: AnyUser | None, obj: Any) -> bool:
    plan = _plan_of(obj)
    return plan is not None and plan_role(user, plan) is not None


def _plan_read_whole(user: AnyUser | None, obj: Any) -> bool:
    plan = _plan_of(obj)
    return plan is not None and plan_role(user, plan) in WHOLE_PLAN_ROLES


def _plan_coordinator(user: AnyUser | None, obj: Any) -> bool:
    plan = _plan_of(obj)
    return plan is not None and plan.is_open and plan_role(user, plan) == PlanRole.COORDINATOR


def _access_log_reader(user: AnyUser | None, obj: Any) -> bool:
    """Who has seen the plan: the person, whoever acts for them, and the coordinator who answers for it."""
    plan = _plan_of(obj)
    return plan is not None and plan_role(user, plan) in LOG_READERS | {PlanRole.COORDINATOR}


def _plan_note_writer(user: AnyUser | None, obj: Any) -> bool:
    plan = _plan_of(obj)
    return (
        plan is not None and plan.is_open and plan_role(user, plan) in {PlanRole.COORDINATOR, PlanRole.FULL}
    )


def _measure_editor(user: AnyUser | None, obj: Measure) -> bool:
    """The coordinator edits every measure; a full participant the measures they are responsible for."""
    plan = _plan_of(obj)
    if plan is None or not plan.is_open:
        return False
    role = plan_role(user, plan)
    if role == PlanRole.COORDINATOR:
        return True
    responsible = obj.responsible_participant
    return (
        role == PlanRole.FULL and responsible is not None and responsible.user_id == getattr(user, "pk", None)
    )


def _limited_measures(user: User, plan: IndividualPlan) -> QuerySet[Measure]:
    """The plan's measures a participant with limited access is responsible for, while still going on."""
    return plan.measures.filter(
        responsible_participant__user=user, responsible_participant__active=True
    ).exclude(status=MeasureStatus.STOPPED)


def _assessment_recorder(user: AnyUser | None, obj: Any) -> bool:
    """The plan's coordinator and its professional participants record instruments while the plan is open:
    for a plan, whether they may record at all; for a measure, whether they may record for it. A participant
    with limited access records only for a measure they are responsible for, so that they can read it after.
    The person's side answers in the portal; it does not record here."""
    plan = _plan_of(obj)
    if plan is None or not plan.is_open:
        return False
    active = _active_user(user)
    role = plan_role(active, plan)
    if role in {PlanRole.COORDINATOR, PlanRole.FULL}:
        return True
    if role != PlanRole.LIMITED or active is None:
        return False
    measures = _limited_measures(active, plan)
    return measures.filter(pk=obj.pk).exists() if isinstance(obj, Measure) else measures.exists()


def _assessment_results_reader(user: AnyUser | None, obj: Any) -> bool:
    """Whoever reads the whole plan reads its results (a parent of a 12–15-year-old without those tied to the
    goals the young person keeps private); a participant with limited access only the results tied to the
    measures they are responsible for (the selector leaves the rest out)."""
    plan = _plan_of(obj)
    return plan is not None and plan_role(user, plan) in WHOLE_PLAN_ROLES | {PlanRole.LIMITED}


def _questionnaire_sender(user: AnyUser | None, obj: Any) -> bool:
    """The plan's coordinator and its participants with full access send questionnaires to the portal and
    set schedules, while the plan is open. A participant with limited access records for their own measures
    only; a questionnaire in the portal is tied to none, so they do not send one. The same as who writes
    notes in the plan."""
    return _plan_note_writer(user, obj)


def _questionnaire_answerer(user: AnyUser | None, obj: Any) -> bool:
    """Questionnaires in the portal are answered by whoever writes on the person's side of the plan: the
    person from 16, or whoever acts for them (a parent of a child under 12, a guardian, an attorney). A parent
    of a 12–15-year-old does not answer for the young person, as they do not write their goals."""
    return _portal_contributor(user, obj)


def _plan_creator(user: AnyUser | None, obj: Any) -> bool:
    return isinstance(obj, Person) and coordinates(user, obj)


def _record_notice_reader(user: AnyUser | None, obj: Any) -> bool:
    """The notice holds no plan content: the professionals in the plan and the unit may fetch it."""
    plan = _plan_of(obj)
    if plan is None:
        return False
    return plan_role(
        user, plan
    ) in PROFESSIONAL_ROLES or plan.municipality_id in coordinating_unit_municipalities(user)


def _portal_contributor(user: AnyUser | None, obj: Any) -> bool:
    plan = _plan_of(obj)
    return plan is not None and plan.is_open and plan_role(user, plan) in CONTRIBUTOR_ROLES


def _own_goal_editor(user: AnyUser | None, obj: Any) -> bool:
    """The person (or whoever acts for them) edits the goals they wrote themselves, while still in play."""
    return (
        isinstance(obj, Goal)
        and obj.written_by_id == getattr(user, "pk", None)
        and obj.status in {GoalStatus.PROPOSED, GoalStatus.ACTIVE, GoalStatus.ON_HOLD}
        and _portal_contributor(user, obj)
    )


def _consents_for(user: AnyUser | None, obj: Any) -> bool:
    """The person from 16, or the parent, guardian or attorney who consents and asks for them."""
    return isinstance(obj, Person) and portal_role(user, obj) in CONSENTING_ROLES


def _plan_agreer(user: AnyUser | None, obj: Any) -> bool:
    """Whoever consents for the person confirms that they have read the plan and agree to it."""
    return isinstance(obj, IndividualPlan) and obj.is_open and plan_role(user, obj) in CONSENTING_ROLES


def _message_reader(user: AnyUser | None, obj: Any) -> bool:
    plan = _plan_of(obj)
    return plan is not None and plan_role(user, plan) in MESSAGE_ROLES


def _limited_invitee(user: AnyUser | None, obj: Any) -> bool:
    """A participant who reads only their own goals and measures, invited to this meeting."""
    active = _active_user(user)
    return (
        isinstance(obj, Meeting)
        and active is not None
        and plan_role(active, obj.plan) == PlanRole.LIMITED
        and obj.invited.filter(user=active, active=True).exists()
    )


def _meeting_reader(user: AnyUser | None, obj: Any) -> bool:
    """Whoever reads the whole plan; a limited participant the meetings they are invited to."""
    return isinstance(obj, Meeting) and (_plan_read_whole(user, obj) or _limited_invitee(user, obj))


def _writes_to_coordinator(user: AnyUser | None, obj: Any) -> bool:
    """A limited participant cannot read the plan's conversation; invited to a meeting, they may write to the
    coordinator about it (and read what they wrote)."""
    return isinstance(obj, Meeting) and obj.plan.is_open and _limited_invitee(user, obj)


# Rules: action -> predicate(user, obj). Each says in one line who may.
def _person_in_officers_municipality(user: AnyUser | None, obj: Any) -> bool:
    return isinstance(obj, Person) and obj.municipality_id in coordinating_unit_municipalities(user)


def _officer_of_report(user: AnyUser | None, obj: Any) -> bool:
    return isinstance(obj, NeedReport) and obj.municipality_id in coordinating_unit_municipalities(user)


def _reporter_of(user: AnyUser | None, obj: Any) -> bool:
    active = _active_user(user)
    return isinstance(obj, NeedReport) and active is not None and obj.reported_by_id == active.pk


def _consent_keeper(user: AnyUser | None, obj: Any) -> bool:
    """The unit that decides on plans and coordinators, and the person's coordinator, keep the consents."""
    return _person_in_officers_municipality(user, obj) or (isinstance(obj, Person) and coordinates(user, obj))


def _own_data_from_16(user: AnyUser | None, obj: Any) -> bool:
    """The person's own data, from the age of 16 (before that, parents act for the child: the portal)."""
    active = _active_user(user)
    if active is None or not isinstance(obj, Person) or obj.user_id != active.pk:
        return False
    age = obj.age_on(timezone.localdate())
    return age is None or age >= 16


def _manages_members(user: AnyUser | None, obj: Any) -> bool:
    if not isinstance(obj, Organisation):
        return False
    return is_system_admin(user) or obj.pk in administered_organisation_ids(user)


def _citizen_only() -> Q:
    """Accounts of citizens: a person in the registry (or a relative) signs in with it, and it holds no role
    in any organisation. No administrator manages them or learns that they exist."""
    holds_a_role = Membership.objects.filter(active=True).values("user_id")
    return Q(person__isnull=False, is_system_admin=False) & ~Q(pk__in=holds_a_role)


def is_citizen_only(target: User) -> bool:
    return User.objects.filter(_citizen_only(), pk=target.pk).exists()


def _is_citizen(target: User) -> bool:
    """The account is a citizen's, whatever roles it also holds: it opens the person's own pages."""
    return Person.objects.filter(user_id=target.pk).exists()


def _may_edit_user(user: AnyUser | None, obj: Any) -> bool:
    if not isinstance(obj, User) or is_citizen_only(obj):
        return False
    if is_system_admin(user):
        return True
    if obj.is_system_admin:
        return False
    return _belongs_to_admin(user, obj, require_member=True)


def _may_edit_sign_in(user: AnyUser | None, obj: Any) -> bool:
    """How an account signs in (user name, email address, whether it is active) is changed by an administrator
    only for a professional in their reach, never for an account a citizen also signs in with: whoever
    controls the address controls the account."""
    return _may_edit_user(user, obj) and (_own_account(user, obj) or not _is_citizen(obj))


def _own_account(user: AnyUser | None, obj: Any) -> bool:
    active = _active_user(user)
    return isinstance(obj, User) and active is not None and obj.pk == active.pk


def _belongs_to_admin(user: AnyUser | None, target: Any, *, require_member: bool) -> bool:
    """An organisation administrator manages users whose every current membership is in their organisations:
    never someone who also works elsewhere, and never someone who has left."""
    admin_of = administered_organisation_ids(user)
    if not admin_of:
        return False
    current = target.memberships.filter(active=True)
    if current.exclude(organisation_id__in=admin_of).exists():
        return False
    return current.exists() or not require_member


# Roles that open health data or the logs: only the system administrator grants them.
PRIVILEGED_ROLES = frozenset(
    {
        MembershipRole.COORDINATING_UNIT_OFFICER,
        MembershipRole.PRIVACY_OFFICER,
        MembershipRole.REFERRAL_CLERK,
        MembershipRole.ASSESSING_CLINICIAN,
        MembershipRole.EPISODE_STAFF,
        MembershipRole.TRUST_COORDINATING_OFFICER,
        MembershipRole.INDICATOR_ANALYST,
    }
)


def grantable_roles(user: AnyUser | None) -> list[tuple[str, Any]]:
    if is_system_admin(user):
        return list(MembershipRole.choices)
    return [(value, label) for value, label in MembershipRole.choices if value not in PRIVILEGED_ROLES]


def may_grant(actor: AnyUser | None, target: Any, organisation: Organisation, role: str) -> bool:
    """May `actor` give `target` this role in this organisation? Nobody grants roles to themselves, and
    system administrators hold no roles: they must never see health data. A citizen's account gets no role
    either: a professional role would bring it within an administrator's reach."""
    active = _active_user(actor)
    if active is None or target.is_system_admin or target.pk == active.pk or is_citizen_only(target):
        return False
    if is_system_admin(active):
        return True
    if organisation.pk not in administered_organisation_ids(active) or role in PRIVILEGED_ROLES:
        return False
    return _belongs_to_admin(active, target, require_member=False)


# The specialist staff of a unit who see, from the person's referral or episode of care, whether the person
# has a plan and who coordinates it: never the plan's content.
PLAN_STATUS_ROLES = (
    MembershipRole.REFERRAL_CLERK,
    MembershipRole.ASSESSING_CLINICIAN,
    MembershipRole.EPISODE_STAFF,
)
# A referral the unit no longer has, or never had the person's agreement to: it shows the unit nothing of
# the person's plan. Forwarded (to the unit that now holds it), rejected, or made against the person's will.
_REFERRAL_WITHOUT_TIES = (
    Q(status=ReferralStatus.FORWARDED)
    | Q(consent=ReferralConsent.NO)
    | Q(assessment__outcome__in=(AssessmentOutcome.REJECTED, AssessmentOutcome.FORWARDED))
)


def units_with_person(user: AnyUser | None, person: Any) -> list[Organisation]:
    """The user's habilitation and rehabilitation units (as clerk, assessing clinician or episode staff)
    that have the person in an episode of care, or in a referral they received and hold (not forwarded or
    rejected, and not against the person's will): the units the user may ask to join the person's plan
    for. Worked out once per request."""
    active = _active_user(user)
    if active is None or not isinstance(person, Person):
        return []
    units = {
        organisation.pk: organisation
        for role in PLAN_STATUS_ROLES
        for organisation in _roles(active, role)
        if organisation.kind in RECEIVING_KINDS
    }
    if not units:
        return []

    def load() -> list[Organisation]:
        referred = set(
            Referral.objects.filter(person_id=person.pk, receiving_unit_id__in=units)
            .exclude(pk__in=Referral.objects.filter(_REFERRAL_WITHOUT_TIES).values("pk"))
            .values_list("receiving_unit_id", flat=True)
        )
        in_care = set(
            Episode.objects.filter(person_id=person.pk, unit_id__in=units).values_list("unit_id", flat=True)
        )
        return sorted((units[pk] for pk in referred | in_care), key=lambda organisation: organisation.name)

    return within_request(active, ("units_with_person", person.pk), load)


def _may_ask_to_join(user: AnyUser | None, obj: Any) -> bool:
    """Specialist staff of a unit that has the person in a referral or an episode of care may ask the
    coordinator to take part in an open plan: not someone who already takes part, and not the coordinator."""
    active = _active_user(user)
    if active is None or not isinstance(obj, IndividualPlan) or not obj.is_open:
        return False
    if not units_with_person(active, obj.person):
        return False
    return not obj.participants.filter(user=active, active=True).exists() and not coordinates(
        active, obj.person
    )


def _join_answerer(user: AnyUser | None, obj: Any) -> bool:
    """The plan's coordinator answers a request to take part, while it waits for an answer."""
    return isinstance(obj, JoinRequest) and obj.is_pending and _plan_coordinator(user, obj.plan)


def trust_ids(user: AnyUser | None) -> set[Any]:
    """The health trusts, by id, whose coordinating unit the user works in."""
    active = _active_user(user)
    if active is None:
        return set()
    return {
        organisation.pk
        for organisation in _roles(active, MembershipRole.TRUST_COORDINATING_OFFICER)
        if organisation.kind == OrganisationKind.HEALTH_TRUST
    }


# The kinds of the health trust's side of an agreement: the trust itself and its units.
SPECIALIST_KINDS = frozenset({OrganisationKind.HEALTH_TRUST, *RECEIVING_KINDS})


def agreement_parties(user: AnyUser | None) -> tuple[set[str], set[Any]]:
    """The municipalities (by number) and health trusts (by id) the user works for, as a party to a
    collaboration agreement: a municipal service is the municipality's, a trust and its units the trust's."""
    active = _active_user(user)
    municipalities: set[str] = set()
    trusts: set[Any] = set()
    if active is None:
        return municipalities, trusts
    for membership in Membership.objects.held_by(active):
        organisation = membership.organisation
        if not organisation.active:
            continue
        if organisation.kind == OrganisationKind.HEALTH_TRUST:
            trusts.add(organisation.pk)
        elif organisation.kind in RECEIVING_KINDS:
            if organisation.parent_id is not None:
                trusts.add(organisation.parent_id)
        elif organisation.municipality_id:
            municipalities.add(organisation.municipality_id)
    return municipalities, trusts


def _agreement_reader(user: AnyUser | None, obj: Any) -> bool:
    """Any professional of either party reads the agreement; the system administrator who keeps it, too.
    Without an agreement: whether the user may open the list at all."""
    if is_system_admin(user):
        return obj is None or isinstance(obj, CollaborationAgreement)
    municipalities, trusts = agreement_parties(user)
    if obj is None:
        return bool(municipalities or trusts)
    return isinstance(obj, CollaborationAgreement) and (
        obj.municipality_id in municipalities or obj.health_trust_id in trusts
    )


def visible_agreements(user: AnyUser | None) -> QuerySet[CollaborationAgreement]:
    if is_system_admin(user):
        return CollaborationAgreement.objects.all()
    municipalities, trusts = agreement_parties(user)
    return CollaborationAgreement.objects.filter(
        Q(municipality_id__in=municipalities) | Q(health_trust_id__in=trusts)
    )


# The areas of the quality indicators, as (level, code): the levels of `indicators.dimensions.AreaLevel`, a
# health trust by its id, the nation by its one code.
MUNICIPALITY_AREA = "municipality"
TRUST_AREA = "health_trust"
REGION_AREA = "health_region"
NATION_AREA = ("nation", "NO")


def indicator_areas(user: AnyUser | None) -> set[tuple[str, str]]:
    """The areas whose quality indicators the user sees on their dashboard: a leader's or analyst's where the
    role is held (a health trust, a regional health authority's region, the nation, or else the municipality
    of the organisation), and a coordinating unit officer's own municipality. The system administrator holds
    no roles and sees none: the indicators are drawn from health data."""
    active = _active_user(user)
    if active is None or active.is_system_admin:
        return set()
    areas = {(MUNICIPALITY_AREA, number) for number in coordinating_unit_municipalities(active)}
    for organisation in _roles(active, MembershipRole.INDICATOR_ANALYST):
        if organisation.kind == OrganisationKind.NATIONAL_HEALTH_AUTHORITY:
            areas.add(NATION_AREA)
        elif organisation.kind == OrganisationKind.HEALTH_TRUST:
            areas.add((TRUST_AREA, str(organisation.pk)))
        elif organisation.kind == OrganisationKind.REGIONAL_HEALTH_AUTHORITY:
            if organisation.health_region_id:
                areas.add((REGION_AREA, organisation.health_region_id))
        elif organisation.municipality_id:
            areas.add((MUNICIPALITY_AREA, organisation.municipality_id))
    return areas


def _indicator_area_reader(user: AnyUser | None, obj: Any) -> bool:
    """Without an area: whether the user has a dashboard at all; with one, as (level, code): whether it is
    theirs."""
    areas = indicator_areas(user)
    return bool(areas) if obj is None else tuple(obj) in areas


def sees_public_statistics(user: AnyUser | None) -> bool:
    """The public statistics need no login; a signed-in user sees them unless the policy says no (the system
    administrator: they are drawn from health data)."""
    if user is None or not user.is_authenticated:
        return True
    return can(user, Action.INDICATORS_PUBLIC)


RULES: dict[Action, Callable[[AnyUser | None, Any], bool]] = {
    # Coordinating unit officers keep the person registry of their municipality (DESIGN §1).
    Action.PERSON_SEARCH: lambda user, obj: is_coordinating_unit_officer(user),
    Action.PERSON_CREATE: lambda user, obj: is_coordinating_unit_officer(user),
    Action.PERSON_VIEW: _person_in_officers_municipality,
    Action.PERSON_EDIT: _person_in_officers_municipality,
    # The system administrator manages organisations and users, and sees no health data.
    Action.ORGANISATION_LIST: lambda user, obj: (
        is_system_admin(user) or bool(administered_organisation_ids(user))
    ),
    Action.ORGANISATION_CREATE: lambda user, obj: is_system_admin(user),
    Action.ORGANISATION_EDIT: lambda user, obj: is_system_admin(user) and isinstance(obj, Organisation),
    Action.MEMBERS_MANAGE: _manages_members,
    Action.USER_CREATE: lambda user, obj: is_system_admin(user) or bool(administered_organisation_ids(user)),
    Action.USER_EDIT: _may_edit_user,
    Action.USER_SIGN_IN_EDIT: _may_edit_sign_in,
    # The language and the two-factor device are each user's own: nobody chooses them for another.
    Action.OWN_ACCOUNT: _own_account,
    # Any professional, in any organisation and sector, may report a need to the coordinating unit.
    Action.NEED_REPORT_CREATE: lambda user, obj: is_professional(user),
    Action.NEED_REPORT_QUEUE: lambda user, obj: is_coordinating_unit_officer(user),
    Action.NEED_REPORT_ASSESS: _officer_of_report,
    Action.NEED_REPORT_VIEW_OWN: lambda user, obj: _officer_of_report(user, obj) or _reporter_of(user, obj),
    Action.CONSENT_VIEW: _consent_keeper,
    # Recording and withdrawing consent is the coordinating unit's: a coordinator must not renew the consent
    # their own access rests on.
    Action.CONSENT_MANAGE: _person_in_officers_municipality,
    Action.COORDINATOR_APPOINT: _person_in_officers_municipality,
    Action.AUDIT_SEARCH: lambda user, obj: bool(audit_municipalities(user)),
    Action.OWN_DATA_EXPORT: _own_data_from_16,
    # The coordinator makes the plan, after the unit has appointed them.
    Action.PLAN_CREATE: _plan_creator,
    Action.PLAN_VIEW: _plan_read,
    Action.PLAN_VIEW_FULL: _plan_read_whole,
    Action.PLAN_EDIT: _plan_coordinator,
    Action.PLAN_NOTE: _plan_note_writer,
    Action.MEASURE_EDIT: _measure_editor,
    # The unit sees who has a plan, its status and dates: never its content unless also taking part.
    Action.PLAN_OVERVIEW: lambda user, obj: is_coordinating_unit_officer(user),
    Action.RECORD_NOTICE: _record_notice_reader,
    Action.PLANS_MINE: lambda user, obj: is_professional(user),
    Action.PLAN_ACCESS_LOG: _access_log_reader,
    # The person's own pages (the portal): the person from 16, parents, guardians and attorneys as the
    # representation rules say.
    Action.PORTAL_VIEW: lambda user, obj: isinstance(obj, Person) and portal_role(user, obj) is not None,
    Action.PORTAL_CONTRIBUTE: _portal_contributor,
    Action.PORTAL_GOAL_EDIT: _own_goal_editor,
    Action.PORTAL_CONSENT: _consents_for,
    Action.PORTAL_ASK_HELP: _consents_for,
    Action.PORTAL_PLAN_AGREE: _plan_agreer,
    Action.PORTAL_ACCESS_LOG: lambda user, obj: (
        isinstance(obj, Person) and portal_role(user, obj) in LOG_READERS
    ),
    Action.PLAN_MESSAGES: _message_reader,
    # The specialist side: a unit's referrals are its clerks' alone, never the municipality's.
    Action.REFERRAL_WORK_LIST: lambda user, obj: bool(referral_reader_units(user)),
    Action.REFERRAL_REGISTER: _referral_clerk_of,
    Action.REFERRAL_VIEW: lambda user, obj: (
        isinstance(obj, Referral) and obj.receiving_unit_id in referral_reader_units(user)
    ),
    # The right and its deadline are set by a clinician of the unit, while the referral is still open.
    Action.REFERRAL_ASSESS: lambda user, obj: (
        isinstance(obj, Referral) and obj.is_open and obj.receiving_unit_id in assessing_units(user)
    ),
    # The priority guides are public text, but this copy is a tool of the specialist side: anyone who works
    # in a habilitation or rehabilitation unit, whatever their role there.
    Action.PRIORITY_GUIDE_VIEW: lambda user, obj: bool(specialist_units(user, *MembershipRole.values)),
    # The first appointment, given after the assessment by the unit's clinicians or clerks, so the letter can
    # name it and the wait is not an expected breach.
    Action.REFERRAL_APPOINTMENT: lambda user, obj: (
        isinstance(obj, Referral)
        and obj.status == ReferralStatus.ASSESSED
        and obj.receiving_unit_id
        in specialist_units(user, MembershipRole.REFERRAL_CLERK, MembershipRole.ASSESSING_CLINICIAN)
    ),
    # The clock runs on while the unit waits: asking is for a referral not yet assessed.
    Action.REFERRAL_ASK_REFERRER: lambda user, obj: (
        isinstance(obj, Referral) and obj.is_open and _referral_clerk_of(user, obj)
    ),
    # What comes with a referral, or after it (an epicrisis, a report), may be attached whatever its status.
    Action.REFERRAL_ATTACH: lambda user, obj: isinstance(obj, Referral) and _referral_clerk_of(user, obj),
    # The national code lists (ICD-10, ICPC-2, NCMP) hold no personal data: any professional may search them.
    Action.CODE_LIST_SEARCH: lambda user, obj: is_professional(user),
    # Everyone with a right who waits for care: read by whoever reads the unit's referrals.
    Action.REFERRAL_WAITING_LIST: lambda user, obj: bool(referral_reader_units(user)),
    # A breach is handled, and the wait recorded, by the unit's clerks and clinicians; the trust's
    # coordinating unit reads only.
    Action.REFERRAL_WAIT_HANDLE: lambda user, obj: (
        isinstance(obj, Referral)
        and obj.receiving_unit_id
        in specialist_units(user, MembershipRole.REFERRAL_CLERK, MembershipRole.ASSESSING_CLINICIAN)
    ),
    Action.MEETING_VIEW: _meeting_reader,
    Action.MEETING_WRITE_COORDINATOR: _writes_to_coordinator,
    # Any professional may break the glass; it is logged, shown to the person and reviewed by the unit.
    Action.EMERGENCY_OPEN: lambda user, obj: is_professional(user),
    Action.EMERGENCY_REVIEW: lambda user, obj: (
        bool(audit_municipalities(user))
        and (obj is None or obj.plan.municipality_id in audit_municipalities(user))
    ),
    # Episodes of care: the unit's episode staff write them; its assessing clinicians and the trust's
    # coordinating unit read them; the municipality and other units see none.
    Action.EPISODE_LIST: lambda user, obj: bool(episode_reader_units(user)),
    Action.EPISODE_VIEW: lambda user, obj: (
        isinstance(obj, Episode) and obj.unit_id in episode_reader_units(user)
    ),
    Action.EPISODE_WRITE: _episode_writer,
    Action.DISCHARGE_SUMMARY_VIEW: _discharge_summary_reader,
    # The specialist side sees that a plan exists and who coordinates it, from a referral of its own unit:
    # never the plan's content. The municipality leads the plan; the coordinator decides who takes part.
    Action.PLAN_STATUS_FOR_SPECIALIST: lambda user, obj: bool(units_with_person(user, obj)),
    Action.PLAN_JOIN_ASK: _may_ask_to_join,
    Action.PLAN_JOIN_ANSWER: _join_answerer,
    # The trust's coordinating unit oversees its units' referrals and its professionals' part in plans, as
    # the municipality's unit oversees the municipality's plans.
    Action.TRUST_OVERVIEW: lambda user, obj: bool(trust_ids(user)),
    # A collaboration agreement holds no health data: the system administrator registers and keeps it.
    Action.AGREEMENT_MANAGE: lambda user, obj: is_system_admin(user),
    Action.AGREEMENT_VIEW: _agreement_reader,
    # Instruments recorded in the plan: health data, read as the plan is and recorded by its professionals.
    Action.ASSESSMENT_RECORD: _assessment_recorder,
    Action.ASSESSMENT_RESULTS: _assessment_results_reader,
    Action.ASSESSMENT_SEND: _questionnaire_sender,
    # The list itself: any professional; it holds only the plans they coordinate or take part in fully.
    Action.ASSESSMENT_FOLLOW_UP: lambda user, obj: is_professional(user),
    Action.PORTAL_QUESTIONNAIRE: _questionnaire_answerer,
    # The quality indicators: only suppressed aggregates, never a person. Everyone but the system
    # administrator sees the published figures; a leader or analyst, and the coordinating unit, their area's.
    Action.INDICATORS_PUBLIC: lambda user, obj: not is_system_admin(user),
    Action.INDICATORS_AREA: _indicator_area_reader,
}


def can(user: AnyUser | None, action: Action, obj: Any = None) -> bool:
    rule = RULES.get(action)
    if rule is None or _active_user(user) is None:
        return False
    return rule(user, obj)


def require(user: AnyUser | None, action: Action, obj: Any = None) -> None:
    """Refuse with 404, so that a refused user learns nothing about whether the object exists."""
    if not can(user, action, obj):
        raise RefusedAsNotFound(action, obj)


def visible_persons(user: AnyUser | None) -> QuerySet[Person]:
    municipalities = coordinating_unit_municipalities(user)
    if not municipalities:
        return Person.objects.none()
    return Person.objects.filter(municipality_id__in=municipalities)


def candidate_plans(user: AnyUser | None) -> QuerySet[IndividualPlan]:
    """Plans the user may have a role in, for lists: filter each with `can(..., PLAN_VIEW, plan)` before
    showing, since consent coverage and age are decided per plan."""
    active = _active_user(user)
    if active is None or active.is_system_admin:
        return IndividualPlan.objects.none()
    return IndividualPlan.objects.filter(
        Q(person__coordinator_assignments__coordinator=active, person__coordinator_assignments__active=True)
        | Q(participants__user=active, participants__active=True)
        | Q(person__user=active)
        | Q(person__relations__relative__user=active)
    ).distinct()


def manageable_users(user: AnyUser | None) -> QuerySet[User]:
    """The users an administrator sees in the list: the system administrator every account but the citizens',
    an organisation administrator the members of their organisations."""
    if is_system_admin(user):
        return User.objects.exclude(_citizen_only())
    return User.objects.filter(
        memberships__organisation__in=manageable_organisations(user), memberships__active=True
    ).distinct()


def manageable_organisations(user: AnyUser | None) -> QuerySet[Organisation]:
    if is_system_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=administered_organisation_ids(user))


def authorise(actor: User | None, action: Action, obj: Any = None) -> None:
    """For services: a user must be allowed; `None` is a system process (migration, demo loader, cron)."""
    if actor is not None and not can(actor, action, obj):
        raise RefusedAsForbidden(action, obj)
