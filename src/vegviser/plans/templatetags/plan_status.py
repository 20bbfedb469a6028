"""`{% plan_status_for person %}`: whether the person has a plan and who coordinates it, for the specialist
staff of a unit that has the person in a referral or an episode of care. Shows nothing to anyone
else. The read is logged by the selector, unless the page has logged its read of the person (`page_logged`):
`{% include "plans/_plan_status_for_person.html" with person=episode.person page_logged=True %}`."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import plan_status_for_person

register = template.Library()


@register.inclusion_tag("plans/_plan_status.html", takes_context=True)
def plan_status_for(context: template.Context, person: Any, page_logged: bool = False) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    status = plan_status_for_person(user, person, page_logged=page_logged) if user is not None else None
    return {
        "status": status,
        "next": request.get_full_path() if request is not None else "",
        "request": request,
    }
