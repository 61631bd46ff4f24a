"""Code compiled once per test process, not once per test app.

Every test builds an app of its own (as Flask's tutorial conftest does), and each new app
compiled again what the previous one had: werkzeug's two URL-building functions per rule
(about 150 rules, most of what `create_app` costs) and every Jinja template a test renders
(parsing and compiling them cost more than rendering). Neither depends on the app: a URL
builder's code depends only on its rule's parts and defaults, and reads the map and the
converters through the rule it is bound to when called; a template's code depends only on
its source and on the Jinja settings, which every test app shares. Each app still gets its
own rules, map, converters, Jinja environment and template objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from jinja2.bccache import Bucket, BytecodeCache
from werkzeug.routing.rules import Rule

_original = getattr(Rule, "_compile_builder", None)
_builders: dict[tuple[Any, ...], Callable[..., tuple[str, str]]] = {}


def _key(rule: Rule, append_unknown: bool) -> tuple[Any, ...] | None:
    try:
        defaults = tuple(sorted((k, repr(v)) for k, v in (rule.defaults or {}).items()))
        converters = tuple(sorted(
            (k, type(c).__qualname__, repr({a: v for a, v in vars(c).items() if a != "map"}))
            for k, c in rule._converters.items()))
        key = (rule.rule, tuple(rule._trace), defaults, converters, append_unknown)
        hash(key)
        return key
    except Exception:  # an unusual rule: compile it as werkzeug does
        return None


def _compile_builder(self: Rule, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
    assert _original is not None
    key = _key(self, append_unknown)
    if key is None:
        return _original(self, append_unknown)
    if key not in _builders:
        _builders[key] = _original(self, append_unknown)
    return _builders[key]


def reuse_url_builders() -> None:
    """Share URL builders between apps (once; a werkzeug without the hook is left alone)."""
    if _original is not None and getattr(Rule, "_compile_builder", None) is _original:
        Rule._compile_builder = _compile_builder  # type: ignore[method-assign]


class _Templates(BytecodeCache):
    """Jinja's own bytecode cache, in memory; a template whose source changed (its checksum)
    is compiled afresh."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_templates = _Templates()


def reuse_templates(app: Flask) -> None:
    """Let this app load the templates earlier test apps compiled."""
    app.jinja_env.bytecode_cache = _templates
