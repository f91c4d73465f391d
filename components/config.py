"""Settings: every knob of the app in one place, read from the environment and checked at start-up."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from components.scoring import LEADERBOARD, OVERALL_CONVENTIONS

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHIPPED_RUN = PROJECT_DIR / "data" / "seed-run.csv"
DATA_ENV_VAR = "REWARDBENCH_DATA"


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

    def __post_init__(self) -> None:
        for name, check in (
            ("reload_seconds", _reload_seconds),
            ("upload_limit_mb", _upload_limit),
            ("overall_convention", _convention),
        ):
            try:
                check(getattr(self, name))
            except ValueError as error:
                raise ConfigError(f"{name}={getattr(self, name)!r}: {error}") from None

    @property
    def upload_limit_bytes(self) -> int:
        return int(self.upload_limit_mb * 1024 * 1024)

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

        return cls(
            data_path=read(DATA_ENV_VAR, lambda raw: Path(raw).expanduser(), SHIPPED_RUN),
            reload_seconds=read("REWARDBENCH_RELOAD_SECONDS", lambda raw: _reload_seconds(_number(raw)), 10.0),
            upload_limit_mb=read("REWARDBENCH_UPLOAD_LIMIT_MB", lambda raw: _upload_limit(_number(raw)), 20.0),
            overall_convention=read("REWARDBENCH_OVERALL", lambda raw: _convention(raw.lower()), LEADERBOARD),
        )
