"""Shared steps of the browser tests: logging in, and a page checked and shot at both widths."""

from __future__ import annotations

import re

from tests.web.people import PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# CSP forbids inline script and style: a <script> without src, a <style>, a style="".
INLINE = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=", re.I)
MAX_PAGE = 100_000  # bytes of HTML: pages are read on phones, on poor connections


def log_in(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/workspace/")


def both_widths(page, step: str) -> None:  # type: ignore[no-untyped-def]
    """The page as served is light and free of inline script and style; screenshots at
    phone and desktop width land beside the test's other steps."""
    html = page.content()
    assert len(html.encode()) < MAX_PAGE, f"{step}: {len(html.encode())} bytes"
    assert not INLINE.search(html), f"{step}: inline script or style"
    for name, size in (("390", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        page.shot(f"{step}-{name}")
    page.set_viewport_size(DESKTOP)
