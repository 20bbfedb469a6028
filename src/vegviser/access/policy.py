"""The access policy: the one place that says who may do what to which object.

Deny by default: an action without a rule here is refused. Views answer a refusal with 404 (see `require`),
so a refused user cannot tell whether the object exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from vegviser.registry.models import Membership, MembershipRole, Organisation, OrganisationKind, Person

if TYPE_CHECKING:
    from vegviser.accounts.models import User

    AnyUser = User | AnonymousUser


class Action:
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
    NEED_REPORT_CREATE = "need_report.create"
    NEED_REPORT_QUEUE = "need_report.queue"
    NEED_REPORT_ASSESS = "need_report.assess"
    NEED_REPORT_VIEW_OWN = "need_report.view_own"
    CONSENT_VIEW = "consent.view"
    CONSENT_MANAGE = "consent.manage"
    COORDINATOR_APPOINT = "coordinator.appoint"
    AUDIT_SEARCH = "audit.search"
    OWN_DATA_EXPORT = "person.export_own"


def _active_user(user: AnyUser | None) -> User | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user


def _active_memberships(user: User, role: str) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, role=role, active=True, organisation__active=True)


def coordinating_unit_municipalities(user: AnyUser | None) -> set[str]:
    """Municipality numbers where the user is an officer of the coordinating unit."""
    active = _active_user(user)
    if active is None:
        return set()
    cache = getattr(active, "_ke_municipalities", None)
    if cache is None:
        cache = set(
            _active_memberships(active, MembershipRole.COORDINATING_UNIT_OFFICER)
            .filter(
                organisation__kind=OrganisationKind.COORDINATING_UNIT,
                organisation__municipality__isnull=False,
            )
            .values_list("organisation__municipality_id", flat=True)
        )
        active._ke_municipalities = cache  # type: ignore[attr-defined]
    return cache


def administered_organisation_ids(user: AnyUser | None) -> set[Any]:
    active = _active_user(user)
    if active is None:
        return set()
    cache = getattr(active, "_admin_organisations", None)
    if cache is None:
        cache = set(
            _active_memberships(active, MembershipRole.ORGANISATION_ADMIN).values_list(
                "organisation_id", flat=True
            )
        )
        active._admin_organisations = cache  # type: ignore[attr-defined]
    return cache


def is_system_admin(user: AnyUser | None) -> bool:
    active = _active_user(user)
    return bool(active and active.is_system_admin)


def is_coordinating_unit_officer(user: AnyUser | None) -> bool:
    return bool(coordinating_unit_municipalities(user))


def audit_municipalities(user: AnyUser | None) -> set[str]:
    """Where the user may search the logs: as coordinating unit officer, or as privacy officer of an
    organisation in the municipality."""
    active = _active_user(user)
    if active is None:
        return set()
    privacy = _active_memberships(active, MembershipRole.PRIVACY_OFFICER).filter(
        organisation__kind=OrganisationKind.COORDINATING_UNIT, organisation__municipality__isnull=False
    )
    return coordinating_unit_municipalities(active) | set(
        privacy.values_list("organisation__municipality_id", flat=True)
    )


def is_professional(user: AnyUser | None) -> bool:
    """A member of any active organisation: may report a need, whatever the sector."""
    active = _active_user(user)
    return bool(active and active.memberships.filter(active=True, organisation__active=True).exists())


def coordinates(user: AnyUser | None, person: Person) -> bool:
    from vegviser.intake.models import CoordinatorAssignment

    active = _active_user(user)
    if active is None:
        return False
    # Only while still working in the organisation the assignment was made for.
    return CoordinatorAssignment.objects.filter(
        person=person,
        coordinator=active,
        active=True,
        organisation__memberships__user=active,
        organisation__memberships__active=True,
    ).exists()


# Rules: action -> predicate(user, obj). Each says in one line who may.
def _person_in_officers_municipality(user: AnyUser | None, obj: Any) -> bool:
    return isinstance(obj, Person) and obj.municipality_id in coordinating_unit_municipalities(user)


def _officer_of_report(user: AnyUser | None, obj: Any) -> bool:
    from vegviser.intake.models import NeedReport

    return isinstance(obj, NeedReport) and obj.municipality_id in coordinating_unit_municipalities(user)


def _reporter_of(user: AnyUser | None, obj: Any) -> bool:
    from vegviser.intake.models import NeedReport

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


def _may_edit_user(user: AnyUser | None, obj: Any) -> bool:
    from vegviser.accounts.models import User

    if not isinstance(obj, User):
        return False
    if is_system_admin(user):
        return True
    if obj.is_system_admin:
        return False
    return _belongs_to_admin(user, obj, require_member=True)


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
PRIVILEGED_ROLES = frozenset({MembershipRole.COORDINATING_UNIT_OFFICER, MembershipRole.PRIVACY_OFFICER})


def grantable_roles(user: AnyUser | None) -> list[tuple[str, Any]]:
    if is_system_admin(user):
        return list(MembershipRole.choices)
    return [(value, label) for value, label in MembershipRole.choices if value not in PRIVILEGED_ROLES]


def may_grant(actor: AnyUser | None, target: Any, organisation: Organisation, role: str) -> bool:
    """May `actor` give `target` this role in this organisation? Nobody grants roles to themselves, and
    system administrators hold no roles: they must never see health data."""
    active = _active_user(actor)
    if active is None or target.is_system_admin or target.pk == active.pk:
        return False
    if is_system_admin(active):
        return True
    if organisation.pk not in administered_organisation_ids(active) or role in PRIVILEGED_ROLES:
        return False
    return _belongs_to_admin(active, target, require_member=False)


RULES: dict[str, Callable[[AnyUser | None, Any], bool]] = {
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
}


def can(user: AnyUser | None, action: str, obj: Any = None) -> bool:
    rule = RULES.get(action)
    if rule is None or _active_user(user) is None:
        return False
    return rule(user, obj)


def require(user: AnyUser | None, action: str, obj: Any = None) -> None:
    """Refuse with 404, so that a refused user learns nothing about whether the object exists."""
    if not can(user, action, obj):
        raise Http404


def visible_persons(user: AnyUser | None) -> QuerySet[Person]:
    municipalities = coordinating_unit_municipalities(user)
    if not municipalities:
        return Person.objects.none()
    return Person.objects.filter(municipality_id__in=municipalities)


def manageable_organisations(user: AnyUser | None) -> QuerySet[Organisation]:
    if is_system_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=administered_organisation_ids(user))


def authorise(actor: User | None, action: str, obj: Any = None) -> None:
    """For services: a user must be allowed; `None` is a system process (migration, demo loader, cron)."""
    if actor is not None and not can(actor, action, obj):
        raise PermissionDenied
