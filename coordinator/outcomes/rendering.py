"""Minutes are written in Markdown and shown as HTML: one renderer, one allow-list.

The Markdown is stored as written (it is also the plain-text part of mails). Raw HTML in
it is refused when saved (`html_tag_in`), so nobody is surprised by what disappears.
Rendering uses markdown-it-py (CommonMark, raw HTML off) when it is installed, else plain
paragraphs; either way nh3 then keeps only `ALLOWED_TAGS`, with links limited to
`URL_SCHEMES`: the sanitiser, not the renderer, is what makes the HTML safe.
"""

from __future__ import annotations

import html
import re
from typing import Any

import nh3

try:  # a maintained CommonMark parser; optional (see the module's docstring)
    from markdown_it import MarkdownIt
except ImportError:  # pragma: no cover - exercised through `plain_paragraphs` in tests
    MarkdownIt = None  # type: ignore[assignment,misc]  # the fallback below renders instead

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code",
                          "pre", "h3", "h4", "a", "hr"})
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Headings in minutes sit under the page's own: # and ## become h3 and h4.
_HEADINGS = {"h1": "h3", "h2": "h4", "h3": "h4", "h4": "h4", "h5": "h4", "h6": "h4"}

# A tag or comment as CommonMark would pass it through: `<b>`, `</div>`, `<img src=x>`,
# `<!-- -->`. Autolinks (`<https://...>`) and comparisons (`a < b`) do not match.
_TAG = re.compile(r"<!--|<(/?[A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>")


def html_tag_in(markdown: str) -> str | None:
    """The first raw HTML tag in `markdown` (None: none)."""
    found = _TAG.search(markdown)
    return found.group(0)[:40] if found else None


def sanitise(fragment: str) -> str:
    """Only the allow-list survives: tags, attributes and link schemes."""
    return nh3.clean(fragment, tags=set(ALLOWED_TAGS), attributes=ATTRIBUTES,
                     url_schemes=set(URL_SCHEMES), link_rel="nofollow noopener noreferrer")


def plain_paragraphs(markdown: str) -> str:
    """Without a Markdown parser: blank lines separate paragraphs, text is escaped."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", markdown.strip()) if b.strip()]
    return "".join("<p>" + html.escape(b).replace("\n", "<br>\n") + "</p>\n" for b in blocks)


def _commonmark(markdown: str) -> str:
    parser: Any = MarkdownIt("commonmark", {"html": False, "linkify": False})
    tokens = parser.parse(markdown)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _HEADINGS.get(token.tag, token.tag)
    return str(parser.renderer.render(tokens, parser.options, {}))


def to_html(markdown: str) -> str:
    """Safe HTML for pages and mails."""
    rendered = _commonmark(markdown) if MarkdownIt is not None else plain_paragraphs(markdown)
    return sanitise(rendered)
