"""Settings: every knob of the app in one place, read from the environment and checked at start-up."""

from __future__ import annotations

import ipaddress
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from components.formats.base import Limits
from components.scoring import LEADERBOARD, OVERALL_CONVENTIONS

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHIPPED_RUN = PROJECT_DIR / "data" / "seed-run.csv"
DATA_ENV_VAR = "REWARDBENCH_DATA"
AUTH_MODES = ("none", "basic", "header")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_WORKERS = min(2 * (os.cpu_count() or 1) + 1, 4)


class ConfigError(ValueError):
    """A setting that cannot be used; the message names the setting and what is wrong."""


def _number(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("not a number") from None
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def _reload_seconds(value: float) -> float:
    if value < 0:
        raise ValueError("must be 0 (live reload off) or a number of seconds")
    return value


def _upload_limit(value: float) -> float:
    if value <= 0:
        raise ValueError("must be a size in MB above 0")
    return value


def _hours(value: float) -> float:
    if value <= 0:
        raise ValueError("must be a number of hours above 0")
    return value


def _base_path(value: str) -> str:
    """A URL prefix such as /tools/rewardbench/: starts and ends with a slash."""
    path = "/" + value.strip("/") + "/" if value.strip("/") else "/"
    if not re.fullmatch(r"/([A-Za-z0-9._~-]+/)*", path):
        raise ValueError("expected a URL path such as /tools/rewardbench/")
    return path


def _auth(value: str) -> str:
    if value not in AUTH_MODES:
        raise ValueError(f"expected one of {', '.join(AUTH_MODES)}")
    return value


def _log_level(value: str) -> str:
    if value.upper() not in LOG_LEVELS:
        raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}")
    return value.upper()


def _whole(value: object, low: int, high: float, expected: str) -> int:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number or value != int(value) or not low <= value <= high:
        raise ValueError(expected)
    return int(value)


def _workers(value: object) -> int:
    return _whole(value, 1, 64, "expected a whole number of workers from 1 to 64")


def _bind(raw: str) -> str:
    host, separator, port = raw.rpartition(":")
    if not separator or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError("expected host:port, such as 0.0.0.0:8050")
    return raw


# A CSP source list (CSP level 3, "source-expression"): 'none', 'self', schemes and hosts; nothing that could end the
# directive (';') or start another.
_SOURCE = re.compile(
    r"'self'|[A-Za-z][A-Za-z0-9+.-]*:|([A-Za-z][A-Za-z0-9+.-]*://)?(\*\.)?[A-Za-z0-9.-]+(:(\d+|\*))?(/[^\s;,']*)?"
)


def _frame_ancestors(raw: str) -> str:
    sources = raw.split()
    if sources == ["'none'"] or (sources and all(_SOURCE.fullmatch(source) for source in sources)):
        return " ".join(sources)
    raise ValueError("expected 'none', 'self' or origins separated by spaces, such as https://intranet.example")


def _credentials(raw: str) -> tuple[tuple[str, str], ...]:
    """user:password pairs, separated by commas or new lines (a password may contain ':')."""
    pairs = []
    for entry in re.split(r"[,\n]", raw):
        entry = entry.strip()
        if not entry or entry.startswith("#"):
            continue
        user, separator, password = entry.partition(":")
        if not separator or not user or not password:
            raise ValueError("expected user:password pairs separated by commas or new lines")
        pairs.append((user, password))
    return tuple(pairs)


def _yes_or_no(raw: str) -> bool:
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def _count(value: object) -> int:
    return _whole(value, 1, math.inf, "expected a whole number above 0")


def _networks(raw: str) -> tuple[str, ...]:
    """Addresses or networks (10.0.0.0/8), comma-separated."""
    networks = []
    for entry in raw.split(","):
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError:
            raise ValueError(f"{entry!r} is not an address or network such as 10.0.0.5 or 10.0.0.0/8") from None
    return tuple(networks)


def _convention(value: str) -> str:
    if value not in OVERALL_CONVENTIONS:
        raise ValueError(f"expected one of {', '.join(OVERALL_CONVENTIONS)}")
    return value


@dataclass(frozen=True)
class Settings:
    data_path: Path = SHIPPED_RUN
    reload_seconds: float = 10.0
    upload_limit_mb: float = 20.0
    overall_convention: str = LEADERBOARD
    base_path: str = "/"
    auth: str = "none"
    auth_users: tuple[tuple[str, str], ...] = ()
    auth_header: str = "X-Forwarded-User"
    frame_ancestors: str = "'none'"
    log_level: str = "INFO"
    workers: int = DEFAULT_WORKERS
    bind: str = "127.0.0.1:8050"
    trusted_proxies: tuple[str, ...] = ("127.0.0.1/32", "::1/128")
    request_limit_mb: float = 64.0
    upload_max_points: int = 200_000
    max_runs_per_file: int = 1000
    max_name_length: int = 200
    max_file_mb: float = 64.0
    max_points: int = 5_000_000
    follow_links_out: bool = False
    upload_dir: Path | None = None  # None: a folder of the system's temporary directory (components/uploads.py)
    upload_hours: float = 24.0
    upload_store_mb: float = 512.0
    private_hooks: bool = True
    references: Path | None = None  # result files drawn as horizontal lines in every panel (components/references.py)

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "base_path", _base_path(self.base_path))
        except ValueError as error:
            raise ConfigError(f"base_path={self.base_path!r}: {error}") from None
        # Checked here, not only when read from the environment: Settings(...) in code or tests is held to the same.
        for name, check in (
            ("reload_seconds", _reload_seconds),
            ("upload_limit_mb", _upload_limit),
            ("overall_convention", _convention),
            ("auth", _auth),
            ("log_level", _log_level),
            ("workers", _workers),
            ("bind", _bind),
            ("frame_ancestors", _frame_ancestors),
            ("trusted_proxies", lambda networks: _networks(",".join(networks))),
            ("request_limit_mb", _upload_limit),
            ("upload_max_points", _count),
            ("max_runs_per_file", _count),
            ("max_name_length", _count),
            ("max_file_mb", _upload_limit),
            ("max_points", _count),
            ("upload_hours", _hours),
            ("upload_store_mb", _upload_limit),
        ):
            try:
                check(getattr(self, name))
            except (ValueError, TypeError) as error:
                raise ConfigError(f"{name}={getattr(self, name)!r}: {error}") from None
        if not re.fullmatch(r"[A-Za-z0-9-]+", self.auth_header):
            raise ConfigError(
                f"auth_header={self.auth_header!r}: use letters, digits and hyphens (X-Remote-User); gunicorn drops "
                "header names with underscores, while a client's own X-Remote-User would arrive under the same name"
            )
        if self.auth == "basic" and not self.auth_users:
            raise ConfigError(
                "REWARDBENCH_AUTH=basic needs credentials: set REWARDBENCH_AUTH_USERS or REWARDBENCH_AUTH_FILE"
            )

    @property
    def upload_limit_bytes(self) -> int:
        return int(self.upload_limit_mb * 1024 * 1024)

    @property
    def limits(self) -> Limits:
        return Limits(
            self.max_runs_per_file, self.max_name_length, self.max_file_mb, self.max_points, self.follow_links_out
        )

    def trusts(self, address: str | None) -> bool:
        """Whether a request from ``address`` may carry the signed-in user's header (REWARDBENCH_TRUSTED_PROXIES)."""
        try:
            client = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(client in ipaddress.ip_network(network) for network in self.trusted_proxies)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from REWARDBENCH_* variables; unset or empty ones keep their defaults."""
        environ = os.environ if environ is None else environ

        def read(name: str, parse: Callable[[str], object], default):
            raw = environ.get(name, "").strip()
            if not raw:
                return default
            try:
                return parse(raw)
            except ValueError as error:
                raise ConfigError(f"{name}={raw!r}: {error}") from None

        def credentials_file(raw: str):
            try:
                return _credentials(Path(raw).expanduser().read_text(encoding="utf-8"))
            except OSError as error:
                raise ValueError(f"cannot be read ({error.strerror})") from None

        users = read("REWARDBENCH_AUTH_USERS", _credentials, ()) + read("REWARDBENCH_AUTH_FILE", credentials_file, ())
        return cls(
            data_path=read(DATA_ENV_VAR, lambda raw: Path(raw).expanduser(), SHIPPED_RUN),
            reload_seconds=read("REWARDBENCH_RELOAD_SECONDS", lambda raw: _reload_seconds(_number(raw)), 10.0),
            upload_limit_mb=read("REWARDBENCH_UPLOAD_LIMIT_MB", lambda raw: _upload_limit(_number(raw)), 20.0),
            overall_convention=read("REWARDBENCH_OVERALL", lambda raw: _convention(raw.lower()), LEADERBOARD),
            base_path=read("REWARDBENCH_BASE_PATH", _base_path, "/"),
            auth=read("REWARDBENCH_AUTH", lambda raw: _auth(raw.lower()), "none"),
            auth_users=users,
            auth_header=read("REWARDBENCH_AUTH_HEADER", lambda raw: raw, "X-Forwarded-User"),
            frame_ancestors=read("REWARDBENCH_FRAME_ANCESTORS", _frame_ancestors, "'none'"),
            log_level=read("REWARDBENCH_LOG_LEVEL", _log_level, "INFO"),
            workers=read("REWARDBENCH_WORKERS", lambda raw: _workers(_number(raw)), DEFAULT_WORKERS),
            bind=read("REWARDBENCH_BIND", _bind, "127.0.0.1:8050"),
            trusted_proxies=read("REWARDBENCH_TRUSTED_PROXIES", _networks, ("127.0.0.1/32", "::1/128")),
            request_limit_mb=read("REWARDBENCH_REQUEST_LIMIT_MB", lambda raw: _upload_limit(_number(raw)), 64.0),
            upload_max_points=read("REWARDBENCH_UPLOAD_MAX_POINTS", lambda raw: _count(_number(raw)), 200_000),
            max_runs_per_file=read("REWARDBENCH_MAX_RUNS_PER_FILE", lambda raw: _count(_number(raw)), 1000),
            max_name_length=read("REWARDBENCH_MAX_NAME_LENGTH", lambda raw: _count(_number(raw)), 200),
            max_file_mb=read("REWARDBENCH_MAX_FILE_MB", lambda raw: _upload_limit(_number(raw)), 64.0),
            max_points=read("REWARDBENCH_MAX_POINTS", lambda raw: _count(_number(raw)), 5_000_000),
            follow_links_out=read("REWARDBENCH_FOLLOW_LINKS_OUT", _yes_or_no, False),
            upload_dir=read("REWARDBENCH_UPLOAD_DIR", lambda raw: Path(raw).expanduser(), None),
            upload_hours=read("REWARDBENCH_UPLOAD_HOURS", lambda raw: _hours(_number(raw)), 24.0),
            upload_store_mb=read("REWARDBENCH_UPLOAD_STORE_MB", lambda raw: _upload_limit(_number(raw)), 512.0),
            private_hooks=read("REWARDBENCH_PRIVATE_HOOKS", _yes_or_no, True),
            references=read("REWARDBENCH_REFERENCES", lambda raw: Path(raw).expanduser(), None),
        )
