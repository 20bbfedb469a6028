"""Suppression: hand-worked tables, and property tests that attack every published total."""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vegviser.indicators.suppression import (
    SUPPRESSED,
    Relation,
    determined_cells,
    primary_for_counts,
    primary_for_shares,
    publish,
    suppress,
)

AGES = ("0-17", "18-66", "67+")


def grid(counts: dict[str, tuple[int, ...]], hierarchy: dict[str, list[str]]) -> tuple[dict, list[Relation]]:
    """A table of areas × age groups with the totals of both: `counts` per lowest area, `hierarchy` naming
    each higher area's parts (in order, lowest first)."""
    table: dict[tuple[str, str], int] = {}
    for area, values in counts.items():
        for age, value in zip(AGES, values, strict=True):
            table[(area, age)] = value
    for total, parts in hierarchy.items():
        for age in AGES:
            table[(total, age)] = sum(table[(part, age)] for part in parts)
    areas = [*counts, *hierarchy]
    for area in areas:
        table[(area, "all")] = sum(table[(area, age)] for age in AGES)
    relations = [Relation((area, "all"), tuple((area, age) for age in AGES)) for area in areas]
    for total, parts in hierarchy.items():
        for age in (*AGES, "all"):
            relations.append(Relation((total, age), tuple((part, age) for part in parts)))
    return table, relations


# --- The attacks --------------------------------------------------------------------------------------------


def recovered_by_subtraction(table: dict, relations: list[Relation], hidden: frozenset) -> dict:
    """Every hidden cell an attacker gets from a total and its published parts, again and again with what
    each round gave (the attack the published figures invite)."""
    known = {cell: value for cell, value in table.items() if cell not in hidden}
    found = {}
    progress = True
    while progress:
        progress = False
        for relation in relations:
            unknown = [cell for cell in relation.cells() if cell not in known]
            if len(unknown) != 1:
                continue
            (cell,) = unknown
            parts_known = sum(known[part] for part in relation.parts if part in known)
            value = known[relation.total] - parts_known if cell != relation.total else parts_known
            known[cell] = found[cell] = value
            progress = True
    return found


def recovered_by_any_combination(relations: list[Relation], hidden: frozenset) -> set:
    """Every hidden cell that some combination of relations gives away, over the rationals: the equations on
    the hidden cells in reduced row echelon form hold a row with that cell alone exactly when it follows
    from them. Dense, exact arithmetic: written apart from the module's own check, which works modulo a
    prime over sparse rows."""
    cells = sorted(hidden, key=repr)
    index = {cell: i for i, cell in enumerate(cells)}
    rows = []
    for relation in relations:
        row = [Fraction(0)] * len(cells)
        if relation.total in index:
            row[index[relation.total]] += 1
        for part in relation.parts:
            if part in index:
                row[index[part]] -= 1
        if any(row):
            rows.append(row)
    pivot_row = 0
    for column in range(len(cells)):
        pivot = next((r for r in range(pivot_row, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[pivot_row], rows[pivot] = rows[pivot], rows[pivot_row]
        lead = rows[pivot_row][column]
        rows[pivot_row] = [value / lead for value in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][column] != 0:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
    alone = set()
    for row in rows[:pivot_row]:
        nonzero = [i for i, value in enumerate(row) if value != 0]
        if len(nonzero) == 1:
            alone.add(cells[nonzero[0]])
    return alone


def small_differences(tables: list[dict], relations: list[Relation], hidden: frozenset, minimum: int) -> list:
    """Relations whose published total minus published parts shows a hidden part to be small: with k hidden
    parts of at least 1 each (a 0 is published), each is at most the difference minus k − 1."""
    exposed = []
    for relation in relations:
        if relation.total in hidden:
            continue
        hidden_parts = [part for part in relation.parts if part in hidden]
        if hidden_parts and any(
            sum(t[p] for p in hidden_parts) - (len(hidden_parts) - 1) < minimum for t in tables
        ):
            exposed.append(relation)
    return exposed


# --- Hand-worked tables --------------------------------------------------------------------------------


def test_primary_hides_small_counts_but_not_zero() -> None:
    assert primary_for_counts({"a": 0, "b": 1, "c": 4, "d": 5, "e": 100}, minimum=5) == {"b", "c"}


def test_primary_for_shares_hides_small_numerator_complement_and_denominator() -> None:
    numerators = {
        "small": 3,
        "almost_all": 18,
        "tiny_group": 0,
        "fine": 10,
        "exact": 5,
        "none": 0,
        "empty": 0,
    }
    denominators = {
        "small": 40,
        "almost_all": 20,
        "tiny_group": 4,
        "fine": 30,
        "exact": 10,
        "none": 9,
        "empty": 0,
    }
    # 3 < 5; 20 − 18 = 2 < 5; 4 < 5 (and 4 − 0 too); 10 and 20 fine; 5 and 5 at the minimum; 0 of 9 fine;
    # 0 of 0 is no share at all.
    assert primary_for_shares(numerators, denominators, minimum=5) == {"small", "almost_all", "tiny_group"}


def test_minimum_must_be_positive() -> None:
    with pytest.raises(ValueError, match="minimum"):
        primary_for_counts({"a": 1}, minimum=0)


def test_one_small_part_takes_a_second_part_with_it() -> None:
    # A municipality of 3 age groups: 2, 10, 30; total 42. Hiding only the 2 would let 42 − 10 − 30 give it
    # back; the smallest other part, 10, is hidden with it, and 2 + 10 = 12 ≥ 5 hides enough.
    table = {"0-17": 2, "18-66": 10, "67+": 30, "all": 42}
    relations = [Relation("all", ("0-17", "18-66", "67+"))]
    hidden = suppress([table], relations, hidden=primary_for_counts(table))
    assert hidden == {"0-17", "18-66"}
    assert publish(table, hidden) == {"0-17": SUPPRESSED, "18-66": SUPPRESSED, "67+": 30, "all": 42}


def test_two_small_parts_that_add_up_to_a_small_count_need_a_third() -> None:
    # 1 and 2 hidden leave 45 − 42 = 3: each is 1 or 2, too close. The 42 goes with them.
    table = {"a": 1, "b": 2, "c": 42, "all": 45}
    hidden = suppress([table], [Relation("all", ("a", "b", "c"))], hidden={"a", "b"})
    assert hidden == {"a", "b", "c"}


def test_a_zero_is_published_and_not_the_complement_of_a_small_count() -> None:
    # Hiding 3 with the 0 beside it would leave 3 hidden in all: the 8 is taken instead (3 + 8 − 1 = 10, so
    # either could be anything from 1 to 10).
    table = {"a": 3, "b": 0, "c": 8, "d": 20, "all": 31}
    relations = [Relation("all", ("a", "b", "c", "d"))]
    assert primary_for_counts(table) == {"a"}
    hidden = suppress([table], relations, hidden=primary_for_counts(table))
    assert hidden == {"a", "c"}
    assert publish(table, hidden)["b"] == 0


def test_hidden_total_of_published_parts_takes_a_part_with_it() -> None:
    # The total is hidden (say by a rule of its own) while its parts are published: hide a part too.
    table = {"a": 6, "b": 7, "all": 13}
    hidden = suppress([table], [Relation("all", ("a", "b"))], hidden={"all"})
    assert hidden == {"all", "a"}


def test_a_hidden_cell_in_a_region_is_paired_in_both_directions() -> None:
    # Two municipalities of a region, by age. 0–17 in Nordby is 2: its age total and the region's 0–17 both
    # give it away, so a second cell is hidden in its row (Nordby 18–66, 20) and in its column (Sørby 0–17,
    # 9); the last corner (Sørby 18–66) follows by the column of 18–66, and it too is hidden: a 2 × 2 square
    # of hidden cells which no total can take apart.
    table, relations = grid({"Nordby": (2, 20, 30), "Sørby": (9, 40, 50)}, {"Region": ["Nordby", "Sørby"]})
    hidden = suppress([table], relations, hidden=primary_for_counts(table))
    assert hidden == {("Nordby", "0-17"), ("Nordby", "18-66"), ("Sørby", "0-17"), ("Sørby", "18-66")}
    assert not recovered_by_subtraction(table, relations, hidden)
    assert not recovered_by_any_combination(relations, hidden)


def test_combinations_of_totals_are_attacked_too() -> None:
    # Every row and every column of the hidden cells holds two, yet the cell (r1, c3) is the sum of rows 1–2
    # minus columns 1–2 — a bridge between two hidden squares. The module sees it.
    relations = [
        Relation("r1", ("r1c1", "r1c2", "r1c3")),
        Relation("r2", ("r2c1", "r2c2")),
        Relation("c1", ("r1c1", "r2c1")),
        Relation("c2", ("r1c2", "r2c2")),
        Relation("r3", ("r3c3", "r3c4", "r1x")),
        Relation("c3", ("r1c3", "r3c3", "r4c3")),
    ]
    hidden = {"r1c1", "r1c2", "r1c3", "r2c1", "r2c2"}
    assert determined_cells(hidden, relations) == {"r1c3"}
    assert recovered_by_any_combination(relations, frozenset(hidden)) == {"r1c3"}


def test_numerator_and_denominator_hidden_together() -> None:
    # A share by municipality with the region's total. Nordby's 3 of 12 is hidden; the region's total would
    # give both back, so Sørby's 9 of 30 — the smallest other part — is hidden in both tables too.
    numerators = {"Nordby": 3, "Sørby": 9, "Vestby": 40, "Region": 52}
    denominators = {"Nordby": 12, "Sørby": 30, "Vestby": 80, "Region": 122}
    relations = [Relation("Region", ("Nordby", "Sørby", "Vestby"))]
    primary = primary_for_shares(numerators, denominators)
    assert primary == {"Nordby"}
    hidden = suppress([numerators, denominators], relations, hidden=primary)
    assert hidden == {"Nordby", "Sørby"}


def test_publish_marks_hidden_cells_never_zero() -> None:
    published = publish({"a": 0, "b": 7}, {"a"})
    assert published["a"] is SUPPRESSED
    assert published["a"] != 0
    assert str(published["a"]) == ":"
    assert published["b"] == 7


# --- Property tests ------------------------------------------------------------------------------------

counts = st.one_of(st.integers(0, 7), st.integers(0, 200))


@st.composite
def structures(draw: st.DrawFn) -> tuple[dict[str, list[str]], list[tuple[str, list[str]]]]:
    """Municipalities → regions → nation; and two health trusts over the municipalities, one municipality in
    the catchment area of both (as Oslo is), so the trusts do not add up to the nation."""
    hierarchy: dict[str, list[str]] = {}
    for r in range(draw(st.integers(1, 3))):
        hierarchy[f"region{r}"] = [f"m{r}.{m}" for m in range(draw(st.integers(1, 4)))]
    hierarchy["nation"] = list(hierarchy)
    names = [m for region, members in hierarchy.items() if region != "nation" for m in members]
    trusts = []
    if len(names) >= 2:
        split = draw(st.integers(1, len(names) - 1))
        trusts = [("trust A", names[:split]), ("trust B", [names[split - 1], *names[split:]])]
    return hierarchy, trusts


def build(
    lowest: dict[str, tuple[int, ...]], hierarchy: dict[str, list[str]], trusts: list[tuple[str, list[str]]]
) -> tuple[dict, list[Relation]]:
    table, relations = grid(lowest, hierarchy)
    for trust, members in trusts:
        for age in (*AGES, "all"):
            table[(trust, age)] = sum(table[(m, age)] for m in members)
            relations.append(Relation((trust, age), tuple((m, age) for m in members)))
        relations.append(Relation((trust, "all"), tuple((trust, age) for age in AGES)))
    return table, relations


def lowest_of(hierarchy: dict[str, list[str]]) -> list[str]:
    return [m for region, members in hierarchy.items() if region != "nation" for m in members]


@st.composite
def national_tables(draw: st.DrawFn) -> tuple[dict, list[Relation]]:
    hierarchy, trusts = draw(structures())
    lowest = {m: tuple(draw(counts) for _ in AGES) for m in lowest_of(hierarchy)}
    return build(lowest, hierarchy, trusts)


@settings(max_examples=300, deadline=None)
@given(national_tables(), st.integers(1, 6))
def test_no_suppressed_count_can_be_recovered(world: tuple[dict, list[Relation]], minimum: int) -> None:
    table, relations = world
    hidden = suppress([table], relations, hidden=primary_for_counts(table, minimum=minimum), minimum=minimum)
    assert primary_for_counts(table, minimum=minimum) <= hidden
    assert recovered_by_subtraction(table, relations, hidden) == {}
    assert recovered_by_any_combination(relations, hidden) == set()
    assert small_differences([table], relations, hidden, minimum) == []
    published = publish(table, hidden)
    assert all(published[cell] is SUPPRESSED for cell in hidden)
    assert all(published[cell] == table[cell] for cell in table.keys() - hidden)


@st.composite
def shares(draw: st.DrawFn) -> tuple[dict, dict, list[Relation]]:
    """A share over the same tables: each lowest denominator drawn, its numerator drawn within it."""
    hierarchy, trusts = draw(structures())
    denominators, numerators = {}, {}
    for m in lowest_of(hierarchy):
        denominators[m] = tuple(draw(counts) for _ in AGES)
        numerators[m] = tuple(draw(st.integers(0, d)) for d in denominators[m])
    denominator_table, relations = build(denominators, hierarchy, trusts)
    numerator_table, _same = build(numerators, hierarchy, trusts)
    return numerator_table, denominator_table, relations


@settings(max_examples=200, deadline=None)
@given(shares())
def test_no_suppressed_share_can_be_recovered(world: tuple[dict, dict, list[Relation]]) -> None:
    numerators, denominators, relations = world
    primary = primary_for_shares(numerators, denominators)
    hidden = suppress([numerators, denominators], relations, hidden=primary)
    assert primary <= hidden
    for table in (numerators, denominators):
        assert recovered_by_subtraction(table, relations, hidden) == {}
    assert recovered_by_any_combination(relations, hidden) == set()
    assert small_differences([numerators, denominators], relations, hidden, 5) == []


@pytest.mark.parametrize("values", list(product((0, 3, 12), repeat=3)))
def test_every_small_grid_is_safe(values: tuple[int, int, int]) -> None:
    table, relations = grid({"a": values, "b": (7, 8, 9)}, {"r": ["a", "b"]})
    hidden = suppress([table], relations, hidden=primary_for_counts(table))
    assert recovered_by_subtraction(table, relations, hidden) == {}
    assert recovered_by_any_combination(relations, hidden) == set()
