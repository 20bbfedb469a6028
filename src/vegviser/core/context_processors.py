from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from vegviser.access import policy
from vegviser.access.policy import Action


def layout(request: HttpRequest) -> dict[str, Any]:
    """What the header shows: the user's organisation and role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = None
    if not user.is_system_admin:
        membership = next(iter(policy.memberships(user)), None)
    menu = {
        "persons": policy.can(user, Action.PERSON_SEARCH),
        "organisations": policy.can(user, Action.ORGANISATION_LIST),
        "report_need": policy.can(user, Action.NEED_REPORT_CREATE),
        "queue": policy.can(user, Action.NEED_REPORT_QUEUE),
        "my_plans": policy.can(user, Action.PLANS_MINE),
        "overview": policy.can(user, Action.PLAN_OVERVIEW),
        "emergency": policy.can(user, Action.EMERGENCY_OPEN),
        "emergency_review": policy.can(user, Action.EMERGENCY_REVIEW),
        "audit": policy.can(user, Action.AUDIT_SEARCH),
        "my_data": hasattr(user, "person") and policy.can(user, Action.OWN_DATA_EXPORT, user.person),
    }
    return {"current_membership": membership, "menu": menu, "session_seconds": settings.SESSION_COOKIE_AGE}
