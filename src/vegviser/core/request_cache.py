"""Answers worked out once per request: a page asks the same question several times (the header, the menu,
the page itself), and each asking should not cost a query."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from .middleware import current_request_id

Answer = TypeVar("Answer")


def within_request(owner: Any, key: Hashable, compute: Callable[[], Answer]) -> Answer:
    """`compute()` once per request for `owner` (an object that lives for the request, such as its user);
    outside a request, every time, so that a change in consent or membership shows at once."""
    request_id = current_request_id()
    if request_id == "-":
        return compute()
    cache: dict[Hashable, Any] = owner.__dict__.setdefault("_request_answers", {})
    if (request_id, key) not in cache:
        cache[(request_id, key)] = compute()
    return cast(Answer, cache[(request_id, key)])


def remember(owner: Any, key: Hashable, answer: Any) -> None:
    """Give `within_request` its answer ahead of time: a list page loads for many objects at once what each
    would otherwise ask for alone. Outside a request nothing is kept, as above."""
    request_id = current_request_id()
    if request_id != "-":
        owner.__dict__.setdefault("_request_answers", {})[(request_id, key)] = answer
