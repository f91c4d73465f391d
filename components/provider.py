"""The data provider: the one place that knows where runs come from (the data path and the user's uploads).

It keeps a parse cache and a watch on the data files, which only save work: every gunicorn worker gives the same
answers.
"""

from __future__ import annotations

import logging

import pandas as pd

from components.compare import Comparison, compare_outcomes, compare_summaries
from components.config import Settings
from components.datawatch import DataWatch
from components.formats.base import DataError
from components.intervals import bootstrap, checkpoints_bounds, difference_bounds, interval_frame
from components.loader import (
    SUMMARIES,
    SUPPORTED_SUFFIXES,
    LoadResult,
    ParseCache,
    concat_runs,
    load_path,
    parse_bytes,
    renamed_attrs,
)
from components.references import Reference, references_from
from components.uploads import UploadStore, default_directory

log = logging.getLogger(__name__)
INTERVALS_KEPT = 8  # views' interval frames kept per worker
BOUNDS_KEPT = 4096  # checkpoints' bootstrap intervals kept per worker, the oldest dropped first
UPLOADED_SUFFIX = " (uploaded)"


class DataProvider:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._cache = ParseCache(settings.limits)
        self._reference_cache = ParseCache(settings.limits)
        self._reference_watch = DataWatch(settings.references, SUPPORTED_SUFFIXES) if settings.references else None
        self._watch = DataWatch(settings.data_path, SUPPORTED_SUFFIXES)
        self.uploads = UploadStore(
            settings.upload_dir or default_directory(),
            int(settings.upload_store_mb * 1024 * 1024),
            settings.upload_hours * 3600,
        )
        self._bounds: dict[tuple, dict] = {}  # (a checkpoint's outcomes, level) -> its bootstrap intervals
        self._differences: dict[tuple, dict | None] = {}  # (outcomes of A, of B, level) -> paired B - A
        self._intervals: dict[tuple, tuple] = {}  # interval_frame's answers: key -> (frame, outcomes, intervals)
        self._references: dict[tuple, tuple] = {}  # (the references' version, level) -> references()
        self._comparisons: dict[tuple, Comparison | None] = {}  # (outcomes of A, of B, level) -> compare_outcomes

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

    def intervals(self, frame: pd.DataFrame, runs, level: int, metrics=None) -> pd.DataFrame:
        """The intervals of the scores of ``runs`` in ``frame`` (of ``metrics``, or every one; components/
        intervals.py interval_frame): from the bounds their files carry, per-prompt outcomes, or RewardBench
        summaries. The chart, the tables and the downloads ask for the same ones after a change: the last few are
        kept while the frame is the same object (the loader's, while no file changed)."""
        outcomes = self.load().outcomes
        key = (id(frame), id(outcomes), tuple(runs), level, None if metrics is None else tuple(metrics))
        kept = self._intervals.get(key)
        if kept is not None and kept[0] is frame and kept[1] is outcomes:
            return kept[2]
        found = interval_frame(
            frame,
            runs,
            level,
            outcomes=outcomes,
            bounds_of=self._bounds_of,
            summary_runs=frame.attrs.get(SUMMARIES, {}),
            convention=self.settings.overall_convention,
            metrics=metrics,
        )
        _keep(self._intervals, key, (frame, outcomes, found), INTERVALS_KEPT)
        return found

    def _bounds_of(self, checkpoints: list[tuple], level: int) -> list[dict]:
        # A checkpoint's outcomes stay the same objects while its files are unchanged (the parse cache), so its
        # bootstrap is worked out once per level.
        missing = [kept for kept in checkpoints if (kept, level) not in self._bounds]
        worked_out = checkpoints_bounds(missing, level, self.settings.overall_convention)
        found = {kept: bounds for kept, bounds in zip(missing, worked_out, strict=True)}
        for kept, bounds in found.items():
            _keep(self._bounds, (kept, level), bounds, BOUNDS_KEPT)
        return [found.get(kept) or self._bounds.get((kept, level)) or {} for kept in checkpoints]

    def references(self, level: int) -> tuple[list[Reference], tuple[str, ...]]:
        """The reference lines (REWARDBENCH_REFERENCES / --references) with their intervals at ``level``, and what
        could not be read of them (each a message naming the file); none without references."""
        if self._reference_watch is None:
            return [], ()
        # Every chart callback and zoom asks: the answer is kept while the references' files are unchanged.
        key = (self._reference_watch.version(), level)
        if key not in self._references:
            _keep(self._references, key, self._read_references(level), INTERVALS_KEPT)
        return self._references[key]

    def _read_references(self, level: int) -> tuple[list[Reference], tuple[str, ...]]:
        try:
            result = load_path(self.settings.references, self.settings.overall_convention, self._reference_cache)
        except DataError as error:
            return [], (f"references: {error}",)
        runs = list(result.frame["run"].cat.categories) if len(result.frame) else []
        intervals = interval_frame(result.frame, runs, level, outcomes=result.outcomes, bounds_of=self._bounds_of,
                                   summary_runs=result.frame.attrs.get(SUMMARIES, {}),
                                   convention=self.settings.overall_convention)  # fmt: skip
        return references_from(result.frame, intervals), tuple(f"references: {p}" for p in result.problems)

    def paired_differences(self):
        """A function (run_a, step_a, run_b, step_b, level) -> B - A for every score both checkpoints have, paired
        on their prompts, {metric: (lo, hi, p)} in points, or None unless both have per-prompt outcomes on the same
        prompts. The checkpoints are those loaded now: a caller asks many pairs of one load."""
        outcomes = self.load().outcomes

        def difference(run_a: str, step_a: int, run_b: str, step_b: int, level: int) -> dict | None:
            first, second = outcomes.get((run_a, step_a)), outcomes.get((run_b, step_b))
            if not first or not second:
                return None
            key = (first, second, level)
            if key not in self._differences:
                replicates = bootstrap([second, first], self.settings.overall_convention)
                found = None if replicates is None else difference_bounds(*replicates, level)
                points = (
                    None
                    if found is None
                    else {metric: (lo * 100, hi * 100, p) for metric, (lo, hi, p) in found.items()}
                )
                _keep(self._differences, key, points, BOUNDS_KEPT)
            return self._differences[key]

        return difference

    def paired_change(self, level: int):
        """The change from a run's first to its last step shown, paired (summary_rows' ``paired_change``)."""
        difference = self.paired_differences()
        return lambda run, first, last: difference(run, first, run, last, level)

    def comparison(self, frame: pd.DataFrame, a: tuple[str, int], b: tuple[str, int], level: int) -> Comparison:
        """Checkpoints ``a`` and ``b`` ((run, step) in ``frame``) compared: paired on the prompts they share when
        both have per-prompt outcomes (kept per pair of outcomes and level), else from their own intervals."""
        outcomes = self.load().outcomes
        first, second = outcomes.get(a), outcomes.get(b)
        if first and second:
            key = (first, second, level)
            if key not in self._comparisons:
                found = compare_outcomes(first, second, level, self.settings.overall_convention)
                _keep(self._comparisons, key, found, INTERVALS_KEPT)
            if self._comparisons[key] is not None:
                return self._comparisons[key]
        because = "they share no prompts" if first and second else "not both have per-prompt files"
        return compare_summaries(frame, self.intervals(frame, sorted({a[0], b[0]}), level), a, b, level, because)

    def outcomes(self, run: str, step: int) -> tuple:
        """A checkpoint's per-prompt outcomes (components/outcomes.py), one per per-prompt file; () without any."""
        return self.load().outcomes.get((run, step), ())


def _keep(store: dict, key, value, most: int) -> None:
    """``store[key] = value``, dropping the oldest entries beyond ``most``."""
    store[key] = value
    while len(store) > most:
        store.pop(next(iter(store)))


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
