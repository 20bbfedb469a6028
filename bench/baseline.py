"""The baseline of bench/plan_page.py: a bare Django view that reads the rows the plan page reads for a plan
and returns them as JSON, with no policy, no access record and no template.

The benchmark serves the site's own URLs with this view added at the end, so the bare view and the plan page
go through the same middleware and the same test client: what the page costs beyond this view is its own
work.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.urls import path

from vegviser import urls
from vegviser.plans.models import IndividualPlan


@login_required
def bare_plan(request: HttpRequest, pk: uuid.UUID) -> JsonResponse:
    plan = IndividualPlan.objects.select_related("person").get(pk=pk)
    return JsonResponse(
        {
            "person": plan.person.full_name,
            "status": plan.status,
            "what_matters": plan.what_matters,
            "participants": [[p.name, p.role] for p in plan.participants.all()],
            "goals": [[g.text, g.status] for g in plan.goals.all()],
            "measures": [[m.title, m.scope] for m in plan.measures.all()],
            "meetings": [[m.starts_at.isoformat(), m.place] for m in plan.meetings.all()],
            "evaluations": [[e.evaluated_on.isoformat(), e.summary] for e in plan.evaluations.all()],
        }
    )


urlpatterns = [*urls.urlpatterns, path("bench/bare-plan/<uuid:pk>/", bare_plan, name="bare_plan")]
handler403 = urls.handler403
