"""Security headers on every answer, and limits on what a request may send."""

from __future__ import annotations

from flask import Flask, Response, request

# Pages load only our own stylesheet and scripts: no inline code, no third parties.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")


def install(app: Flask) -> None:
    @app.after_request
    def headers(response: Response) -> Response:
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        # Personal links carry their token in the path: never send it to other sites.
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["BASE_URL"].startswith("https://"):
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.blueprint in ("workspace", "auth") or request.path.startswith("/password"):
            h.setdefault("Cache-Control", "no-store")  # private pages stay off shared caches
        return response
