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
    LoadResult,
    ParseCache,
    concat_runs,
    load_path,
    parse_bytes,
    renamed_attrs,
)
from components.uploads import UploadStore, default_directory

log = logging.getLogger(__name__)
UPLOADED_SUFFIX = " (uploaded)"


class DataProvider:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._cache = ParseCache(settings.limits)
        self._watch = DataWatch(settings.data_path, SUPPORTED_SUFFIXES)
        self.uploads = UploadStore(
            settings.upload_dir or default_directory(),
            int(settings.upload_store_mb * 1024 * 1024),
            settings.upload_hours * 3600,
        )

    def signature(self) -> str:
        """The version of the data now (see components/datawatch.py): it changes when a data file does."""
        return self._watch.version()

    def load(self) -> LoadResult:
        """Every run under the data path now (from the cache when files are unchanged)."""
        return load_path(self.settings.data_path, self.settings.overall_convention, self._cache)

    def frame(self, uploads: list | None) -> pd.DataFrame:
        """The runs from the data path followed by the user's uploads (the entries the browser holds:
        features/upload.py). Raises UploadMissing for uploads this server does not hold, DataError when the data
        path cannot be read."""
        result = self.load()
        entries = kept_entries(uploads)
        if not entries:
            return result.frame
        frames = self.uploads.frames([entry["token"] for entry in entries], self.parse_upload)
        named = [renamed(frame, dict(entry.get("runs") or ())) for frame, entry in zip(frames, entries, strict=True)]
        return concat_runs([result.frame, *named])

    def parse_upload(self, filename: str, raw: bytes) -> pd.DataFrame:
        frame, _ = parse_bytes(filename, raw, self.settings.overall_convention, limits=self.settings.limits)
        return frame

    def outcomes(self, run: str, step: int) -> tuple:
        """A checkpoint's per-prompt outcomes (components/outcomes.py), one per per-prompt file; () without any."""
        return self.load().outcomes.get((run, step), ())


def upload_name(name: str, taken: set[str]) -> str:
    """A run name for an upload that never hides a run from the data path."""
    return name if name not in taken else f"{name}{UPLOADED_SUFFIX}"


def renamed(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """``frame`` with its runs named as the upload's entry says (see features/upload.py)."""
    if all(old == new for old, new in names.items()):
        return frame
    result = frame.assign(run=pd.Categorical(frame["run"].astype(str).map(lambda run: names.get(run, run))))
    result.attrs = renamed_attrs(frame.attrs, names)
    return result


def kept_entries(uploads) -> list[dict]:
    """The browser's entries that have the shape entry_for gives (a crafted one is dropped)."""
    return [
        entry
        for entry in uploads or ()
        if isinstance(entry, dict)
        and isinstance(entry.get("token"), str)
        and all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(n, str) for n in pair)
            for pair in entry.get("runs") or ()
        )  # fmt: skip
    ]


def upload_tokens(uploads) -> list[str]:
    """The tokens of the uploads the browser holds, in order: what the runs drawn from them depend on."""
    return [entry["token"] for entry in kept_entries(uploads)]
