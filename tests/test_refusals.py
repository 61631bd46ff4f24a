"""One error model for the three doors: a refusal has one status (404 not there, 409 a
clash with the current state, 422 unusable input) on pages and in the API, exit status 2
with its sentence on the command line, and it is said in the reader's language."""

from __future__ import annotations

import pytest

from coordinator.cli import main
from coordinator.errors import Conflict, InvalidInput, NotFound, status_of
from tests.conftest import NOW
from tests.mail.scenario import make_world


def test_each_kind_of_refusal_has_one_status() -> None:
    assert status_of(NotFound("No meeting %(id)s.", id=1)) == 404
    assert status_of(Conflict("Already taken.")) == 409
    assert status_of(InvalidInput("Give a title.", field="title")) == 422


@pytest.mark.parametrize("argv", [
    ["suggestions", "list", "424242"],
    ["suggestions", "release", "424242"],
    ["rsvps", "424242"],
    ["meeting", "cancel", "424242"],
    ["agenda", "publish", "424242"],
])
def test_every_command_says_what_is_missing_and_exits_2(seeded, argv: list[str]) -> None:
    result = seeded.test_cli_runner().invoke(main, argv)
    assert result.exit_code == 2, (argv, result.output, result.exception)
    assert "424242" in result.output and "Traceback" not in result.output


def test_a_missing_thing_is_said_in_the_readers_language_on_every_door(seeded) -> None:
    make_world(NOW)
    client = seeded.test_client()
    api = client.get("/api/v1/meetings/424242", headers={"Accept-Language": "es"})
    assert api.status_code == 404
    assert api.get_json()["detail"] == "No existe la reunión 424242."
    page = client.get("/meetings/424242?lang=fr")
    assert page.status_code == 404
