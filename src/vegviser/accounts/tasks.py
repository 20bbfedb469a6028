"""The accounts' jobs, where the consumer (`vegviser run_huey`) looks for them."""

from __future__ import annotations

from .emails import send_reset_link

__all__ = ["send_reset_link"]
