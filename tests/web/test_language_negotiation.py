"""The browser's language, the region's way: regional tags fall back to their language,
Kreyòl wins over a Haitian French when both are listed, and a link's `lang=` (every
mailed link carries one) wins over the browser."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from coordinator.i18n import language_of, negotiate
from coordinator.mail.compose import with_language

LANGUAGES = ["en", "es", "pt", "fr", "ht", "nl"]


def _accept(header: str) -> LanguageAccept:
    return parse_accept_header(header, LanguageAccept)


@pytest.mark.parametrize(("header", "expected"), [
    ("es-MX,en;q=0.8", "es"),
    ("es-419,en", "es"),
    ("fr-CA,en", "fr"),
    ("pt-BR,en-US,en", "pt"),
    ("fr-HT,fr;q=0.9,ht;q=0.5", "ht"),
    ("fr-HT,fr;q=0.9", "fr"),
    ("ht-HT,fr;q=0.8", "ht"),
    ("nl-SR,nl;q=0.9,en;q=0.5", "nl"),
    ("en-US,en;q=0.9,es;q=0.5", "en"),
    ("de-DE,de;q=0.9", None),
    ("*", None),
    ("en;q=0.5,es-CO;q=0.9", "es"),
])
def test_regional_tags_reach_their_language(header: str, expected: str | None) -> None:
    assert negotiate(_accept(header), LANGUAGES) == expected


@pytest.mark.parametrize(("tag", "expected"), [
    ("pt-BR", "pt"), ("pt_BR", "pt"), ("ES-mx", "es"), ("nl-SR", "nl"), ("ht", "ht"),
    ("xx", None), ("", None), (None, None), ("-", None),
])
def test_a_tag_names_its_language(tag: str | None, expected: str | None) -> None:
    assert language_of(tag, LANGUAGES) == expected


@pytest.mark.parametrize(("header", "lang"), [
    ("es-MX,en;q=0.8", "es"), ("es-419,en", "es"), ("fr-CA,en", "fr"),
    ("pt-BR,en-US,en", "pt"), ("fr-HT,fr;q=0.9,ht;q=0.8", "ht"), ("nl-SR,en;q=0.5", "nl"),
])
def test_pages_answer_in_the_browsers_language(client, header: str, lang: str) -> None:
    page = client.get("/", headers={"Accept-Language": header})
    assert page.status_code == 200
    assert f'<html lang="{lang}"' in page.get_data(as_text=True)


@pytest.mark.parametrize(("asked", "lang"), [("pt-BR", "pt"), ("es-419", "es"),
                                             ("fr_CA", "fr"), ("nl-SR", "nl")])
def test_lang_variants_are_honoured_over_the_browser(client, asked: str, lang: str) -> None:
    page = client.get(f"/?lang={asked}", headers={"Accept-Language": "en-US,en"})
    assert f'<html lang="{lang}"' in page.get_data(as_text=True)
    assert f"lang={lang}" in page.headers.get("Set-Cookie", "")
    feed = client.get(f"/feeds/all.ics?lang={asked}")
    assert feed.status_code == 200, feed.get_data(as_text=True)[:200]


def test_an_unknown_feed_language_is_a_clear_400(client) -> None:
    assert client.get("/feeds/all.ics?lang=xx").status_code == 400


def test_every_service_link_in_a_mail_carries_the_recipients_language(app) -> None:
    base = app.config["BASE_URL"]
    text = (f"Open {base}/rsvp/abc.def. Or {base}/meetings/7?x=1#agenda, "
            f"feed {base}/feeds/all.ics?lang=fr and https://elsewhere.example/{base[8:]}")
    with app.app_context():
        out = with_language(text, "ht")
        html = with_language(f'<a href="{base}/meetings/7?x=1">{base}/meetings/7</a>', "ht",
                             html=True)
    assert f"{base}/rsvp/abc.def?lang=ht." in out
    assert f"{base}/meetings/7?x=1&lang=ht#agenda," in out
    assert f"{base}/feeds/all.ics?lang=fr " in out  # already chose a language
    assert "https://elsewhere.example/" in out and out.count("lang=ht") == 2
    assert f'href="{base}/meetings/7?x=1&amp;lang=ht"' in html
    assert f">{base}/meetings/7?lang=ht</a>" in html


def test_a_mailed_link_wins_over_the_browser(client) -> None:
    page = client.get("/?lang=ht", headers={"Accept-Language": "fr-FR,fr"})
    assert '<html lang="ht"' in page.get_data(as_text=True)
