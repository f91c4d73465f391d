"""The data provider: the one place that knows where runs come from (the data path and the user's uploads).

It keeps a parse cache and a watch on the data files, which only save work: every gunicorn worker gives the same
answers.
"""

from __future__ import annotations

import logging

import pandas as pd

from components.config import Settings
from components.datawatch import DataWatch
from components.loader import (
    SUPPORTED_SUFFIXES,
    TIDY_DTYPES,
    LoadResult,
    ParseCache,
    concat_runs,
    empty_frame,
    load_path,
)

log = logging.getLogger(__name__)
UPLOADED_SUFFIX = " (uploaded)"


class DataProvider:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._cache = ParseCache(settings.limits)
        self._watch = DataWatch(settings.data_path, SUPPORTED_SUFFIXES)

    def signature(self) -> str:
        """The version of the data now (see components/datawatch.py): it changes when a data file does."""
        return self._watch.version()

    def load(self) -> LoadResult:
        """Every run under the data path now (from the cache when files are unchanged)."""
        return load_path(self.settings.data_path, self.settings.overall_convention, self._cache)

    def outcomes(self, run: str, step: int) -> tuple:
        """A checkpoint's per-prompt outcomes (components/outcomes.py), one per per-prompt file; () without any."""
        return self.load().outcomes.get((run, step), ())


def uploads_to_frame(uploads: dict | None) -> pd.DataFrame:
    """The tidy frame of runs the browser holds (see frame_to_upload)."""
    if not uploads:
        return empty_frame()
    frames = [pd.DataFrame(columns) for columns in uploads.values()]
    return concat_runs([frame.astype(TIDY_DTYPES) for frame in frames])


def frame_to_upload(frame: pd.DataFrame) -> dict:
    """A run's tidy frame as plain JSON columns, to keep in the browser (NaN gaps become null)."""
    values = [None if pd.isna(value) else float(value) for value in frame["value"]]
    return {
        "run": frame["run"].tolist(),
        "step": [int(step) for step in frame["step"]],
        "metric": frame["metric"].tolist(),
        "value": values,
    }


def upload_name(name: str, taken: set[str]) -> str:
    """A run name for an upload that never hides a run from the data path."""
    return name if name not in taken else f"{name}{UPLOADED_SUFFIX}"


def combine(result: LoadResult, uploads: dict | None) -> pd.DataFrame:
    """The runs from the data path followed by the user's uploaded runs."""
    uploaded = uploads_to_frame(uploads)
    if uploaded.empty:
        return result.frame
    return concat_runs([result.frame, uploaded])
