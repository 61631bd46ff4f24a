"""The catalogs are complete: every source string translated in es, pt, fr and ht."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["es", "pt", "fr", "ht", "nl"]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture(scope="module")
def source_ids(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Message ids extracted afresh from the code and templates."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "lazy_gettext", "-k", "_l", "-k", "N_", "-k", "Np_:1,2", "--no-location",
         "-o", str(out), "."],
        cwd=ROOT, check=True, capture_output=True)
    with out.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str, source_ids: set[str]) -> None:
    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id: m for m in catalog if m.id}
    missing = sorted(map(str, source_ids - set(translated)))
    assert not missing, f"{language}: not in the catalog (run `make translations`): {missing}"
    for message in translated.values():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: untranslated {message.id!r}"
        assert not message.fuzzy, f"{language}: fuzzy {message.id!r}"
        wanted = sorted(set(PLACEHOLDER.findall(ids[-1])))
        for text in strings:
            assert sorted(set(PLACEHOLDER.findall(text))) == wanted, (
                f"{language}: placeholders differ in {message.id!r}")
