from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vegviser.accounts.models import User
from vegviser.accounts.services import create_user


class Command(BaseCommand):
    help = "Create a system administrator (manages organisations and users; sees no health data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if User.objects.filter(username=username).exists():
            raise CommandError(f"The user name {username!r} is taken.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password again: "):
            raise CommandError("The passwords differ.")
        candidate = User(username=username, email=options["email"])
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        data = {
            "username": username,
            "email": options["email"],
            "first_name": options["first_name"],
            "last_name": options["last_name"],
            "is_system_admin": True,
        }
        try:
            create_user(actor=None, data=data, password=password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"System administrator {username} created."))
