"""`make run`'s settings: a newcomer meets the site's own translated error pages, e-mail links point at the
port served, and static files are served without collectstatic."""

from __future__ import annotations

from .test_deploy import run

DEVELOPMENT = {
    "VEGVISER_DEBUG": "1",
    "VEGVISER_TEST_IDENTITIES": "1",
    "DJANGO_SETTINGS_MODULE": "vegviser.settings",
    "DATABASE_URL": "sqlite://:memory:",
}
SETTINGS = "import django; django.setup(); from django.conf import settings as s; "


def test_development_has_no_debug_pages_unless_asked_for() -> None:
    result = run(SETTINGS + "print(s.DEBUG, s.VEGVISER_REQUIRE_2FA, s.SESSION_COOKIE_SECURE)", **DEVELOPMENT)
    assert result.stdout.split() == ["False", "False", "False"], result.stderr
    result = run(SETTINGS + "print(s.DEBUG)", **DEVELOPMENT, VEGVISER_DEBUG_PAGES="1")
    assert result.stdout.split() == ["True"], result.stderr
    # Debug pages never without development.
    result = run(
        SETTINGS + "print(s.DEBUG)",
        VEGVISER_DEBUG_PAGES="1",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="vegviser.example.no",
        DJANGO_SETTINGS_MODULE="vegviser.settings",
    )
    assert result.stdout.split() == ["False"], result.stderr


def test_email_links_point_at_the_port_served() -> None:
    result = run(SETTINGS + "print(s.VEGVISER_SITE_URL)", **DEVELOPMENT, PORT="8100")
    assert result.stdout.split() == ["http://127.0.0.1:8100"], result.stderr
    result = run(SETTINGS + "print(s.VEGVISER_SITE_URL)", **DEVELOPMENT)
    assert result.stdout.split() == ["http://127.0.0.1:8000"], result.stderr


def test_a_mistyped_address_shows_the_sites_own_page_and_static_files_are_served() -> None:
    code = (
        "import django; django.setup(); from django.test import Client; c = Client(HTTP_HOST='127.0.0.1'); "
        "r = c.get('/finnes-ikke/'); print(r.status_code, 'Fant ikke siden' in r.content.decode(), "
        "'Traceback' in r.content.decode() or 'URLconf' in r.content.decode()); "
        "r = c.get('/static/css/letter.css'); print(r.status_code)"
    )
    result = run(code, **DEVELOPMENT)
    assert result.stdout.split() == ["404", "True", "False", "200"], result.stderr
