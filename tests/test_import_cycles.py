"""No import cycle in the package, counting imports inside functions too: an import moved
into a function to dodge a cycle still makes one (domains react through signals or calls
downward, never in a circle)."""

from __future__ import annotations

import ast
from pathlib import Path

import coordinator

ROOT = Path(coordinator.__file__).parent


def modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        name = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules this one imports, anywhere in its body."""
    def resolve(target: str) -> str | None:
        while target and target not in known:
            target = target.rpartition(".")[0]
        return target or None

    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            targets += [base] + [f"{base}.{alias.name}" for alias in node.names]
    out = set()
    for target in targets:
        found = resolve(target) if target.startswith("coordinator") else None
        # A module importing its own package's __init__ (to reach a sibling) is not an edge.
        if found and found != name and not (known[found].name == "__init__.py"
                                           and name.startswith(found + ".")):
            out.add(found)
    return out


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def registry_only(component: list[str], known: dict[str, Path]) -> bool:
    """A package __init__ that only gathers its own submodules (models, blueprints)."""
    inits = [c for c in component if known[c].name == "__init__.py"]
    return len(inits) == 1 and all(c == inits[0] or c.startswith(inits[0] + ".")
                                   for c in component)


def test_the_package_has_no_import_cycle() -> None:
    known = modules()
    edges = {name: imports(name, path, known) for name, path in known.items()}
    real = [c for c in cycles(edges) if not registry_only(c, known)]
    assert real == []


def test_the_walk_sees_a_cycle_hidden_inside_a_function(tmp_path: Path) -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    probe = tmp_path / "probe.py"
    probe.write_text("def late():\n    from coordinator.agendas.services import add_item\n")
    known = {**modules(), "coordinator.agendas.probe": probe}
    assert imports("coordinator.agendas.probe", probe, known) == {
        "coordinator.agendas.services"}
