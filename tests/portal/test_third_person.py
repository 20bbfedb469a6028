"""The portal speaks to the person on their own pages ("my goal", "about you"); to a parent acting for a child
it speaks of the child by name ("Emil's goal", "about Emil"), in each language."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from vegviser.access.models import Consent
from vegviser.plans.models import IndividualPlan
from vegviser.registry.models import Person

from ..conftest import World, client_as
from .helpers import family, goal_of, goal_written_by, url, young_person

# The pages a parent of a young child opens, and what each says of the child where the person would read
# "me", "my" or "you", per language.
OF_EMIL = {
    "nb": {
        "home": ["Målene til Emil og hvor langt Emil har kommet"],
        "plan": ["Hva som er viktig for Emil", "Skriv hva som er viktig for Emil"],
        "what_matters": ["Hva som er viktig for Emil", "Hva Emil ønsker i livet"],
        "goal_add": ["Målet til Emil", "Når Emil vil nå det", "Hva Emil vil oppnå"],
        "goal_rate": ["Vurder framdriften til Emil", "Hvor er Emil nå?", "Koordinatoren for Emil ser"],
        "consents": ["dele opplysninger om Emil med"],
        "consent_withdraw": ["Tjenester Emil har fått innvilget"],
        "ask_for_help": ["Hva trenger Emil hjelp til?", "i hverdagen for Emil"],
    },
    "nn": {
        "home": ["Måla til Emil og kor langt Emil har kome"],
        "plan": ["Kva som er viktig for Emil", "Skriv kva som er viktig for Emil"],
        "what_matters": ["Kva Emil ønskjer i livet"],
        "goal_add": ["Målet til Emil", "Kva Emil vil oppnå"],
        "goal_rate": ["Vurder framdrifta til Emil", "Kvar er Emil no?"],
        "consents": ["dele opplysningar om Emil med"],
        "consent_withdraw": ["Tenester Emil har fått innvilga"],
        "ask_for_help": ["Kva treng Emil hjelp til?"],
    },
    "en": {
        "home": ["Emil's goals and how far Emil has come"],
        "plan": ["What matters to Emil", "Write what matters to Emil"],
        "what_matters": ["What Emil wants in life"],
        "goal_add": ["Emil's goal", "When Emil wants to reach it"],
        "goal_rate": ["Rate the progress of Emil", "Where is Emil now?", "The coordinator for Emil sees"],
        "consents": ["share information about Emil with"],
        "consent_withdraw": ["Services Emil has been granted"],
        "ask_for_help": ["What does Emil need help with?"],
    },
}
# What the person reads on their own pages, and so what a parent must never read of the child.
TO_THE_PERSON = {
    "nb": [
        "Målet mitt",
        "om deg",
        "for meg",
        "Målene mine",
        "Koordinatoren din",
        "Hvor er jeg nå?",
        "du ønsker i livet",
    ],
    "nn": [
        "Målet mitt",
        "om deg",
        "for meg",
        "Måla mine",
        "Koordinatoren din",
        "Kvar er eg no?",
        "du ønskjer i livet",
    ],
    "en": [
        "My goal",
        "about you",
        "matters to me",
        "My goals",
        "Your coordinator",
        "Where am I now?",
        "you want in your life",
    ],
}


def _address(name: str, person: Person, plan: IndividualPlan) -> str:
    if name == "goal_rate":
        return url(name, goal_of(plan).pk)
    if name == "consent_withdraw":
        return url(name, Consent.objects.filter(person=person).latest("valid_from").pk)
    return url(name, person.pk)


def _page(client: Client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200, address
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_a_parent_reads_of_the_child_by_name(world: World, language: str) -> None:
    found = family(world, age=7)
    client = client_as(found.relative_user, language=language)
    for name, expected in OF_EMIL[language].items():
        page = _page(client, _address(name, found.person, found.plan))
        for words in expected:
            assert words in page, (name, words)
        for words in TO_THE_PERSON[language]:
            assert words not in page, (name, words)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_person_reads_of_themself_in_the_second_person(world: World, language: str) -> None:
    user, person, plan = young_person(world, age=16)
    client = client_as(user, language=language)
    own = {
        "nb": {"goal_add": "Målet mitt", "consents": "om deg", "plan": "Hva som er viktig for meg"},
        "nn": {"goal_add": "Målet mitt", "consents": "om deg", "plan": "Kva som er viktig for meg"},
        "en": {"goal_add": "My goal", "consents": "about you", "plan": "What matters to me"},
    }[language]
    for name, words in own.items():
        page = _page(client, _address(name, person, plan))
        assert words in page, (name, words)


def test_what_a_parent_is_told_after_saving_names_the_child(world: World) -> None:
    found = family(world, age=7)
    client = client_as(found.relative_user, language="nb")
    response = client.post(
        url("goal_add", found.person.pk), {"text": "Sykle til skolen", "target_date": ""}, follow=True
    )
    page = html.unescape(response.content.decode())
    assert "Målet er sendt til koordinatoren for Emil, som går gjennom det med deg." in page
    assert "koordinatoren din" not in page
    goal = goal_of(found.plan)
    response = client.post(url("goal_rate", goal.pk), {"attainment": "0", "comment": ""}, follow=True)
    assert "Takk. Koordinatoren for Emil ser vurderingen din ved neste evaluering." in html.unescape(
        response.content.decode()
    )


def test_a_parent_changing_a_goal_they_wrote_reads_of_the_childs_goal(world: World) -> None:
    found = family(world, age=7)
    goal = goal_written_by(found.plan, found.relative_user)
    page = _page(client_as(found.relative_user, language="en"), url("goal_edit", goal.pk))
    assert "Change the goal for Emil" in page and "Emil's goal" in page
    assert "Change my goal" not in page and "My goal" not in page


def test_the_person_changing_their_own_goal_reads_my_goal(world: World) -> None:
    user, _person, plan = young_person(world, age=16)
    goal = goal_written_by(plan, user)
    page = _page(client_as(user, language="nb"), url("goal_edit", goal.pk))
    assert "Endre målet mitt" in page and "Målet mitt" in page


def test_a_parent_agreeing_or_giving_consent_back_is_told_of_the_child_by_name(world: World) -> None:
    found = family(world, age=7)
    client = client_as(found.relative_user, language="en")
    response = client.post(url("plan_agree", found.person.pk), follow=True)
    told = html.unescape(response.content.decode())
    assert "Thank you. The coordinator for Emil can see that you have read and agree to it." in told
    assert "Your coordinator" not in told
    consent = Consent.objects.get(person=found.person, withdrawn_at__isnull=True)
    organisation = consent.shared_with.first()
    assert organisation is not None
    client.post(
        reverse("portal:consent_withdraw", kwargs={"pk": consent.pk}), {"organisation": str(organisation.pk)}
    )
    narrowed = Consent.objects.get(person=found.person, withdrawn_at__isnull=True)
    response = client.post(
        reverse("portal:consent_share_again", kwargs={"pk": narrowed.pk, "organisation": organisation.pk}),
        follow=True,
    )
    told = html.unescape(response.content.decode())
    assert f"{organisation.name} gets information from the plan for Emil again." in told
