"""What the golden mails say in each of the six languages: readable dates, to the minute,
with the zone named; a Kreyòl invitation in Kreyòl words. (The golden files themselves are
compared in test_golden.py; this reads them for the properties every language must keep.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
LANGUAGES = ("en", "es", "pt", "fr", "ht", "nl")
SECONDS = re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")
BARE_OFFSET = re.compile(r"(?<![\w:+-])[+-]\d{4}\b")
STUB_DATE = re.compile(r"\b\d{4} M\d{2}\b")  # what Babel's stub locales print


def _files(language: str) -> list[Path]:
    return sorted(GOLDEN.glob(f"*.{language}.txt"))


def _readable(path: Path) -> str:
    """Subject, text and HTML parts, and the calendar's SUMMARY and DESCRIPTION."""
    text = path.read_text(encoding="utf-8")
    keep = [line for line in text.splitlines()
            if line.startswith("Subject:") or not re.match(
                r"^(Kind|Key|From|Reply-To|To|Content-Language|DTSTAMP|DTSTART|DTEND|"
                r"LAST-MODIFIED|CREATED|UID|SEQUENCE|TZOFFSET|TZID|RRULE|RDATE)\b", line)]
    return "\n".join(keep)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_mail_gives_times_to_the_minute_with_a_named_zone(language: str) -> None:
    files = _files(language)
    assert len(files) >= 25, f"golden files missing for {language}"
    for path in files:
        text = _readable(path)
        assert not SECONDS.search(text), (path.name, SECONDS.search(text))
        assert not STUB_DATE.search(text), (path.name, STUB_DATE.search(text))
        assert not BARE_OFFSET.search(text), (path.name, BARE_OFFSET.search(text))


def test_the_kreyol_invitation_reads_in_kreyol() -> None:
    text = (GOLDEN / "invitation.ht.txt").read_text(encoding="utf-8")
    subject = next(line for line in text.splitlines() if line.startswith("Subject:"))
    # the zone travels with the time, even in the subject
    assert re.search(r"\b\d{1,2} des(anm|\.) 2026, \d{1,2}:\d{2} \(lè [^)]+\)", subject), subject
    body = text.split("----- text/plain", 1)[1].split("----- text/html", 1)[0]
    assert re.search(r"(lendi|madi|mèkredi|jedi|vandredi|samdi|dimanch) \d{1,2} desanm 2026, "
                     r"\d{1,2}:\d{2} \(lè [^)]+\)", body), body[:600]
    assert "Reyinyon nasyonal ak OSS – Gwatemala" in body  # the country's Kreyòl name
