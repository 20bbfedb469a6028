"""What the plan page saves on every request, and that the savings change nothing that is shown or kept.

Timings are measured in bench/ (DESIGN §4); these tests hold the behaviour the savings must keep."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from vegviser.core.sessions import SessionStore
from vegviser.plans import page, selectors, services
from vegviser.plans.models import IndividualPlan, Meeting
from vegviser.plans.selectors import PlanContent

from ..conftest import World, client_as, client_for
from .helpers import plan_for


def _expiry(client: Client) -> timedelta:
    stored = Session.objects.get(session_key=client.session.session_key)
    return stored.expire_date - timezone.now()


@pytest.mark.django_db
def test_a_session_renewed_within_the_minute_is_not_written_again(world: World) -> None:
    plan = plan_for(world, active=True)
    client = client_for(world, "coordinator")
    stored = Session.objects.get(session_key=client.session.session_key).expire_date
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 200
    assert Session.objects.get(session_key=client.session.session_key).expire_date == stored


@pytest.mark.django_db
def test_a_session_last_renewed_over_a_minute_ago_is_renewed(world: World) -> None:
    plan = plan_for(world, active=True)
    client = client_for(world, "coordinator")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=29) - timedelta(seconds=2)
    )
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 200
    assert timedelta(minutes=29, seconds=50) < _expiry(client) <= timedelta(minutes=30)


@pytest.mark.django_db
def test_a_changed_session_is_written_at_once(world: World) -> None:
    key = client_for(world, "coordinator").session.session_key
    session = SessionStore(session_key=key)
    assert session.get("marker") is None
    assert session.renewed_recently()
    session["marker"] = "kept"
    session.save()
    assert SessionStore(session_key=key)["marker"] == "kept"


# The plan page's rows (vegviser/plans/page.py) and dates (plans/templatetags/plan_page.py) give what the
# template language gave before.


@pytest.mark.parametrize("name", ["plans:goal_edit", "plans:measure_edit", "plans:meeting_detail"])
def test_urls_for_each_row_are_the_reversed_ones(name: str) -> None:
    url = page.url_for_each(name)
    for pk in (uuid.uuid4(), uuid.uuid4()):
        assert url(pk) == reverse(name, args=[pk])


OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


@pytest.mark.parametrize(
    "value",
    [
        date(2026, 3, 9),
        date(905, 1, 1),
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # the night summer time begins
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # … and ends
        datetime(2026, 12, 31, 23, 59, tzinfo=UTC),  # already next year in Oslo
        datetime(2026, 7, 1, 9, 5, tzinfo=OSLO),
        None,
        "",
    ],
)
@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_page_prints_dates_as_the_date_filter_does(value: object, language: str) -> None:
    template = Template('{% load plan_page %}{{ v|date:"d.m.Y" }}|{{ v|day }}')
    # A plan note's time; the date filter refuses a time format for a date.
    with_time = Template('{% load plan_page %}{{ v|date:"d.m.Y H:i" }}|{{ v|stamp }}')
    timed = isinstance(value, datetime) or not value
    with translation.override(language):
        by_filter, by_page = template.render(Context({"v": value})).split("|")
        with_time_by_filter, with_time_by_page = (
            with_time.render(Context({"v": value})).split("|") if timed else ("", "")
        )
    assert by_filter == by_page
    assert with_time_by_filter == with_time_by_page


@pytest.mark.parametrize(
    "starts",
    [
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # the night summer time begins
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # … and ends
        datetime(2026, 12, 31, 23, 5, tzinfo=UTC),  # already next year in Oslo
        datetime(2026, 7, 1, 9, 5, tzinfo=OSLO),
    ],
)
@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_a_meeting_is_listed_at_the_time_the_date_filters_print(starts: datetime, language: str) -> None:
    meeting = Meeting(starts_at=starts, ends_at=starts + timedelta(minutes=90))
    template = Template(
        '{{ m.starts_at|date:"l d.m.Y" }}, {{ m.starts_at|time:"H:i" }}–{{ m.ends_at|time:"H:i" }}'
    )
    with translation.override(language):
        assert page.meeting_time(meeting) == template.render(Context({"m": meeting}))


def _content_with(meetings: list[Meeting]) -> PlanContent:
    return PlanContent(
        plan=IndividualPlan(), role="coordinator", goals=[], measures=[], participants=[], meetings=meetings
    )


def test_a_meeting_is_upcoming_until_the_minute_it_ends() -> None:
    now = datetime(2026, 5, 4, 12, 30, 40, tzinfo=UTC)

    def meeting(ends: datetime) -> Meeting:
        return Meeting(starts_at=ends - timedelta(hours=1), ends_at=ends)

    this_minute = meeting(now.replace(second=0))
    last_minute = meeting(now - timedelta(minutes=1))
    tomorrow, next_week = meeting(now + timedelta(days=1)), meeting(now + timedelta(days=7))
    last_week, yesterday = meeting(now - timedelta(days=7)), meeting(now - timedelta(days=1))
    split = page.meetings(
        _content_with([last_week, next_week, this_minute, yesterday, tomorrow, last_minute]),
        may_edit=True,
        now=now,
    )
    assert [row.meeting for row in split.upcoming] == [this_minute, tomorrow, next_week]
    assert [row.meeting for row in split.earlier] == [last_minute, yesterday, last_week]
    assert all(row.url == reverse("plans:meeting_detail", args=[row.meeting.pk]) for row in split.upcoming)


@pytest.mark.parametrize(
    ("language", "facts"),
    [
        (
            "nb",
            "Aktiv · Deltakelse · innen 01.06.2027 · skrevet av {name} · privat: vises ikke for foreldrene",
        ),
        (
            "nn",
            "Aktiv · Deltaking · innan 01.06.2027 · skrive av {name} · privat: blir ikkje vist til foreldra",
        ),
        ("en", "Active · Participation · by 01.06.2027 · written by {name} · private: not shown to parents"),
    ],
)
def test_a_goals_facts_are_one_line_in_the_readers_language(world: World, language: str, facts: str) -> None:
    """Status, life area, target date, who wrote the goal and that it is kept from the parents: worked out in
    plans/page.py, translated as the template did."""
    plan = plan_for(world)
    goal = services.add_goal(
        actor=world.coordinator,
        plan=plan,
        data={
            "text": "Være med på fotballtreningen",
            "status": "active",
            "life_area": "participation",
            "target_date": date(2027, 6, 1),
            "private_to_parents": True,
        },
    )
    page_html = client_as(world.coordinator, language=language).get(
        reverse("plans:plan_detail", args=[plan.pk])
    )
    assert facts.format(name=goal.written_by_name) in page_html.content.decode()


@pytest.mark.parametrize(
    ("language", "weights"),
    [
        ("nb", "Viktighet 3, vanskelighetsgrad 2"),
        ("nn", "Viktigheit 3, vanskegrad 2"),
        ("en", "Importance 3, difficulty 2"),
    ],
)
def test_a_goals_scale_and_weights_are_printed_in_the_readers_language(
    world: World, language: str, weights: str
) -> None:
    """The scale's steps with the baseline marked, the importance and difficulty, and the edit link's hidden
    words: worked out in plans/page.py, translated as the template did."""
    plan = plan_for(world)
    scaled = {"level_0": "Går til skolen med følge", "baseline": -1, "importance": 3, "difficulty": 2}
    goal = services.add_goal(
        actor=world.coordinator,
        plan=plan,
        data={"text": "Gå alene til skolen hver dag, også om vinteren", **scaled},
    )
    html = (
        client_as(world.coordinator, language=language)
        .get(reverse("plans:plan_detail", args=[plan.pk]))
        .content.decode()
    )
    # "start" is the word in all three languages.
    assert "<dt>−1 (start)</dt>" in html and "<dt>0</dt><dd>Går til skolen med følge</dd>" in html
    assert f'<p class="ds-paragraph" data-size="sm">{weights}</p>' in html
    assert '<span class="ds-sr-only"> Gå alene til skolen hver dag, også om v…</span>' in html
    content = selectors.plan_content(user=world.coordinator, plan=plan)
    (row,) = [
        row for card in page.goal_cards(content, may_edit=False) for row in card.rows if row.goal == goal
    ]
    assert row.short_text == "" and row.edit_url == ""
