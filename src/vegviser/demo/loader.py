"""Demo data for trying Vegviser: Bodø municipality and Nordlandssykehuset, with synthetic people only.

Everything is written through the same services as the UI, so the demo also leaves the audit trail a real
installation would have. The registry, users and organisations are written by the system (actor `None`);
reports, decisions and plans by the demo users whose work they are, so the policy is exercised and the pages
show who wrote what.

The stories, one module each: the world of organisations and professionals (`world`); Per Andersen after a
stroke (`per`); Emil Haugen, a child with cerebral palsy (`emil`); Ulrik Nilsen, a draft plan just started
(`ulrik`); the reports still waiting in the coordinating unit's queue (`queue`); the referrals the
hospital's habilitation unit has received (`referrals`), those its physician has assessed (`assessments`),
and its waiting list, with a breach of the deadline and one expected (`waiting`); the episodes of care at its
units (`episodes`); where the municipality and the hospital meet: their collaboration agreement
and a request to take part in Per's plan (`collaboration`); the instruments recorded for Per and Emil,
and Emil's goal ratings over time (`instruments`); Per's PSFS sent to his portal every four weeks by a
schedule (`questionnaires`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from vegviser.accounts.models import User
from vegviser.demo import (
    assessments,
    collaboration,
    emil,
    episodes,
    instruments,
    per,
    questionnaires,
    queue,
    referrals,
    ulrik,
    waiting,
)
from vegviser.demo.story import Story
from vegviser.demo.world import create_world
from vegviser.plans import notices
from vegviser.referrals.guide_services import import_file as import_priority_guides


def database_is_empty() -> bool:
    return not User.objects.exists()


def load_demo() -> None:
    # The story happened in the past, to people who do not exist: no one is emailed about it. (The in-app
    # notices are kept: they are part of what the demo shows.)
    with notices.without_email():
        _load()


@transaction.atomic
def _load() -> None:
    today = timezone.localdate()
    world = create_world(today)
    # The coordinating unit's work comes first, then the plans its decisions led to.
    per_report = per.report(world)
    emil_report = emil.report(world)
    ulrik_report = ulrik.report(world)
    queue.open_reports(world)
    story = Story(today)
    per_plan = per.plan(world, story, per_report)
    questionnaires.psfs_by_schedule(world, story, per_plan)
    emil.plan(world, story, emil_report)
    ulrik.plan(world, story, ulrik_report)
    referrals.received(world, story)
    # The priority guides the habilitation unit assesses by: Helsedirektoratet's text, as shipped.
    import_priority_guides()
    assessments.assessed(world, story)
    waiting.waiting_list(world, story)
    episodes.stories(world, story)
    collaboration.meet(world, story)
    # Per's and Emil's instruments and goal ratings over time: recorded once the plans and episodes exist.
    instruments.recorded(world, story)
    story.backdate()
