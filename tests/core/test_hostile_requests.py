"""Requests a browser would not send answer with the site's own pages and headers, never a bare 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vegviser.plans import services

from ..conftest import World, client_for, sign_in
from ..plans.helpers import plan_for

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")


def _post_in_charset(client: Client, url: str, charset: str) -> object:
    """A form with a valid CSRF token, declared in `charset`."""
    client.get(url)
    token = client.cookies["csrftoken"].value
    body = f"csrfmiddlewaretoken={token}&username=per&password=x%E6".encode()
    return client.generic(
        "POST", url, data=body, content_type=f"application/x-www-form-urlencoded; charset={charset}"
    )


@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "iso-2022-jp"])
def test_a_form_in_another_charset_is_a_bad_request_with_the_sites_page(world: World, charset: str) -> None:
    anonymous = Client(enforce_csrf_checks=True, raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    signed_in = Client(enforce_csrf_checks=True, raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    sign_in(signed_in, world.ke_officer)
    for client, url in [(anonymous, reverse("accounts:login")), (signed_in, reverse("audit:search"))]:
        response = _post_in_charset(client, url, charset)
        assert response.status_code == 400, url  # type: ignore[attr-defined]
        assert "The request could not be read" in response.content.decode()  # type: ignore[attr-defined]
        for header in SECURITY_HEADERS:
            assert response.has_header(header), (url, header)  # type: ignore[attr-defined]


def test_nothing_sent_to_a_signed_in_user_is_kept_in_a_cache(world: World) -> None:
    plan = plan_for(world, active=True)
    starts = timezone.now() + timedelta(days=7)
    meeting = services.schedule_meeting(
        actor=None,
        plan=plan,
        data={"starts_at": starts, "ends_at": starts + timedelta(hours=1), "place": "Rådhus", "invited": []},
    )
    coordinator = client_for(world, "coordinator")
    downloads = {
        "page": reverse("plans:plan_detail", kwargs={"pk": plan.pk}),
        "pdf": reverse("plans:plan_pdf", kwargs={"pk": plan.pk}),
        "json": reverse("plans:record_notice_json", kwargs={"pk": plan.pk}),
        "ics": reverse("plans:meeting_ics", kwargs={"pk": meeting.pk}),
        "refused": reverse("plans:plan_detail", kwargs={"pk": world.patient.pk}),
    }
    for kind, url in downloads.items():
        response = coordinator.get(url)
        assert response.status_code == (404 if kind == "refused" else 200), kind
        assert "no-store" in response["Cache-Control"], kind
        assert "private" in response["Cache-Control"], kind
    own_data = client_for(world, "patient_user").get(reverse("portal:my_data_json"))
    assert "no-store" in own_data["Cache-Control"]


def test_public_pages_may_still_be_cached(db: None) -> None:
    response = Client().get(reverse("public:index"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
