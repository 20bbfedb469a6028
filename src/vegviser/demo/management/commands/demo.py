from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vegviser.accounts.models import User
from vegviser.demo.loader import database_is_empty, load_demo


class Command(BaseCommand):
    help = "Load the demo data (Bodø, Nordlandssykehuset, synthetic people; every password is 'demo')."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the database has users.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not database_is_empty():
            if options["if_empty"]:
                self.stdout.write("The database already has data; the demo was not loaded.")
                return
            self.stderr.write("The database already has data; the demo loads only into an empty database.")
            raise SystemExit(1)
        load_demo()
        # Every user the demo made, so that the list cannot fall behind the demo.
        users = ", ".join(User.objects.order_by("date_joined", "username").values_list("username", flat=True))
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded. Sign in as one of {users}, with the password 'demo'.")
        )
