"""`{% url %}` remembers the URLs it reverses (core/templatetags/urls.py) and prints what Django's tag
prints."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.template import Context, Engine, engines
from django.template.backends.django import DjangoTemplates
from django.urls import NoReverseMatch, reverse, set_script_prefix

from vegviser.core.templatetags import urls
from vegviser.core.templatetags.urls import RememberedURLNode

PLAN = uuid.UUID("5186761d-5037-4fab-8cdc-636d598519f6")

CASES = [
    ("{% url 'plans:mine' %}", {}),
    ("{% url 'plans:plan_detail' plan %}", {"plan": PLAN}),
    ("{% url 'plans:plan_detail' pk=plan %}", {"plan": PLAN}),
    ("{% url name plan %}", {"name": "plans:plan_timeline", "plan": PLAN}),
    ("{% url 'public:municipality' number %}", {"number": "Å 1&2"}),
    ("{% autoescape off %}{% url 'public:municipality' number %}{% endautoescape %}", {"number": "Å 1&2"}),
    ("{% url 'public:page' 'rights' as link %}[{{ link }}]", {}),
    ("{% url 'public:page' 'no such page!' as link %}[{{ link }}]", {}),
]


def project_engine() -> Engine:
    backend = engines["django"]
    assert isinstance(backend, DjangoTemplates)
    return backend.engine


@pytest.fixture
def forgetting() -> Iterator[None]:
    urls._remembered.cache_clear()
    yield
    urls._remembered.cache_clear()


@pytest.mark.parametrize(("source", "values"), CASES)
def test_the_tag_prints_what_djangos_own_prints(
    forgetting: None, source: str, values: dict[str, Any]
) -> None:
    djangos = Engine().from_string(source).render(Context(values))
    ours = project_engine().from_string(source)
    assert isinstance(ours.nodelist.get_nodes_by_type(RememberedURLNode)[0], RememberedURLNode)
    # Twice: reversed the first time, remembered the second.
    assert ours.render(Context(values)) == djangos
    assert ours.render(Context(values)) == djangos


def test_a_url_is_reversed_once_and_then_remembered(
    forgetting: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    reversed_names: list[str] = []

    def counting(name: str, **kwargs: Any) -> str:
        reversed_names.append(name)
        return reverse(name, **kwargs)

    monkeypatch.setattr(urls, "reverse", counting)
    template = project_engine().from_string("{% url 'plans:plan_detail' plan %}")
    other = uuid.uuid4()
    for plan in (PLAN, PLAN, other, PLAN, other):
        assert template.render(Context({"plan": plan})) == reverse("plans:plan_detail", args=[plan])
    assert reversed_names == ["plans:plan_detail", "plans:plan_detail"]


def test_a_url_is_remembered_under_its_script_prefix(forgetting: None) -> None:
    template = project_engine().from_string("{% url 'plans:mine' %}")
    assert template.render(Context()) == "/plans/mine/"
    set_script_prefix("/vegviser/")
    try:
        assert template.render(Context()) == "/vegviser/plans/mine/"
    finally:
        set_script_prefix("/")
    assert template.render(Context()) == "/plans/mine/"


def test_values_that_are_equal_but_print_differently_get_their_own_urls(forgetting: None) -> None:
    template = project_engine().from_string("{% url 'public:page' slug %}")
    assert template.render(Context({"slug": 1})) == "/info/1/"
    assert template.render(Context({"slug": True})) == "/info/True/"


def test_a_value_that_cannot_be_remembered_is_reversed_as_django_does(forgetting: None) -> None:
    source = "{% url 'public:municipality' number %}"
    values = {"number": ["0301"]}
    assert project_engine().from_string(source).render(Context(values)) == (
        Engine().from_string(source).render(Context(values))
    )


def test_a_url_that_does_not_exist_is_an_error_as_before(forgetting: None) -> None:
    with pytest.raises(NoReverseMatch):
        project_engine().from_string("{% url 'public:page' 'no such page!' %}").render(Context())


class Page:
    """Like a model object: equal to another of the same key, printed by a name that can change."""

    def __init__(self, key: int, name: str) -> None:
        self.key, self.name = key, name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Page) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __str__(self) -> str:
        return self.name


def test_an_object_is_reversed_by_what_it_prints_now(forgetting: None) -> None:
    template = project_engine().from_string("{% url 'public:page' page %}")
    page = Page(1, "rights")
    assert template.render(Context({"page": page})) == "/info/rights/"
    page.name = "coordinator"
    assert template.render(Context({"page": page})) == "/info/coordinator/"
    assert template.render(Context({"page": Page(1, "directory")})) == "/info/directory/"
