"""Every refusal is a template the catalogs hold, so each door can say it in the reader's
language: a refusal built from finished English (`InvalidInput(f"...")`, a plain literal,
`gettext(...)` at the raise site) cannot be translated where it is shown, and fails here."""

from __future__ import annotations

import ast
import html
import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import select

import coordinator
from coordinator.accounts.api_tokens import create_token
from coordinator.api.problems import PYDANTIC_MESSAGES
from coordinator.cadence.errors import InvalidInput, Np_, Plural, Refusal, Template
from coordinator.cli import main
from coordinator.extensions import db
from coordinator.i18n import translate_refusal
from coordinator.models import Account, Role
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.web.people import PASSWORD, csrf_of, log_in, make_account

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "coordinator"
LANGUAGES = ["es", "pt", "fr", "ht", "nl"]

# Refusals whose first argument is not a template, each for a reason.
ALLOWED = {
    # Carries a mapping of field -> refusal (each built from a template, checked here too).
    "RegistrationRefused",
    # The ics writer's assertions: a bug in our code, never a person's input (issue 15).
    "UnwritableEvent",
}

MessageId = str | tuple[str, str]
TOO_SHORT = Np_("Use at least %(num)s character.", "Use at least %(num)s characters.")


@dataclass(frozen=True)
class Site:
    path: str
    line: int
    refusal: str
    template: MessageId | None  # None: not a template
    counted: bool = False  # passes `num` (or **params), which a plural template needs

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.refusal}"


def _modules() -> Iterator[ModuleType]:
    yield coordinator
    for info in pkgutil.walk_packages(coordinator.__path__, "coordinator."):
        yield importlib.import_module(info.name)


def _refusal_classes() -> set[type]:
    found: set[type] = set()
    todo: list[type] = [Refusal]
    while todo:
        sub: type
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def _template(node: ast.expr) -> MessageId | None:
    """The message id of `N_("...")` or `Np_("...", "...")`, None for anything else."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and not node.keywords
            and all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                    for a in node.args)):
        return None
    texts = [a.value for a in node.args]  # type: ignore[attr-defined]
    if node.func.id == "N_" and len(texts) == 1:
        return texts[0]
    if node.func.id == "Np_" and len(texts) == 2:
        return (texts[0], texts[1])
    return None


def _bound_templates(tree: ast.Module) -> dict[str, list[MessageId | None]]:
    """Names the module binds to templates: `NAME = N_(...)`, or a dict whose values are."""
    bound: dict[str, list[MessageId | None]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is None:
                continue
            values = (node.value.values if isinstance(node.value, ast.Dict)
                      else [node.value])
            for target in targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).extend(_template(v) for v in values)
    return bound


def _argument(node: ast.expr, bound: dict[str, list[MessageId | None]]) -> list[
        MessageId | None]:
    if isinstance(node, ast.Call):
        return [_template(node)]
    if isinstance(node, ast.IfExp):
        return _argument(node.body, bound) + _argument(node.orelse, bound)

    name = node.value if isinstance(node, ast.Subscript) else node
    if isinstance(name, ast.Name) and name.id in bound:
        return bound[name.id]
    return [None]


def _sites() -> list[Site]:
    modules = list(_modules())  # imported first, so that every subclass is defined
    classes = _refusal_classes()
    sites: list[Site] = []
    for module in modules:

        path = Path(module.__file__ or "")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bound = _bound_templates(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Name):
                target = vars(module).get(node.func.id)
            elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
                owner = vars(module).get(node.func.value.id)
                target = (getattr(owner, node.func.attr, None)
                          if isinstance(owner, ModuleType | type) else None)

            else:
                continue
            if target not in classes or target.__name__ in ALLOWED:
                continue
            where = str(path.relative_to(ROOT))
            first = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg == "message"), None)
            counted = any(k.arg in ("num", None) for k in node.keywords)
            for template in _argument(first, bound) if first is not None else [None]:
                sites.append(Site(where, node.lineno, target.__name__, template, counted))
    return sites


@pytest.fixture(scope="module")
def sites() -> list[Site]:
    return _sites()


def test_the_walk_finds_the_refusals(sites: list[Site]) -> None:
    # Guards the guard: if imports or names change so that nothing is found, say so.
    assert len(sites) > 100
    assert {"InvalidInput", "Conflict", "NotFound", "InvalidRule"} <= {s.refusal for s in sites}


def test_every_refusal_is_built_from_a_marked_template(sites: list[Site]) -> None:
    finished = [str(s) for s in sites if s.template is None]
    assert not finished, (
        "Refusals must take N_(\"template with %(name)s\") or Np_(singular, plural) and "
        "their parameters as keywords, so the door can translate them: "
        + ", ".join(finished))


def test_every_plural_refusal_gives_its_count(sites: list[Site]) -> None:
    uncounted = [str(s) for s in sites if isinstance(s.template, tuple) and not s.counted]
    assert not uncounted, f"Np_ templates choose their form by `num=`: {uncounted}"


def test_a_finished_english_refusal_is_caught() -> None:
    tree = ast.parse('raise InvalidInput(f"The title is longer than {n} characters.")\n'
                     'raise InvalidInput("Give a title.")\n'
                     'raise InvalidInput(gettext("Give a title."))\n')
    calls = [n.exc for n in tree.body if isinstance(n, ast.Raise)]
    assert all(_argument(c.args[0], {}) == [None] for c in calls)  # type: ignore[union-attr]
    ok = ast.parse('raise InvalidInput(N_("Give a title."))\n'
                   'raise InvalidInput(Np_("%(num)s day.", "%(num)s days."), num=2)\n')
    assert [_argument(n.exc.args[0], {}) for n in ok.body] == [  # type: ignore[attr-defined]
        ["Give a title."], [("%(num)s day.", "%(num)s days.")]]


def _finished_english(node: ast.expr | None) -> bool:
    """A sentence written out in English: a literal, an f-string, or one glued to others."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _finished_english(node.left) or _finished_english(node.right)
    return False


def test_no_door_answers_in_finished_english() -> None:
    # The refusals doors make themselves: `abort(400, ...)` on pages and feeds, problem
    # documents' detail and title, the command line's `Refused`. They are translated where
    # they are made (gettext in a request), or built from a refusal.
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            name = node.func.id
            said: list[ast.expr] = []
            if name == "abort":
                said = node.args[1:2] + [k.value for k in node.keywords
                                         if k.arg == "description"]
            elif name == "Problem":
                said = [k.value for k in node.keywords if k.arg in ("detail", "title")]
            elif name == "Refused":
                said = node.args[:1]
            if any(_finished_english(s) for s in said):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert not found, f"finished English at a door: {found}"


def _catalog(path: Path) -> dict[MessageId, object]:
    with path.open("rb") as handle:
        return {m.id: m for m in read_po(handle) if m.id}  # type: ignore[misc]


def test_every_refusal_is_in_the_catalog(sites: list[Site]) -> None:
    # Fails after a new refusal until the catalogs are refreshed (`make translations`) and
    # translated: that is its purpose.
    templates = {s.template for s in sites if s.template is not None}
    pot = _catalog(ROOT / "translations" / "messages.pot")
    missing = sorted(map(str, templates - set(pot)))
    assert not missing, f"not in translations/messages.pot (run `make translations`): {missing}"
    for language in LANGUAGES:
        catalog = _catalog(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po")
        untranslated = sorted(
            str(t) for t in templates
            if t not in catalog or not all(_strings(catalog[t]))
        )
        assert not untranslated, f"{language}: refusals not translated: {untranslated}"


def _strings(message: object) -> tuple[str, ...]:
    string = message.string  # type: ignore[attr-defined]
    return string if isinstance(string, tuple) else (string,)


def test_a_plural_template_is_one_catalog_entry() -> None:
    assert isinstance(_template(ast.parse('Np_("a", "b")').body[0].value),  # type: ignore[attr-defined]
                      tuple)
    assert Plural("%(num)s day.", "%(num)s days.").english_form({"num": 1}) == "%(num)s day."


# Through each door: the refusal's template reaches the translator, and what the reader
# gets is the translator's sentence, not the English one.

@pytest.fixture
def heard(app: Any, monkeypatch: pytest.MonkeyPatch) -> list[Template]:
    """The templates the doors ask to translate; each answer is marked «…»."""
    templates: list[Template] = []

    def translate(template: Template, params: Mapping[str, Any]) -> str:
        templates.append(template)
        return f"«{translate_refusal(template, params)}»"

    monkeypatch.setattr(Refusal, "translator", translate)
    return templates


def _password_form(client: Any) -> Any:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    log_in(client, "sec@example.org")
    return client.post("/workspace/account/password", headers={"Accept-Language": "es"},
                       data={"csrf_token": csrf_of(client, "/workspace/account"),
                             "current_password": PASSWORD, "password": "short"})


def test_a_page_form_shows_the_translated_refusal(seeded, client, heard) -> None:
    page = _password_form(client)
    assert page.status_code == 422
    assert TOO_SHORT in heard
    assert "«" in page.get_data(as_text=True)


def test_a_problem_document_shows_translated_refusals(seeded, client, heard) -> None:
    account = make_account(Role.SECRETARIAT, email="sec@example.org")
    token = create_token(account.id, "tests", now=NOW, actor=Actor.cli())
    auth = {"Authorization": f"Bearer {token}", "Accept-Language": "es"}
    answer = client.post("/api/v1/meetings/424242/agenda-items", headers=auth,
                         json={"title": "", "presenter": "x" * 201, "extra": 1})
    assert answer.status_code == 422
    messages = {e["field"]: e["message"] for e in answer.get_json()["errors"]}
    # pydantic's own messages, by their type, through the translator.
    assert set(messages) == {"title", "presenter", "extra"}
    assert all(m.startswith("«") for m in messages.values()), messages
    assert PYDANTIC_MESSAGES["string_too_long"] in heard
    # Our validators raise refusals, which pydantic keeps and the document translates.
    moved = client.post("/api/v1/meetings/424242/move", headers=auth,
                        json={"start": "1999-01-01T10:00:00+00:00"})
    assert moved.status_code == 422
    with force_locale("es"):
        years = gettext("Use a year from %(first)s to %(last)s.", first=2000, last=2100)
    assert moved.get_json()["errors"][0]["message"] == f"«{years}»"
    missing = client.get("/api/v1/meetings/424242", headers={"Accept-Language": "es"})
    assert missing.get_json()["detail"].startswith("«")


def test_the_command_line_says_the_translated_refusal(app, heard) -> None:
    result = app.test_cli_runner().invoke(main, [
        "series", "add", "--kind", "national", "--country", "GT", "--first-date", "2027-02-30",
        "--time", "10:00", "--zone", "America/Guatemala"])
    assert result.exit_code == 2, result.output
    assert "first-date: «'2027-02-30' is not a date" in result.output
    assert "%(value)s is not a date; write it as YYYY-MM-DD." in heard


def test_a_plural_refusal_is_said_with_the_readers_plural(app) -> None:
    refusal = InvalidInput(TOO_SHORT, num=1)
    assert refusal.english == "Use at least 1 character."
    assert InvalidInput(TOO_SHORT, num=12).english == "Use at least 12 characters."
    with app.test_request_context(headers={"Accept-Language": "es"}), force_locale("es"):
        assert refusal.message == ngettext(*TOO_SHORT, 1)


# Fails until the catalogs are refreshed and translated (the lead does it at the end of
# issue 15): then each door must answer in Spanish, not in English.
def test_refusals_reach_a_spanish_reader_in_spanish(seeded, client) -> None:
    page = _password_form(client)
    with force_locale("es"):
        expected = ngettext(*TOO_SHORT, 12) % {"num": 12}
    assert expected != "Use at least 12 characters.", "not translated in the catalog yet"
    assert html.escape(expected) in page.get_data(as_text=True)
    token = create_token(db.session.scalars(select(Account.id)).one(), "tests", now=NOW,
                         actor=Actor.cli())
    answer = client.post("/api/v1/meetings/424242/move",
                         headers={"Authorization": f"Bearer {token}", "Accept-Language": "es"},
                         json={"start": "1999-01-01T10:00:00+00:00"})
    with force_locale("es"):
        years = gettext("Use a year from %(first)s to %(last)s.", first=2000, last=2100)
    assert years != "Use a year from 2000 to 2100.", "not translated in the catalog yet"
    assert answer.get_json()["errors"][0]["message"] == years
