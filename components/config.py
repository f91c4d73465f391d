"""Settings: every knob of the app in one place, read from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHIPPED_RUN = PROJECT_DIR / "data" / "seed-run.csv"
DATA_ENV_VAR = "REWARDBENCH_DATA"


@dataclass(frozen=True)
class Settings:
    data_path: Path = SHIPPED_RUN

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        data = environ.get(DATA_ENV_VAR, "").strip()
        return cls(data_path=Path(data).expanduser() if data else SHIPPED_RUN)
