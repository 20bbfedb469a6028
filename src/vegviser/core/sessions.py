"""Sessions kept in the database that end after SESSION_COOKIE_AGE idle seconds, without a write on every
request.

SESSION_SAVE_EVERY_REQUEST renews the expiry with each request; written every time, that is an UPDATE and a
transaction on every page. This store skips the write while the stored expiry is still within RENEW_AFTER
seconds of a fresh one and nothing in the session changed, so a session that is used stays alive and an idle
one ends between SESSION_COOKIE_AGE - RENEW_AFTER and SESSION_COOKIE_AGE seconds after its last request. The
page's warning comes two minutes before the end it expects (static/js/app.js), so it still comes in time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

RENEW_AFTER = timedelta(seconds=60)


class SessionStore(DatabaseSessionStore):
    stored_expiry: datetime | None = None

    # Django's database store reads the row here (the stubs leave this method out).
    def _get_session_from_db(self) -> Any:
        stored = super()._get_session_from_db()  # type: ignore[misc]
        self.stored_expiry = stored.expire_date if stored is not None else None
        return stored

    def save(self, must_create: bool = False) -> None:
        if not must_create and self.session_key is not None:
            # A request that never read the session has not loaded its row, nor the expiry stored with it.
            self._get_session()  # type: ignore[attr-defined]
            if not self.modified and self.renewed_recently():
                return
        super().save(must_create=must_create)

    def renewed_recently(self) -> bool:
        """True while the stored expiry is less than RENEW_AFTER short of what a save now would write."""
        if self.session_key is None or self.stored_expiry is None:
            return False
        remaining = self.stored_expiry - timezone.now()
        return remaining > timedelta(seconds=self.get_expiry_age()) - RENEW_AFTER
