"""What every response of a deployed dashboard needs: authentication when it is on, security headers, compression.

install(server, settings, script_hashes) adds them to the Flask server behind the Dash app. The health check
stays open so that a load balancer or Docker can ask it without credentials.
"""

from __future__ import annotations

import hmac

from flask import Flask, Response, request
from flask_compress import Compress

from components.config import Settings

REALM = "RewardBench Dashboard"


def content_security_policy(script_hashes: list[str], frame_ancestors: str) -> str:
    """A policy that lets the Dash page run (its inline scripts by hash) and nothing from elsewhere.

    Plotly sets inline styles, and image downloads use data: and blob: URLs.
    """
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {' '.join(script_hashes)}".strip(),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def is_authenticated(settings: Settings) -> bool:
    if settings.auth == "header":
        return bool(request.headers.get(settings.auth_header, "").strip())
    if settings.auth == "basic":
        given = request.authorization
        if given is None or given.type != "basic":
            return False
        user, password = (given.username or "").encode(), (given.password or "").encode()
        # Compare with every pair, so the time taken does not tell which user exists.
        matches = [
            hmac.compare_digest(user, known_user.encode()) & hmac.compare_digest(password, known_password.encode())
            for known_user, known_password in settings.auth_users
        ]
        return any(matches)
    return True


def install(server: Flask, settings: Settings, script_hashes: list[str]) -> None:
    health_path = f"{settings.base_path}health"
    policy = content_security_policy(script_hashes, settings.frame_ancestors)

    @server.before_request
    def require_authentication():
        if settings.auth == "none" or request.path == health_path or is_authenticated(settings):
            return None
        if settings.auth == "basic":
            return Response(
                "Sign in to see the dashboard.\n",
                status=401,
                headers={"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'},
                mimetype="text/plain",
            )
        return Response(f"Sign in through the proxy ({settings.auth_header} is missing).\n", 401, mimetype="text/plain")

    @server.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("Cache-Control", "no-store" if request.path == health_path else "private")
        return response

    Compress(server)
