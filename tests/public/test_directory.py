"""The service directory: every municipality, found by any of its names or number, with public contacts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from vegviser.registry.models import HealthRegion, Municipality, Organisation, OrganisationKind

from ..conftest import World, client_for
from ..factories import MembershipFactory, OrganisationFactory

DIRECTORY = "/info/directory/"
HATTFJELLDAL, BODO, PORSANGER = "1826", "1804", "5622"


@pytest.fixture
def english(db: None) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def search(client: Client, query: str) -> list[str]:
    """The municipality numbers in the search results, in order."""
    response = client.get(DIRECTORY, {"q": query})
    assert response.status_code == 200
    results = response.context["results"]
    return [entry.number for entry in results] if results is not None else []


def municipality_page(client: Client, number: str) -> str:
    response = client.get(reverse("public:municipality", args=[number]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_urls(db: None) -> None:
    assert reverse("public:directory") == DIRECTORY
    assert reverse("public:municipality", args=["0301"]) == DIRECTORY + "0301/"


@pytest.mark.parametrize(
    ("query", "number"),
    [
        ("Aarborte", HATTFJELLDAL),
        ("aarborte", HATTFJELLDAL),
        ("AARBORTE", HATTFJELLDAL),
        ("Hattfjelldal", HATTFJELLDAL),
        ("Kárášjohka", "5610"),
        ("karasjohka", "5610"),
        ("Porsanki", PORSANGER),
        ("porsangu", PORSANGER),
        ("Porsáŋgu", PORSANGER),
        ("Guovdageaidnu", "5612"),
        ("Unjarga", "5636"),
        ("Snåase", "5041"),
        ("Bodø", BODO),
        ("bodo", BODO),
        ("  bodø  ", BODO),
        ("Tromso", "5501"),
    ],
)
def test_search_by_official_sami_or_kven_name_ignoring_case_and_accents(
    client: Client, db: None, query: str, number: str
) -> None:
    assert number in search(client, query)


def test_search_for_oslo_by_name_and_by_number(client: Client, db: None) -> None:
    assert search(client, "Oslo")[0] == "0301"
    assert search(client, "oslo")[0] == "0301"
    assert search(client, "0301") == ["0301"]
    html = client.get(DIRECTORY, {"q": "0301"}).content.decode()
    assert f'href="{DIRECTORY}0301/"' in html


def test_a_whole_name_comes_before_names_that_contain_it(client: Client, db: None) -> None:
    # "Os" is a municipality of its own, and part of Oslo, Osen, Bykle's neighbours and many more.
    found = search(client, "Os")
    assert len(found) > 3
    assert Municipality.objects.get(number=found[0]).name == "Os"


def test_a_number_prefix_finds_the_county(client: Client, db: None) -> None:
    found = search(client, "18")
    assert found and all(number.startswith("18") for number in found)
    assert len(found) == Municipality.objects.filter(county_number="18").count()


def test_all_357_municipalities_are_listed_by_county_and_open(client: Client, db: None) -> None:
    html = client.get(DIRECTORY).content.decode()
    listed = re.findall(r'href="/info/directory/(\d{4})/"', html)
    assert len(listed) == len(set(listed)) == 357
    assert set(listed) == set(Municipality.objects.values_list("number", flat=True))
    assert html.count('<details class="county">') == 15
    for number in listed:
        assert client.get(f"{DIRECTORY}{number}/").status_code == 200, number


def test_no_search_no_results_section(client: Client, db: None) -> None:
    response = client.get(DIRECTORY)
    assert response.context["results"] is None
    assert 'id="results-heading"' not in response.content.decode()


def test_nothing_found_is_said_plainly(english: Client) -> None:
    response = english.get(DIRECTORY, {"q": "Atlantis"})
    html = response.content.decode()
    assert response.context["results"] == []
    assert "0 municipalities found" in html
    assert "No municipality matches “Atlantis”" in html


@pytest.mark.parametrize(
    "query",
    [
        "x" * 101,
        "x" * 5000,
        "\x00",
        "Oslo\x00",
        "   ",
        "",
    ],
)
def test_bad_input_gives_a_message_not_an_error(english: Client, query: str) -> None:
    response = english.get(DIRECTORY, {"q": query})
    assert response.status_code == 200
    assert response.context["results"] is None
    assert response.context["form"].errors
    assert (
        'aria-invalid="true"' in response.content.decode() or "ds-error-summary" in response.content.decode()
    )


@pytest.mark.parametrize(
    "query",
    [
        "%",
        "_",
        "'; DROP TABLE registry_municipality; --",
        "<script>alert(1)</script>",
        "🦌",
        "ŋ",
        "-",
        "a" * 100,
    ],
)
def test_odd_input_is_searched_safely(client: Client, db: None, query: str) -> None:
    response = client.get(DIRECTORY, {"q": query})
    assert response.status_code == 200
    assert isinstance(response.context["results"], list)
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert Municipality.objects.count() == 357


def test_repeated_parameters_take_the_last(client: Client, db: None) -> None:
    response = client.get(DIRECTORY + "?q=Bodø&q=Aarborte")
    assert [entry.number for entry in response.context["results"]] == [HATTFJELLDAL]


@pytest.mark.parametrize("number", ["9999", "0000", "abcd", "0301x", "030", "٠٣٠١", "1" * 300])
def test_an_unknown_number_is_a_clear_404(english: Client, number: str) -> None:
    response = english.get(f"{DIRECTORY}{number}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Municipality not found" in html
    assert "No municipality has the number" in html
    assert f'href="{DIRECTORY}"' in html
    main = html.split("<main")[1].split("</main>")[0]
    assert "1" * 20 not in main, "a long address is cut short in the message"


def _coordinating_unit(number: str, **extra: Any) -> Organisation:
    return Organisation.objects.create(
        name=f"Koordinerende enhet {number}",
        kind=OrganisationKind.COORDINATING_UNIT,
        municipality=Municipality.objects.get(number=number),
        **extra,
    )


def test_a_registered_coordinating_unit_shows_its_contact_details(english: Client) -> None:
    _coordinating_unit(
        HATTFJELLDAL,
        phone="75 18 48 00",
        email="koordinerende.enhet@hattfjelldal.example.no",
        address="Sentrum 1, 8690 Hattfjelldal",
        website="https://hattfjelldal.example.no/koordinerende-enhet",
    )
    html = municipality_page(english, HATTFJELLDAL)
    assert '<a class="ds-link" href="tel:+4775184800">75 18 48 00</a>' in html
    assert 'href="mailto:koordinerende.enhet@hattfjelldal.example.no"' in html
    assert "Sentrum 1, 8690 Hattfjelldal" in html
    assert 'href="https://hattfjelldal.example.no/koordinerende-enhet"' in html
    assert "has no contact details for the coordinating unit" not in html


def test_a_municipality_without_a_coordinating_unit_says_so(english: Client) -> None:
    _coordinating_unit(PORSANGER, phone="78 46 31 00", active=False)
    html = municipality_page(english, PORSANGER)
    assert "Vegviser has no contact details for the coordinating unit in Porsanger." in html
    assert "switchboard" in html
    main = html.split("<main")[1].split("</main>")[0]
    assert 'href="tel:+4780030061"' in main, "the hotline is offered instead"
    assert "78 46 31 00" not in html, "an inactive unit is not shown"
    assert "No habilitation or rehabilitation services in Porsanger are registered" in html
    assert "No habilitation or rehabilitation unit of the health trust is registered" in html


def test_the_municipality_page_gives_the_facts(english: Client) -> None:
    html = municipality_page(english, "0301")
    assert "<h1" in html and ">Oslo</h1>" in html
    assert "717\u00a0710" in html or "717,710" in html
    for trust in [
        "Oslo universitetssykehus HF",
        "Lovisenberg Diakonale Sykehus",
        "Akershus universitetssykehus HF",
    ]:
        assert trust in html
    assert "Health trusts" in html
    assert "Helse Sør-Øst" in html


def test_parallel_names_carry_their_language(client: Client, db: None) -> None:
    assert re.search(
        r'<span class="parallel-name" lang="sma">Aarborte</span>', municipality_page(client, HATTFJELLDAL)
    )
    porsanger = municipality_page(client, PORSANGER)
    assert '<span class="parallel-name" lang="se">Porsáŋgu</span>' in porsanger
    assert '<span class="parallel-name" lang="fkv">Porsanki</span>' in porsanger
    kafjord = municipality_page(client, "5540")
    assert 'lang="se">Gáivuotna<' in kafjord and 'lang="fkv">Kaivuono<' in kafjord
    # Where the language is not recorded here: no lang attribute, and a neutral note.
    fauske = municipality_page(client, "1841")
    assert '<span class="parallel-name">Fuossko</span>' in fauske
    listing = client.get(DIRECTORY, {"q": "Aarborte"}).content.decode()
    assert 'Hattfjelldal / <span lang="sma">Aarborte</span>' in listing


def test_services_are_the_municipalitys_own_active_rehabilitation_services(
    english: Client, world: World
) -> None:
    bodo = Municipality.objects.get(number=BODO)
    shown = [
        OrganisationFactory(
            name="Fysioterapien i Bodø", kind=OrganisationKind.PHYSIOTHERAPY, phone="75555555"
        ),
        OrganisationFactory(
            name="Lærings- og mestringssenteret", kind=OrganisationKind.LEARNING_COPING_CENTRE
        ),
        OrganisationFactory(name="Rehabiliteringsteamet", kind=OrganisationKind.REHABILITATION_TEAM),
        OrganisationFactory(name="Privat opptrening", kind=OrganisationKind.PRIVATE_REHABILITATION),
    ]
    hidden = [
        OrganisationFactory(
            name="Nedlagt ergoterapi", kind=OrganisationKind.OCCUPATIONAL_THERAPY, active=False
        ),
        OrganisationFactory(name="Bodø barneskole", kind=OrganisationKind.SCHOOL),
        OrganisationFactory(name="NAV-kontoret", kind=OrganisationKind.NAV_OFFICE),
        OrganisationFactory(
            name="Fysioterapien i Tromsø",
            kind=OrganisationKind.PHYSIOTHERAPY,
            municipality=Municipality.objects.get(number="5501"),
        ),
    ]
    html = municipality_page(english, bodo.number)
    for organisation in shown:
        assert organisation.name in html
    for organisation in hidden:
        assert organisation.name not in html
    assert 'href="tel:+4775555555"' in html
    assert "Physiotherapy service" in html, "each service says what kind it is"
    assert "No contact details are registered." in html


def test_specialist_units_come_through_the_health_trust(english: Client, db: None) -> None:
    """As the demo registers Nordlandssykehuset's units: part of the trust that serves the municipality."""
    nordland = Organisation.objects.get(name="Nordlandssykehuset HF", kind=OrganisationKind.HEALTH_TRUST)
    helgeland = Organisation.objects.get(name="Helgelandssykehuset HF", kind=OrganisationKind.HEALTH_TRUST)
    nord = HealthRegion.objects.get(name="Helse Nord")
    units = {
        "bodo": OrganisationFactory(
            name="Habiliteringstjenesten, Nordlandssykehuset",
            kind=OrganisationKind.HABILITATION_UNIT,
            parent=nordland,
            health_region=nord,
            phone="75 53 40 00",
        ),
        "helgeland": OrganisationFactory(
            name="Rehabiliteringsavdelingen, Helgelandssykehuset",
            kind=OrganisationKind.REHABILITATION_UNIT,
            parent=helgeland,
            health_region=nord,
            municipality=Municipality.objects.get(number="1833"),
        ),
        "region": OrganisationFactory(
            name="Regional rehabiliteringstjeneste i Helse Nord",
            kind=OrganisationKind.REHABILITATION_UNIT,
            parent=None,
            health_region=nord,
            municipality=None,
        ),
    }
    bodo = municipality_page(english, BODO)
    assert units["bodo"].name in bodo and units["region"].name in bodo
    assert units["helgeland"].name not in bodo
    assert 'href="tel:+4775534000"' in bodo
    hattfjelldal = municipality_page(english, HATTFJELLDAL)
    assert units["helgeland"].name in hattfjelldal and units["region"].name in hattfjelldal
    assert units["bodo"].name not in hattfjelldal
    oslo = municipality_page(english, "0301")
    assert not any(unit.name in oslo for unit in units.values())


def test_no_person_data_on_the_public_pages(world: World, english: Client) -> None:
    unit = _coordinating_unit(HATTFJELLDAL, phone="75 18 48 00")
    member = MembershipFactory(
        organisation=unit, role="ke_officer", user__first_name="Hemmelig", user__last_name="Saksbehandler"
    ).user
    for url in [reverse("public:municipality", args=[HATTFJELLDAL]), DIRECTORY + "?q=Hattfjelldal"]:
        html = english.get(url).content.decode()
        for secret in [member.username, member.email, "Hemmelig", "Saksbehandler", world.patient.family_name]:
            assert secret not in html, secret


def test_the_directory_reads_the_municipalities_in_one_query(
    client: Client, db: None, django_assert_num_queries: Any
) -> None:
    for params in [{}, {"q": "Aarborte"}, {"q": "a"}, {"q": "18"}, {"q": "x" * 500}]:
        with django_assert_num_queries(1):
            assert client.get(DIRECTORY, params).status_code == 200


def test_a_municipality_page_takes_four_queries_however_much_is_registered(
    client: Client, db: None, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(4):
        municipality_page(client, BODO)
    nordland = Organisation.objects.get(name="Nordlandssykehuset HF")
    for index in range(20):
        OrganisationFactory(
            name=f"Tjeneste {index}", kind=OrganisationKind.HOME_SERVICES, phone="75 55 00 00"
        )
        OrganisationFactory(name=f"Enhet {index}", kind=OrganisationKind.HABILITATION_UNIT, parent=nordland)
    _coordinating_unit(BODO, phone="75 55 50 00")
    with django_assert_num_queries(4):
        html = municipality_page(client, BODO)
    assert html.count('<li class="card stack-sm organisation">') == 41


def test_signed_in_users_cost_the_same_few_extra_queries_everywhere(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world, "coordinator")
    counts = []
    for url in [DIRECTORY, DIRECTORY + "?q=Oslo", reverse("public:municipality", args=[BODO])]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    anonymous = [1, 1, 4]
    extra = {count - base for count, base in zip(counts, anonymous, strict=True)}
    assert len(extra) == 1, f"signed-in overhead differs between pages: {counts}"
