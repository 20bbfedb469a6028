"""Two people edit the same row: what only one of them changed is kept, and only a field both changed is
theirs to decide. Through the pages, as a browser posts the forms: each form carries what it showed when it
was opened."""

from __future__ import annotations

import html
import re
from typing import Any

from django.test import Client
from django.urls import reverse

from vegviser.audit.models import AuditRecord
from vegviser.plans import services
from vegviser.plans.models import Goal, IndividualPlan, Measure
from vegviser.registry.models import Person

from ..conftest import World, english
from ..plans.helpers import plan_for

Form = dict[str, list[str]]
CONFLICT = "Saved by someone else meanwhile"


def opened(client: Client, url: str) -> Form:
    """The form as a browser posts it untouched: every field as the page shows it, the version and what the
    form showed (the hidden `original`)."""
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    form = response.context["form"]
    data: Form = dict(form.shown_values())
    data["version"] = [str(form.instance.version)]
    found = re.search(r'<input type="hidden" name="original" value="([^"]*)"', page)
    assert found is not None, "the form does not carry what it showed"
    data["original"] = [html.unescape(found.group(1))]
    return data


def changed(form: Form, **values: Any) -> Form:
    return {
        **form,
        **{name: value if isinstance(value, list) else [str(value)] for name, value in values.items()},
    }


def resubmitted(response: Any) -> Form:
    """The form the conflict page shows, posted again as it stands."""
    data = response.context["form"].data
    return {name: data.getlist(name) for name in data}


def conflict_table(page: str) -> list[str]:
    return re.findall(r'<tr><th scope="row">([^<]*)</th>', page)


def test_a_goal_keeps_the_level_text_only_the_other_tab_changed(world: World) -> None:
    plan = plan_for(world)
    goal = plan.goals.get()
    client = english(world, "coordinator")
    url = reverse("plans:goal_edit", kwargs={"pk": goal.pk})
    tab_a, tab_b = opened(client, url), opened(client, url)
    assert client.post(url, changed(tab_b, level_plus_1="Sykler alene hver dag")).status_code == 302
    response = client.post(url, changed(tab_a, text="Sykle til skolen"))
    assert response.status_code == 302, conflict_table(response.content.decode())
    goal.refresh_from_db()
    assert (goal.text, goal.level_plus_1) == ("Sykle til skolen", "Sykler alene hver dag")


def test_only_a_field_both_changed_is_listed_and_the_rest_is_merged(world: World) -> None:
    plan = plan_for(world)
    goal = plan.goals.get()
    client = english(world, "coordinator")
    url = reverse("plans:goal_edit", kwargs={"pk": goal.pk})
    tab_a, tab_b = opened(client, url), opened(client, url)
    assert (
        client.post(url, changed(tab_b, level_0="Deres nivå", level_plus_2="Deres beste")).status_code == 302
    )
    response = client.post(url, changed(tab_a, text="Mitt mål", level_0="Mitt nivå"))
    page = response.content.decode()
    assert response.status_code == 200
    assert CONFLICT in page
    assert conflict_table(page) == [str(Goal._meta.get_field("level_0").verbose_name)]
    table = re.findall(r"<table.*?</table>", page, re.S)[0]
    assert "Deres nivå" in table and "Mitt nivå" in table and "Deres beste" not in table
    goal.refresh_from_db()
    assert (goal.text, goal.level_0) != ("Mitt mål", "Mitt nivå")
    form = resubmitted(response)
    assert form["level_0"] == ["Mitt nivå"] and form["text"] == ["Mitt mål"]
    assert form["level_plus_2"] == ["Deres beste"]
    # Saving the form as shown is the choice: the user's version of the field both changed, and both edits.
    assert client.post(url, form).status_code == 302
    goal.refresh_from_db()
    assert (goal.text, goal.level_0, goal.level_plus_2) == ("Mitt mål", "Mitt nivå", "Deres beste")


def test_a_measure_keeps_the_goals_the_other_ticked(world: World) -> None:
    plan = plan_for(world)
    measure = plan.measures.get()
    second = services.add_goal(actor=None, plan=plan, data={"text": "Lese lekser selv"})
    client = english(world, "coordinator")
    url = reverse("plans:measure_edit", kwargs={"pk": measure.pk})
    tab_a, tab_b = opened(client, url), opened(client, url)
    goals = sorted([*tab_b["goals"], str(second.pk)])
    assert client.post(url, changed(tab_b, goals=goals)).status_code == 302
    response = client.post(url, changed(tab_a, title="Gangtrening ute", scope="Tre ganger i uka"))
    assert response.status_code == 302, conflict_table(response.content.decode())
    measure = Measure.objects.get(pk=measure.pk)
    assert (measure.title, measure.scope) == ("Gangtrening ute", "Tre ganger i uka")
    assert second in measure.goals.all() and measure.goals.count() == 2


def test_the_plan_header_merges_what_matters_and_the_needs(world: World) -> None:
    plan = plan_for(world)
    client = english(world, "coordinator")
    url = reverse("plans:plan_edit", kwargs={"pk": plan.pk})
    tab_a, tab_b = opened(client, url), opened(client, url)
    assert client.post(url, changed(tab_b, needs="Avlastning\r\nog skyss")).status_code == 302
    response = client.post(url, changed(tab_a, what_matters="Å gå tur med hunden\r\nhver dag"))
    assert response.status_code == 302, conflict_table(response.content.decode())
    plan = IndividualPlan.objects.get(pk=plan.pk)
    # Browsers post line breaks as CRLF: the text the other saved is still theirs, not a change of mine.
    assert plan.what_matters.splitlines() == ["Å gå tur med hunden", "hver dag"]
    assert plan.needs.splitlines() == ["Avlastning", "og skyss"]


def test_a_person_keeps_the_phone_the_other_officer_saved(world: World) -> None:
    person = world.patient
    client = english(world)
    url = reverse("registry:person_edit", kwargs={"pk": person.pk})
    tab_a, tab_b = opened(client, url), opened(client, url)
    assert client.post(url, changed(tab_b, phone="22 22 22 22")).status_code == 302
    response = client.post(url, changed(tab_a, family_name="Andersen-Berg"))
    assert response.status_code == 302, conflict_table(response.content.decode())
    person = Person.objects.get(pk=person.pk)
    assert (person.family_name, person.phone) == ("Andersen-Berg", "22 22 22 22")


def test_a_person_changed_in_the_same_field_by_both_is_a_choice(world: World) -> None:
    person = world.patient
    client = english(world)
    url = reverse("registry:person_edit", kwargs={"pk": person.pk})
    tab_a, tab_b = opened(client, url), opened(client, url)
    assert client.post(url, changed(tab_b, phone="22 22 22 22", email="per@example.no")).status_code == 302
    response = client.post(url, changed(tab_a, phone="33 33 33 33"))
    page = response.content.decode()
    assert response.status_code == 200 and CONFLICT in page
    assert conflict_table(page) == [str(Person._meta.get_field("phone").verbose_name).capitalize()]
    assert "per@example.no" not in re.findall(r"<table.*?</table>", page, re.S)[0]
    assert Person.objects.get(pk=person.pk).phone == "22 22 22 22"


def test_saving_an_untouched_form_over_another_change_changes_nothing(world: World) -> None:
    plan = plan_for(world)
    goal = plan.goals.get()
    client = english(world, "coordinator")
    url = reverse("plans:goal_edit", kwargs={"pk": goal.pk})
    tab_a, tab_b = opened(client, url), opened(client, url)
    assert client.post(url, changed(tab_b, text="Deres mål")).status_code == 302
    records = AuditRecord.objects.filter(object_id=str(goal.pk)).count()
    assert client.post(url, tab_a).status_code == 302
    goal.refresh_from_db()
    assert (goal.text, goal.version) == ("Deres mål", int(tab_a["version"][0]) + 1)
    assert AuditRecord.objects.filter(object_id=str(goal.pk)).count() == records
