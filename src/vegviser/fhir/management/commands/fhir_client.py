"""Register an application (an OAuth 2.0 client) that may ask users for access to the FHIR API.

The operator registers each client; nobody signed in to the pages can. The client gets an id and a secret,
shown once: the authorisation server keeps only a hash of the secret.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model


class Command(BaseCommand):
    help = "Register a client application of the FHIR API and print its id and secret."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The application's name: users see it, and so does the access log.")
        parser.add_argument(
            "--redirect-uri",
            action="append",
            required=True,
            dest="redirect_uris",
            help="Where the user is sent back with the authorisation code (may be given more than once).",
        )

    def handle(self, *args: Any, name: str, redirect_uris: list[str], **options: Any) -> None:
        application_model = get_application_model()
        if application_model.objects.filter(name=name).exists():
            raise CommandError(f"A client named {name!r} is already registered.")
        secret = generate_client_secret()
        application = application_model(
            name=name,
            client_type=application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(redirect_uris),
            client_secret=secret,
            algorithm="",
        )
        application.full_clean()
        application.save()
        self.stdout.write(f"client_id={application.client_id}")
        self.stdout.write(f"client_secret={secret}")
        self.stdout.write("The secret is shown only now; keep it where the application keeps its secrets.")
