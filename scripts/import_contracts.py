"""An import-linter contract that the tool does not ship: no import cycle between modules.

`acyclic_siblings` looks at packages, and Vegviser's apps import each other by layer (the policy reads the
plan's models, the plan's services ask the policy), so its apps are not acyclic as packages; what must hold
is that no module needs itself, through any chain of imports, to be imported first."""

from __future__ import annotations

from typing import Any

from importlinter import Contract, ContractCheck, fields, output


class AcyclicModulesContract(Contract):
    """Breaks for every group of modules that import each other in a circle (a strongly connected component
    of the import graph below `root`), listing its modules."""

    root = fields.StringField()

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        root = str(self.root)  # type: ignore[attr-defined]
        modules = sorted(m for m in graph.modules if m == root or m.startswith(root + "."))
        imports = {m: sorted(graph.find_modules_directly_imported_by(m) & set(modules)) for m in modules}
        cycles = [
            sorted(group) for group in _strongly_connected(modules, imports) if _is_cycle(group, imports)
        ]
        return ContractCheck(kept=not cycles, metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error(f"These modules import each other in a circle: {', '.join(cycle)}")
            output.new_line()


def _is_cycle(group: list[str], imports: dict[str, list[str]]) -> bool:
    return len(group) > 1 or group[0] in imports[group[0]]


def _strongly_connected(nodes: list[str], edges: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm without recursion (the graph is deeper than Python's recursion limit allows)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = edges[node]
            if position < len(successors):
                work.append((node, position + 1))
                successor = successors[position]
                if successor not in index:
                    work.append((successor, 0))
                elif successor in on_stack:
                    low[node] = min(low[node], index[successor])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                groups.append(group)
    return groups
