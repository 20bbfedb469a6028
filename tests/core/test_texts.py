"""Texts as users read them: optional fields marked once, counts in the right number, whole sentences,
levels with a true minus sign, and forms that offer only what applies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation

from vegviser.core.formats import signed_level
from vegviser.core.forms import FormRenderer
from vegviser.plans import services as plan_services
from vegviser.plans.models import Goal

from ..conftest import World, client_as, english
from ..intake.test_reports import make_report
from ..plans.helpers import child_with_parent, plan_for

MINUS = "\u2212"


class _Form(forms.Form):
    default_renderer = FormRenderer

    said_by_label = forms.CharField(label="Comment (optional)", required=False)
    plain = forms.CharField(label="Note", required=False)
    needed = forms.CharField(label="Name")


def test_an_optional_field_is_marked_once_whatever_its_label_says() -> None:
    with translation.override("en"):
        html = str(_Form())
    # Once in the label that says it, once after the plain note, never after the required name.
    assert "(optional) <span" not in html and html.count("(optional)") == 2


def test_the_goal_rating_comment_is_marked_optional_once(world: World) -> None:
    plan = plan_for(world, active=True)
    goal = plan.goals.get()
    page = client_as(world.patient_user, language="nb").get(
        reverse("portal:goal_rate", kwargs={"pk": goal.pk})
    )
    assert page.status_code == 200
    assert "(valgfritt) (valgfritt)" not in page.content.decode()
    assert "(valgfritt)</span>" in page.content.decode()


def test_reasons_for_a_decision_are_not_marked_optional_and_are_required_by_the_form(world: World) -> None:
    report = make_report(world)
    client = english(world, "ke_officer")
    url = reverse("intake:report_decide", kwargs={"pk": report.pk})
    page = client.get(url).content.decode()
    assert "Reasons</label>" in page and "Reasons <span" not in page
    # Declining without reasons is refused by the form itself, before the service is asked.
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Give the reasons when anything is declined." in response.content.decode()
    report.refresh_from_db()
    assert report.is_open
    # Granting all that was asked needs no reasons.
    assert client.post(url, {"plan_granted": "on", "coordinator_granted": "on"}).status_code == 302


@pytest.mark.parametrize(("hours", "text"), [("1", "åpen i 1 time."), ("3", "åpen i 3 timer.")])
def test_emergency_access_counts_hours_in_the_right_number(world: World, hours: str, text: str) -> None:
    plan_for(world, active=True)
    client = client_as(world.org_admin, language="nb")
    response = client.post(
        reverse("access:emergency_open"),
        {"national_id": world.patient.national_id, "reason": "Akutt innlagt", "hours": hours},
        follow=True,
    )
    assert text in response.content.decode()


@pytest.mark.parametrize(
    ("to", "language", "text"),
    [
        ("activate", "en", "The plan is now active."),
        ("pause", "en", "The plan is now paused."),
        ("activate", "nb", "Planen er nå aktiv."),
        ("pause", "nn", "Planen er no sett på pause."),
    ],
)
def test_a_change_of_status_is_told_in_a_whole_sentence(
    world: World, to: str, language: str, text: str
) -> None:
    plan = plan_for(world, active=to == "pause")
    client = client_as(world.coordinator, language=language)
    if to == "activate":
        # Made active on its own page, where the plan's missing elements are decided on.
        url, data = reverse("plans:plan_activate", kwargs={"pk": plan.pk}), {"reason": "Starter nå"}
    else:
        url, data = reverse("plans:plan_status", kwargs={"pk": plan.pk}), {"to": to}
    response = client.post(url, data, follow=True)
    assert text in response.content.decode()


def test_levels_are_printed_with_a_true_minus_sign(world: World) -> None:
    assert [signed_level(level) for level in range(-2, 3)] == [f"{MINUS}2", f"{MINUS}1", "0", "+1", "+2"]
    plan = plan_for(world, active=True)
    goal = plan.goals.get()
    plan_services.rate_progress(actor=world.patient_user, goal=goal, attainment=-1)
    printed = english(world, "coordinator").get(reverse("plans:plan_print", kwargs={"pk": plan.pk}))
    assert f">{MINUS}2" in printed.content.decode() and ">-2" not in printed.content.decode()
    portal = client_as(world.patient_user).get(reverse("portal:plan", kwargs={"pk": world.patient.pk}))
    assert f"<strong>{MINUS}1</strong>" in portal.content.decode()
    rate = client_as(world.patient_user).get(reverse("portal:goal_rate", kwargs={"pk": goal.pk}))
    assert f"{MINUS}2" in rate.content.decode() and ">-2" not in rate.content.decode()


@pytest.mark.parametrize(("age", "offered"), [(8, False), (12, True), (15, True), (16, False), (40, False)])
def test_private_goals_are_offered_only_for_12_to_15_year_olds(world: World, age: int, offered: bool) -> None:
    if age < 40:
        child_with_parent(world, age)
    plan = plan_for(world)
    page = english(world, "coordinator").get(reverse("plans:goal_add", kwargs={"pk": plan.pk}))
    assert ('name="private_to_parents"' in page.content.decode()) is offered


def test_a_goal_cannot_be_given_a_target_date_in_the_past(world: World) -> None:
    plan = plan_for(world)
    client = english(world, "coordinator")
    yesterday = timezone.localdate() - timedelta(days=1)
    data = {
        "text": "Gå til butikken",
        "status": "active",
        "baseline": "-1",
        "target_date": yesterday.isoformat(),
    }
    response = client.post(reverse("plans:goal_add", kwargs={"pk": plan.pk}), data)
    assert response.status_code == 200
    assert "The target date has passed. Choose today or a later date." in response.content.decode()
    assert not Goal.objects.filter(text="Gå til butikken").exists()
    data["target_date"] = timezone.localdate().isoformat()
    assert client.post(reverse("plans:goal_add", kwargs={"pk": plan.pk}), data).status_code == 302
    # A goal whose date has since passed is saved with that date unchanged.
    goal = Goal.objects.get(text="Gå til butikken")
    Goal.objects.filter(pk=goal.pk).update(target_date=yesterday)
    goal.refresh_from_db()
    edit = reverse("plans:goal_edit", kwargs={"pk": goal.pk})
    form = client.get(edit).context["form"]
    posted = {name: value for name, value in form.initial.items() if value is not None}
    posted.update(
        text="Gå til butikken alene", status="active", baseline="-1", target_date=yesterday.isoformat()
    )
    posted.update(version=goal.version, original=form["original"].value())
    response = client.post(edit, posted)
    assert response.status_code == 302, response.content.decode()
    goal.refresh_from_db()
    assert goal.target_date == yesterday and goal.text == "Gå til butikken alene"
