"""Small counts kept from being published: primary and secondary suppression of a table of counts.

A table is a set of cells (any hashable keys: a municipality and an age group, say) with a count in each, and
the relations between them: each total is the sum of its parts (a region is the sum of its municipalities; a
municipality's figure for all ages is the sum of its age groups). Several relations may share a cell, and the
parts of a relation need not form a tree: a municipality in the catchment area of two health trusts is a part
of both trusts' totals.

Primary suppression hides each cell whose count is too small to publish: a count from 1 to one below the
minimum; for a share, such a numerator, such a complement (denominator minus numerator), or a denominator
below the minimum. A 0 is published: it tells nothing about anyone, and hiding every municipality's 0 would
force real figures beside them into hiding. So an attacker knows that a hidden count is at least 1.

Secondary suppression then hides more cells until none of the hidden ones can be worked out from what is
published:

- no relation has exactly one hidden cell (its total minus its published parts would give it away);
- where a relation's total is published, its k hidden parts add up to at least the minimum plus k − 1: each
  of them, being at least 1, could then be as large as the minimum, so the difference an attacker can take
  (total minus published parts) neither pins a hidden part down nor shows it to be small;
- no hidden cell follows from any combination of relations either (two rows minus two columns of a table, a
  trust minus its municipalities plus a region, …): checked by linear algebra over the hidden cells.

This module knows nothing of Django or of indicators, so it can be tested on its own and used anywhere.

A suppressed cell is published as the SSB standard symbol for "not shown for reasons of confidentiality", the
colon (Statistics Norway, "Standardtegn i tabeller"), never as 0.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

__all__ = [
    "DEFAULT_MINIMUM",
    "SUPPRESSED",
    "Relation",
    "Suppressed",
    "determined_cells",
    "primary_for_counts",
    "primary_for_shares",
    "publish",
    "suppress",
]

# The smallest count published unless the caller says otherwise: counts of 1–4 are hidden, as in the
# Norwegian health registries' and Statistics Norway's practice for small counts.
DEFAULT_MINIMUM: Final = 5

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Suppressed:
    """The mark of a hidden cell: one instance, shown as a colon, never equal to a number."""

    _instance: Suppressed | None = None

    def __new__(cls) -> Suppressed:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __str__(self) -> str:
        return ":"

    def __repr__(self) -> str:
        return "SUPPRESSED"

    def __reduce__(self) -> str:
        return "SUPPRESSED"


SUPPRESSED: Final = Suppressed()


@dataclass(frozen=True)
class Relation:
    """`total` is the sum of `parts`."""

    total: Hashable
    parts: tuple[Hashable, ...]

    def cells(self) -> tuple[Hashable, ...]:
        return (self.total, *self.parts)


def primary_for_counts(counts: Mapping[K, int], *, minimum: int = DEFAULT_MINIMUM) -> set[K]:
    """The cells whose count is from 1 to one below the minimum."""
    _check_minimum(minimum)
    return {key for key, count in counts.items() if 0 < count < minimum}


def primary_for_shares(
    numerators: Mapping[K, int], denominators: Mapping[K, int], *, minimum: int = DEFAULT_MINIMUM
) -> set[K]:
    """The cells of a share (numerator over denominator) that cannot be published: a small numerator, a
    small complement (denominator minus numerator: "all but two of the seven"), or a small denominator. A
    share of nothing (denominator 0) has nothing to hide."""
    _check_minimum(minimum)
    hidden = set()
    for key, denominator in denominators.items():
        numerator = numerators.get(key, 0)
        if 0 < numerator < minimum or 0 < denominator - numerator < minimum or 0 < denominator < minimum:
            hidden.add(key)
    return hidden


def suppress(
    tables: Sequence[Mapping[Any, int]],
    relations: Iterable[Relation],
    *,
    hidden: Iterable[Any],
    minimum: int = DEFAULT_MINIMUM,
) -> frozenset[Any]:
    """The cells to hide: `hidden` (the primary suppression) and as few more as this greedy method finds so
    that no hidden cell can be worked out from the published ones.

    `tables` are the counts behind the published figure, all over the same cells and the same `relations`
    (for a share: its numerators and its denominators). A cell is hidden in every table at once.

    When a further cell must be hidden, the smallest published part of the relation is chosen (its total
    only when no part is left), so that as little as possible is lost; ties go to the part listed first.
    """
    _check_minimum(minimum)
    if not tables:
        raise ValueError("Give at least one table of counts.")
    relations = list(relations)
    order = {key: index for index, key in enumerate(tables[0])}
    for relation in relations:
        for cell in relation.cells():
            if any(cell not in table for table in tables):
                raise ValueError(f"The cell {cell!r} of a relation has no count in every table.")
    result: set[Any] = set(hidden)
    unknown = result - order.keys()
    if unknown:
        raise ValueError(f"Hidden cells not in the table: {sorted(map(repr, unknown))}.")
    by_cell: dict[Hashable, list[Relation]] = {}
    for relation in relations:
        for cell in relation.cells():
            by_cell.setdefault(cell, []).append(relation)

    def smallest_published(relation: Relation) -> Any:
        parts = [part for part in relation.parts if part not in result]
        # A part with some count protects; a part of 0 adds a cell but nothing to the hidden sum.
        worth = [part for part in parts if all(table[part] > 0 for table in tables)] or parts
        if worth:
            return min(worth, key=lambda part: (tuple(table[part] for table in tables), order[part]))
        return relation.total if relation.total not in result else None

    while True:
        changed = False
        for relation in relations:
            members = [cell for cell in relation.cells() if cell in result]
            if not members:
                continue
            exposed = len(members) == 1
            if not exposed and relation.total not in result:
                hidden_parts = [part for part in relation.parts if part in result]
                exposed = any(
                    sum(table[part] for part in hidden_parts) - (len(hidden_parts) - 1) < minimum
                    for table in tables
                )
            if exposed:
                extra = smallest_published(relation)
                if extra is not None:
                    result.add(extra)
                    changed = True
        if changed:
            continue
        determined = determined_cells(result, relations)
        if not determined:
            return frozenset(result)
        for cell in sorted(determined, key=order.__getitem__):
            # Its own relations first; when they are hidden throughout, the relations it is tied to through
            # other hidden cells, nearest first: the combination that gives it away runs through them.
            for relation in _relations_around(cell, result, by_cell):
                extra = smallest_published(relation)
                if extra is not None:
                    result.add(extra)
                    changed = True
                    break
        if not changed:
            # Every relation around the cells that can be worked out is hidden already: nothing left to hide.
            return frozenset(result)


def _relations_around(
    cell: Hashable, hidden: set[Any], by_cell: Mapping[Hashable, list[Relation]]
) -> Iterable[Relation]:
    """The relations reached from `cell` through hidden cells, breadth first."""
    seen_cells = {cell}
    seen_relations: set[int] = set()
    queue = [cell]
    while queue:
        current = queue.pop(0)
        for relation in by_cell.get(current, []):
            if id(relation) in seen_relations:
                continue
            seen_relations.add(id(relation))
            yield relation
            for other in relation.cells():
                if other in hidden and other not in seen_cells:
                    seen_cells.add(other)
                    queue.append(other)


def determined_cells(hidden: Iterable[Hashable], relations: Iterable[Relation]) -> set[Hashable]:
    """The hidden cells whose value follows from the published ones through some combination of relations.

    Each relation is a linear equation (total − Σ parts = 0); the published cells are known constants. A
    hidden cell is determined exactly when its unit vector lies in the row space of the equations restricted
    to the hidden cells, which Gauss–Jordan elimination shows as a reduced row with that cell alone. The
    arithmetic is modulo a 61-bit prime: the equations' coefficients are 0 and ±1, and a prime this size
    dividing one of their minors (the only way the answer could differ from the one over the rationals)
    does not happen at the sizes of a country's tables.
    """
    hidden = set(hidden)
    rows: list[dict[Hashable, int]] = []
    for relation in relations:
        row: dict[Hashable, int] = {}
        for cell, sign in ((relation.total, 1), *((part, -1) for part in relation.parts)):
            if cell in hidden:
                row[cell] = (row.get(cell, 0) + sign) % _PRIME
        row = {cell: value for cell, value in row.items() if value}
        if row:
            rows.append(row)
    return {cell for cell, row in _reduced(rows) if len(row) == 1}


_PRIME: Final = (1 << 61) - 1


def _reduced(rows: list[dict[Hashable, int]]) -> list[tuple[Hashable, dict[Hashable, int]]]:
    """Gauss–Jordan elimination over sparse rows: each pivot cell with its fully reduced row."""
    pivots: dict[Hashable, dict[Hashable, int]] = {}
    for row in rows:
        row = dict(row)
        # Reduce by the earlier pivots.
        for cell in [cell for cell in row if cell in pivots]:
            factor = row.get(cell, 0)
            if factor:
                _subtract(row, pivots[cell], factor)
        if not row:
            continue
        pivot = next(iter(row))
        inverse = pow(row[pivot], _PRIME - 2, _PRIME)
        row = {cell: value * inverse % _PRIME for cell, value in row.items()}
        # Keep the earlier pivot rows reduced, so that each pivot column is zero everywhere else.
        for other in pivots.values():
            factor = other.get(pivot, 0)
            if factor:
                _subtract(other, row, factor)
        pivots[pivot] = row
    return list(pivots.items())


def _subtract(row: dict[Hashable, int], pivot_row: dict[Hashable, int], factor: int) -> None:
    for cell, value in pivot_row.items():
        new = (row.get(cell, 0) - factor * value) % _PRIME
        if new:
            row[cell] = new
        else:
            row.pop(cell, None)


def publish(values: Mapping[K, V], hidden: Iterable[K]) -> dict[K, V | Suppressed]:
    """The values as they may leave the server: each hidden cell marked, never shown as 0."""
    hidden = set(hidden)
    return {key: SUPPRESSED if key in hidden else value for key, value in values.items()}


def _check_minimum(minimum: int) -> None:
    if minimum < 1:
        raise ValueError(f"The minimum count is {minimum}; it must be 1 or more.")
