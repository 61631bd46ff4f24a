"""The layering the README describes, checked on the source: doors hold no queries,
domain packages import nothing on import, and messages modules sit below the services."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "coordinator"
DOORS = sorted([*PACKAGE.joinpath("web").rglob("*.py"), *PACKAGE.joinpath("api").rglob("*.py"),
                PACKAGE / "cli.py"])
DOMAINS = ["accounts", "agendas", "feeds", "integrations", "invitations", "meetings",
           "people", "tracking", "link_requests"]


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (inside functions too), with the names
    it takes from it as `module.name`."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _uses_session(path: Path) -> bool:
    return any(isinstance(node, ast.Attribute) and node.attr == "session"
               and isinstance(node.value, ast.Name) and node.value.id == "db"
               for node in ast.walk(ast.parse(path.read_text())))


@pytest.mark.parametrize("door", DOORS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_door_holds_no_query(door: Path) -> None:
    """Pages, API handlers and commands call services; a query here is a rule leaking."""
    imported = _imports(door)
    assert not any(m == "sqlalchemy" or m.startswith("sqlalchemy.") for m in imported)
    assert "coordinator.extensions.db" not in imported
    assert not _uses_session(door)


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_domain_package_imports_nothing_on_import(domain: str) -> None:
    init = PACKAGE / domain / "__init__.py"
    body = ast.parse(init.read_text()).body
    assert not [n for n in body if isinstance(n, ast.Import | ast.ImportFrom)]


@pytest.mark.parametrize("messages", sorted(PACKAGE.glob("*/messages.py")),
                         ids=lambda p: p.parent.name)
def test_messages_sit_below_the_services(messages: Path) -> None:
    """A messages module may be called by any service, so it imports none."""
    domain = messages.parent.name
    own = {f"coordinator.{domain}.{p.stem}" for p in messages.parent.glob("*.py")
           if p.stem not in ("__init__", "messages", "models")}
    assert not (_imports(messages) & own)


def test_the_checks_see_what_they_forbid(tmp_path: Path) -> None:
    leaky = tmp_path / "leaky.py"
    leaky.write_text("def view():\n    from sqlalchemy import select\n"
                     "    return db.session.scalars(select(1))\n")
    assert "sqlalchemy.select" in _imports(leaky)
    assert _uses_session(leaky)
