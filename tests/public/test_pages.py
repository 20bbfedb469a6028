"""The public information pages: open to everyone, in Bokmål, Nynorsk and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from vegviser.public.pages import INFORMATION_PAGES, PAGE_LANGUAGES, PAGES

from ..conftest import World, client_for

LANGUAGES = list(PAGE_LANGUAGES)
PERSONAS = ["anonymous", "patient_user", "coordinator"]
HOTLINE_LINK = '<a class="ds-link" href="tel:+4780030061">800 300 61</a>'
TEMPLATES = Path(__file__).resolve().parents[2] / "src/vegviser/public/templates/public/pages"


def client_in(world: World, persona: str, language: str) -> Client:
    client = client_for(world, persona)
    client.cookies["django_language"] = language
    return client


def public_urls() -> list[str]:
    return [
        reverse("public:index"),
        *(reverse("public:page", args=[page.slug]) for page in PAGES),
        reverse("public:directory"),
        reverse("public:directory") + "?q=Aarborte",
        reverse("public:municipality", args=["1804"]),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_public_page_opens_for_everyone_in_every_language(
    world: World, persona: str, language: str
) -> None:
    client = client_in(world, persona, language)
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{language}"' in html, url
        assert len(re.findall(r"<h1[ >]", html)) == 1, f"{url} needs exactly one h1"
        for landmark in ("<header", '<main id="main"', "<footer"):
            assert landmark in html, f"{url} lacks {landmark}"
        # The language switcher, and the footer's links and hotline, for everyone.
        assert 'class="language-switcher"' in html
        assert HOTLINE_LINK in html
        for name, args in [
            ("public:index", []),
            ("public:directory", []),
            ("public:page", ["accessibility"]),
        ]:
            assert f'href="{reverse(name, args=args)}"' in html
        # The anonymous menu only when signed out; the signed-in menu is untouched.
        assert (f'href="{reverse("accounts:login")}"' in html.split("</header>")[0]) is (
            persona == "anonymous"
        )


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.slug)
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_page_is_written_in_each_language(page: object, language: str) -> None:
    template = page.template_for(language)  # type: ignore[attr-defined]
    assert (TEMPLATES / template.removeprefix("public/pages/")).is_file()
    html = get_template(template).render({})
    assert "<h1" not in html, "the page template supplies the one h1"
    assert len(html) > 500


def test_the_prose_is_kept_out_of_gettext_and_differs_by_language() -> None:
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "{% translate" not in text and "{% blocktranslate" not in text, path.name
        slug, language, _ = path.name.rsplit(".", 2)
        assert language in LANGUAGES and any(page.slug == slug for page in PAGES), path.name
    for page in PAGES:
        texts = {get_template(page.template_for(language)).render({}) for language in LANGUAGES}
        assert len(texts) == 3, f"{page.slug}: the three languages should not share a text"


def test_an_unknown_language_falls_back_to_bokmal() -> None:
    assert PAGES[0].template_for("se") == PAGES[0].template_for("nb")
    assert PAGES[0].template_for(None) == PAGES[0].template_for("nb")
    assert PAGES[0].template_for("en-gb") == PAGES[0].template_for("en")


def test_front_page_links_to_everything(client: Client, db: None) -> None:
    html = client.get(reverse("public:index")).content.decode()
    for page in INFORMATION_PAGES:
        assert f'href="{reverse("public:page", args=[page.slug])}"' in html
    assert f'action="{reverse("public:directory")}"' in html
    assert f'href="{reverse("accounts:login")}"' in html.split("<main")[1]
    assert HOTLINE_LINK in html.split("<main")[1]


def _page(client: Client, slug: str, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(reverse("public:page", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nb", ["§ 7-2 a barnekoordinator", "§ 2-5 c barnekoordinator", "1. august 2022", "under 18 år"]),
        ("nn", ["§ 7-2 a barnekoordinator", "§ 2-5 c barnekoordinator", "1. august 2022", "under 18 år"]),
        ("en", ["§ 7-2 a child coordinator", "§ 2-5 c child coordinator", "1 August 2022", "under 18"]),
    ],
)
def test_rights_page_names_the_law(client: Client, language: str, expected: list[str]) -> None:
    html = _page(client, "rights", language)
    for text in [*expected, "§ 7-1", "§ 7-2 ", "§ 2-5 a", "forskrift om habilitering og rehabilitering"]:
        assert text in html, text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nb", ["mandag til fredag kl. 09.00–15.00", "Pasient- og brukerombudet", "hvert fylke", "gratis"]),
        ("nn", ["måndag til fredag kl. 09.00–15.00", "Pasient- og brukarombodet", "kvart fylke", "gratis"]),
        ("en", ["Monday to Friday, 09.00–15.00", "ombudsman", "every county", "free"]),
    ],
)
def test_help_page_gives_the_hotline_and_the_ombudsman(
    client: Client, language: str, expected: list[str]
) -> None:
    main = _page(client, "help-and-advice", language).split("<main")[1]
    assert HOTLINE_LINK in main
    for text in expected:
        assert text in main, text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nb", ["Statsforvalteren", "fire uker", "enkeltvedtak", "journalen"]),
        ("nn", ["Statsforvaltaren", "fire veker", "enkeltvedtak", "journalen"]),
        ("en", ["Statsforvalteren", "four weeks", "enkeltvedtak", "records"]),
    ],
)
def test_complaints_page(client: Client, language: str, expected: list[str]) -> None:
    html = _page(client, "complaints", language)
    for text in expected:
        assert text in html, text


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_accessibility_statement(client: Client, language: str) -> None:
    html = _page(client, "accessibility", language)
    for text in ["WCAG", "2.1", "AA", "axe-core", "320", "200 %", 'href="https://www.uutilsynet.no/"', "PDF"]:
        assert text in html, text
    assert '<time datetime="2026-11-22">' in html


@pytest.mark.django_db
def test_asking_for_help_is_explained_with_a_way_to_log_in(client: Client) -> None:
    html = _page(client, "how-to-ask", "en")
    for text in ["coordinating unit", "in writing or orally", HOTLINE_LINK, reverse("public:directory")]:
        assert text in html
    # Signed in, the person's own pages offer "Ask for help".
    assert f'href="{reverse("accounts:login")}?next={reverse("portal:index")}"' in html.split("<main")[1]


def test_an_unknown_page_is_not_found(client: Client, db: None) -> None:
    assert client.get(reverse("public:page", args=["no-such-page"])).status_code == 404


def test_public_pages_are_read_only(client: Client, db: None) -> None:
    for url in public_urls():
        assert client.post(url).status_code == 405, url


def test_home_sends_anonymous_visitors_to_the_front_page(world: World) -> None:
    response = Client().get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("public:index")
    signed_in = client_for(world, "coordinator").get(reverse("home"))
    assert signed_in.status_code == 200
    assert signed_in.templates[0].name == "accounts/home.html"


def test_login_page_links_to_the_public_pages(client: Client, db: None) -> None:
    html = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("public:index")}"' in html.split("<main")[1]
