"""Rows sorted in Python in their model's order, for the small lists a page reads on every request.

Compiling an ORDER BY costs Django more CPU than sorting a few dozen rows: on the plan page, about 1 ms for
the plan's four lists and half as much again for the coordinators and the consent (docs/benchmarks.md). Only
for orderings of values that sort the same in Python as in the database (dates, numbers, flags): names and
titles stay sorted by the database, under its collation."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

_Row = TypeVar("_Row", bound=Model)


def in_model_order(rows: QuerySet[_Row]) -> list[_Row]:
    """The rows, sorted here as their model's `Meta.ordering` sorts them in PostgreSQL: NULL as larger than
    any value unless the ordering says where it goes."""
    ordered = list(rows.order_by())
    ordering: Sequence[Any] = rows.model._meta.ordering or []
    # Python's sort is stable: sorted by the last term first, the first term decides.
    for term in reversed(ordering):
        if isinstance(term, str):
            name, descending, nulls_high = term.lstrip("-"), term.startswith("-"), True
        else:  # an expression such as F("starts_on").asc(nulls_last=True)
            name, descending = term.expression.name, term.descending
            # Where NULL goes before a descending term reverses the order.
            nulls_high = bool(term.nulls_last) != descending if term.nulls_last or term.nulls_first else True
        ordered.sort(key=partial(_sort_key, name, nulls_high), reverse=descending)
    return ordered


def _sort_key(name: str, nulls_high: bool, row: Any) -> tuple[bool, Any]:
    value = getattr(row, name)
    return (value is None) == nulls_high, value
