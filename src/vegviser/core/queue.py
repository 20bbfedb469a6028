"""The embedded job queue of a single machine (`make run`, a small deployment): Huey's SQLite storage, in a
file whose folder is made when missing, since a fresh checkout has no var/ yet. Production with more than
one server sets VEGVISER_QUEUE_URL and gets Huey's Redis storage instead (settings.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from huey import SqliteHuey


class EmbeddedHuey(SqliteHuey):
    def __init__(self, name: str = "vegviser", *, filename: str, **kwargs: Any) -> None:
        Path(filename).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(name, filename=filename, **kwargs)
