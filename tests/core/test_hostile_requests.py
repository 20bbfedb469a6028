"""Requests a browser would not send answer with the site's own pages and headers, never a bare 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ..conftest import World, sign_in

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
