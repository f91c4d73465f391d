"""What every response of a deployed dashboard needs: authentication when it is on, security headers, compression,
and plain answers to requests that are not what the page sends.

install(server, settings, script_hashes, callback_map) adds them to the Flask server behind the Dash app. The
health check stays open so that a load balancer or Docker can ask it without credentials.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections import deque
from urllib.parse import urlsplit, urlunsplit

from dash.exceptions import DependencyException
from flask import Flask, Response, request
from flask_compress import Compress

from components.config import Settings

REALM = "RewardBench Dashboard"
log = logging.getLogger(__name__)
# Wrong passwords a guesser may send in a window before it is told to wait (per worker).
FAILED_LOGINS_ALLOWED = 10
FAILED_LOGIN_WINDOW_S = 60
_TRACKED_GUESSERS = 10_000  # beyond this many guessers with recent failures, the oldest are forgotten


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
        # Only the proxy that signs users in may name them: anyone else who reaches the port could set the header.
        return settings.trusts(request.remote_addr) and bool(request.headers.get(settings.auth_header, "").strip())
    if settings.auth == "basic":
        try:
            given = request.authorization
        except (UnicodeError, ValueError):  # bytes in the header that are not text: no credentials
            return False
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


class FailedLogins:
    """Wrong credentials per guesser (an address and a user name) over the last window, to slow guessing down. One
    per app (so per worker): it only throttles, and a guesser that moves between workers is throttled by each."""

    def __init__(self, allowed: int = FAILED_LOGINS_ALLOWED, window_s: float = FAILED_LOGIN_WINDOW_S) -> None:
        self.allowed, self.window_s = allowed, window_s
        self._failures: dict[str, deque] = {}

    def _recent(self, client: str, now: float) -> deque:
        failures = self._failures.get(client, deque())
        while failures and failures[0] < now - self.window_s:
            failures.popleft()
        return failures

    def wait_s(self, client: str, now: float | None = None) -> float:
        """How long ``client`` must wait before it may try again (0: it may)."""
        now = time.monotonic() if now is None else now
        failures = self._recent(client, now)
        return failures[0] + self.window_s - now if len(failures) >= self.allowed else 0.0

    def record(self, client: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        failures = self._recent(client, now)
        failures.append(now)
        self._failures.pop(client, None)
        self._failures[client] = failures
        while len(self._failures) > _TRACKED_GUESSERS:
            self._failures.pop(next(iter(self._failures)))


def _user_name() -> str:
    try:
        given = request.authorization
    except (UnicodeError, ValueError):
        return ""
    return (given.username or "") if given is not None else ""


def callback_problem(body, callback_map: dict) -> str | None:
    """What is wrong with a callback request's body, or None when it is one the page could have sent."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "no such callback output"
    for key in ("inputs", "state"):
        items = body.get(key, [])
        if not isinstance(items, list) or not all(isinstance(item, (dict, list)) for item in items):
            return f'"{key}" is not a list of inputs'
    if not isinstance(body.get("changedPropIds", []), list):
        return '"changedPropIds" is not a list'
    return None


def install(server: Flask, settings: Settings, script_hashes: list[str], callback_map: dict | None = None) -> None:
    health_path = f"{settings.base_path}health"
    update_path = f"{settings.base_path}_dash-update-component"
    policy = content_security_policy(script_hashes, settings.frame_ancestors)
    failed_logins = FailedLogins()
    # Werkzeug refuses a longer body with 413 before anything reads it.
    server.config["MAX_CONTENT_LENGTH"] = int(settings.request_limit_mb * 1024 * 1024)

    @server.before_request
    def require_authentication():
        if settings.auth == "none" or request.path == health_path:
            return None
        # Guesses are counted per address and user name: behind a proxy every user shares the proxy's address,
        # and one user's guesses must not lock the others out.
        guesser = f"{request.remote_addr} {_user_name()}"
        wait = failed_logins.wait_s(guesser) if settings.auth == "basic" else 0
        if wait > 0:
            return Response("Too many wrong sign-ins; try again shortly.\n", 429, mimetype="text/plain",
                            headers={"Retry-After": str(int(wait) + 1)})  # fmt: skip
        if is_authenticated(settings):
            return None
        if settings.auth == "basic":
            if request.headers.get("Authorization"):
                failed_logins.record(guesser)
            return Response(
                "Sign in to see the dashboard.\n",
                status=401,
                headers={"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'},
                mimetype="text/plain",
            )
        return Response("Sign in through your organisation's sign-in proxy.\n", 401, mimetype="text/plain")

    @server.errorhandler(413)
    def too_large(_error):
        limit = f"{settings.request_limit_mb:g} MB"
        return Response(f"The request is over {limit} (REWARDBENCH_REQUEST_LIMIT_MB).\n", 413, mimetype="text/plain")

    @server.errorhandler(DependencyException)
    def unknown_script(_error):
        return Response("Not found.\n", 404, mimetype="text/plain")

    @server.errorhandler(RecursionError)
    def nested_too_deeply(_error):
        return Response("The request is nested too deeply.\n", 400, mimetype="text/plain")

    @server.errorhandler(Exception)
    def failed(error):
        # A callback request the page could not have sent is the client's error; anything else is a bug, logged.
        if request.path == update_path and callback_map is not None:
            problem = callback_problem(request.get_json(silent=True), callback_map)
            if problem is not None:
                return Response(f"Not a callback request: {problem}.\n", 400, mimetype="text/plain")
        if hasattr(error, "code") and hasattr(error, "get_response"):  # an HTTP error Flask raised itself
            return error
        log.exception("request %s failed", request.path)
        return Response("The server could not answer this request.\n", 500, mimetype="text/plain")

    @server.after_request
    def add_security_headers(response: Response) -> Response:
        location = response.headers.get("Location")
        if location:
            # A redirect names a path only: the Host header is the client's to choose, never to be echoed back.
            parts = urlsplit(location)
            relative = urlunsplit(("", "", parts.path, parts.query, parts.fragment))
            response.headers["Location"] = relative
            if 300 <= response.status_code < 400:
                response.set_data(f"Redirecting to {relative}\n")
                response.mimetype = "text/plain"
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("Cache-Control", "no-store" if request.path == health_path else "private")
        return response

    Compress(server)
