"""The OpenID Connect provider of tests/oidc_provider (configured like ID-porten, or like HelseID), run for
the tests, and a browser's part of the login driven over real HTTP: to the provider's login page, the test
eID's form, and back to Vegviser's callback with the provider's answer."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from authlib.integrations.django_client import DjangoOAuth2App
from django.test import Client
from joserfc.jwk import RSAKey

from vegviser.accounts.models import User

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
# The Django test client's host: where the provider sends the browser back to.
SITE = "http://testserver"
CALLBACK_PATH = "/account/idporten/callback/"
AFTER_LOGOUT_PATH = "/account/login/"
CALLBACK = SITE + CALLBACK_PATH
AFTER_LOGOUT = SITE + AFTER_LOGOUT_PATH
HIGH = "idporten-loa-high"
SUBSTANTIAL = "idporten-loa-substantial"
HELSEID_CALLBACK_PATH = "/account/helseid/callback/"
HELSEID_CALLBACK = SITE + HELSEID_CALLBACK_PATH


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    client_id: str
    secret_file: Path
    # A second service registered with the same provider: its tokens are not meant for Vegviser.
    other_client_id: str
    other_secret: str
    # Like HelseID: the clients' private keys (JWK files), the public halves registered with the provider.
    key_file: Path | None = None
    other_key: RSAKey | None = None


def _client_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"}, private=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_provider(scratch: Path, site: str = SITE, profile: str = "idporten") -> Iterator[RunningProvider]:
    """Starts the provider on a free port, configured like `profile` ("idporten" or "helseid"), with Vegviser
    at `site` registered, and stops it afterwards."""
    node = shutil.which("node")
    if node is None or not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError(
            "The test OpenID Connect provider needs Node.js and `bash scripts/system-deps.sh test`."
        )
    secret = "vegviser-test-secret"
    secret_file = scratch / "idporten-client-secret"
    secret_file.write_text(secret + "\n")
    clients: list[dict[str, object]] = [
        {
            "client_id": "vegviser",
            "client_secret": secret,
            "redirect_uris": [site + CALLBACK_PATH],
            "post_logout_redirect_uris": [site + AFTER_LOGOUT_PATH],
        },
        {
            "client_id": "another-service",
            "client_secret": "another-service-secret",
            "redirect_uris": [site + CALLBACK_PATH],
            "post_logout_redirect_uris": [site + AFTER_LOGOUT_PATH],
        },
    ]
    key_file = None
    other_key = None
    if profile == "helseid":
        key, other_key = _client_key("vegviser-test"), _client_key("another-service-test")
        key_file = scratch / "helseid-client-key.json"
        key_file.write_text(json.dumps(key.as_dict(private=True)))
        clients = [
            {
                "client_id": client_id,
                "jwks": {"keys": [client_key.as_dict(private=False)]},
                "redirect_uris": [site + HELSEID_CALLBACK_PATH],
                "post_logout_redirect_uris": [site + AFTER_LOGOUT_PATH],
            }
            for client_id, client_key in (("vegviser", key), ("another-service", other_key))
        ]
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [node, "server.mjs"],
        cwd=PROVIDER_DIR,
        env={
            **os.environ,
            "OIDC_PROVIDER_PORT": str(port),
            "OIDC_PROVIDER_CLIENTS": json.dumps(clients),
            "OIDC_PROVIDER_PROFILE": profile,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready = threading.Event()
        output: list[str] = []

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                output.append(line)
                if line.startswith("ready "):
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(timeout=30):
            raise RuntimeError("The test OpenID Connect provider did not start:\n" + "".join(output))
        yield RunningProvider(
            issuer=f"http://127.0.0.1:{port}",
            client_id="vegviser",
            secret_file=secret_file,
            other_client_id="another-service",
            other_secret="another-service-secret",
            key_file=key_file,
            other_key=other_key,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def settings_for(provider: RunningProvider, *, level: str = HIGH) -> dict[str, object]:
    """Vegviser's OIDC_PROVIDERS for the running provider."""
    return {
        "idporten": {
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "client_secret_file": provider.secret_file,
            "scope": "openid",
            "levels": (SUBSTANTIAL, HIGH),
            "level": level,
        }
    }


def helseid_settings_for(provider: RunningProvider, *, dpop: bool = True) -> dict[str, object]:
    """Vegviser's OIDC_PROVIDERS for the running provider configured like HelseID."""
    return {
        "helseid": {
            "issuer": provider.issuer,
            "client_id": provider.client_id,
            "private_key_file": provider.key_file,
            "scope": "openid profile helseid://scopes/identity/security_level helseid://scopes/hpr/hpr_number",
            "levels": ("3", "4"),
            "level": "4",
            "pushed_authorisation": True,
            "dpop": dpop,
        }
    }


class Browser:
    """The browser's side at the provider: its own cookies there; Vegviser's are the Django test client's."""

    def __init__(self) -> None:
        self.http = requests.Session()

    def follow_to_site(self, url: str) -> str:
        """Follows the provider's redirects until one leads back to Vegviser; gives that path and query."""
        for _ in range(10):
            if url.startswith(SITE):
                parts = urlsplit(url)
                return parts.path + ("?" + parts.query if parts.query else "")
            response = self.http.get(url, allow_redirects=False, timeout=10)
            if response.status_code not in {302, 303}:
                raise AssertionError(f"The provider answered {response.status_code}: {response.text[:500]}")
            url = urljoin(url, response.headers["Location"])
        raise AssertionError("Too many redirects at the provider")

    def log_in_at_provider(self, authorize_url: str, *, pid: str, level: str = HIGH) -> str:
        """Logs in with the test eID at the provider's login page; gives Vegviser's callback path."""
        response = self.http.get(authorize_url, allow_redirects=True, timeout=10)
        assert response.status_code == 200, response.text[:500]
        assert "/interaction/" in response.url, response.url
        login = self.http.post(
            response.url.rstrip("/") + "/login",
            data={"pid": pid, "acr": level},
            allow_redirects=False,
            timeout=10,
        )
        assert login.status_code in {302, 303}, login.text[:500]
        return self.follow_to_site(urljoin(response.url, login.headers["Location"]))

    def log_in_at_helseid(
        self, authorize_url: str, *, hpr: str, level: str = "4", parent: str = "", child: str = ""
    ) -> str:
        """Logs in at the HelseID-like provider's login page; gives Vegviser's callback path."""
        response = self.http.get(authorize_url, allow_redirects=True, timeout=10)
        assert response.status_code == 200, response.text[:500]
        assert "/interaction/" in response.url, response.url
        login = self.http.post(
            response.url.rstrip("/") + "/login",
            data={"hpr": hpr, "level": level, "parent": parent, "child": child},
            allow_redirects=False,
            timeout=10,
        )
        assert login.status_code in {302, 303}, login.text[:500]
        return self.follow_to_site(urljoin(response.url, login.headers["Location"]))

    def confirm_logout(self, end_session_url: str) -> str:
        """At the provider's logout page, confirms; gives where the provider sends the browser back to."""
        page = self.http.get(end_session_url, timeout=10)
        assert page.status_code == 200, page.text[:500]
        xsrf = page.text.split('name="xsrf" value="', 1)[1].split('"', 1)[0]
        action = page.text.split('action="', 1)[1].split('"', 1)[0]
        done = self.http.post(
            urljoin(page.url, action), data={"xsrf": xsrf, "logout": "yes"}, allow_redirects=False, timeout=10
        )
        assert done.status_code in {302, 303}, done.text[:500]
        return str(done.headers["Location"])


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def token_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of a token, read without checking it (the attacker's view)."""

    def part(text: str) -> dict[str, Any]:
        return dict(json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))))

    header, claims, _ = token.split(".")
    return part(header), part(claims)


def swap_id_token(monkeypatch: pytest.MonkeyPatch, replace: Callable[[str], str]) -> None:
    """The attacker between Vegviser and the provider: the provider's answer to the code exchange arrives with
    its ID token replaced."""
    fetch = DjangoOAuth2App.fetch_access_token

    def tampered(self: DjangoOAuth2App, *args: Any, **kwargs: Any) -> Any:
        token = fetch(self, *args, **kwargs)
        token["id_token"] = replace(token["id_token"])
        return token

    monkeypatch.setattr(DjangoOAuth2App, "fetch_access_token", tampered)
