"""The portal's jobs, where the consumer (`vegviser run_huey`) looks for them: defined in services, beside
the functions that ask for them."""

from __future__ import annotations

from .services import delete_expired_copies_hourly, prepare_copy

__all__ = ["delete_expired_copies_hourly", "prepare_copy"]
