"""Data files -> one tidy DataFrame (run, step, metric, value), with the per-prompt outcomes beside it.

A data path is a run file or a directory, walked down as far as the files are (components/discovery.py). Each file
is read by the format that claims it (components/formats/: users' CSV, TSV and JSON Lines logs; RewardBench's
summaries and per-prompt files), and RewardBench's results are put together into runs by where the tools wrote
them (components/resultpaths.py, components/checkpoints.py).

Every problem is a DataError whose message says where (file, line or key) and what is wrong. Reading a
directory never stops at a bad file: the file is listed in LoadResult.problems and every other run still loads.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath

import numpy as np
import pandas as pd

from components import formats
from components.checkpoints import Runs, assemble
from components.datawatch import DATA_DEPTH, scan
from components.discovery import discover, no_runs_message, shown_path, skip_reason
from components.formats.base import (
    DEFAULT_LIMITS,
    DataError,
    Evaluation,
    Limits,
    RunTables,
    Source,
    Table,
    display_text,
    first_row,
    quoted,
)
from components.metrics import BOUND_WORDS, bound_parts, is_score, metric_sort_key
from components.outcomes import PromptSets
from components.resultpaths import TARGETS, ResultPath, model_parts, model_result_path, result_path
from components.scoring import LEADERBOARD, add_derived_scores

__all__ = ["DataError", "LoadResult", "ParseCache", "load_path", "load_run", "parse_bytes", "read_file"]

TIDY_COLUMNS = ("run", "step", "metric", "value")
TIDY_DTYPES = {"run": "category", "step": "int64", "metric": "category", "value": "float64"}
# The frame's attrs[FINALS] maps a run to the step its final model is drawn at (a result without a step in its
# path): the chart labels that point "final". pandas carries attrs through filters, sorts and groups.
FINALS = "finals"
# attrs[SUMMARIES] maps each run read from RewardBench's result files to True: its scores are accuracies over the
# benchmark's prompts, so their sampling error can be estimated from the prompt counts (components/intervals.py).
SUMMARIES = "summaries"
RUN_ATTRS = (FINALS, SUMMARIES)  # attrs keyed by run name


def run_attrs(frames: list[pd.DataFrame]) -> dict:
    """The per-run attrs of ``frames``, merged."""
    merged = {key: {run: value for frame in frames for run, value in frame.attrs.get(key, {}).items()}
              for key in RUN_ATTRS}  # fmt: skip
    return {key: value for key, value in merged.items() if value}


def renamed_attrs(attrs: dict, names: Mapping[str, str]) -> dict:
    """Per-run attrs with runs renamed as ``names`` says (others as they are)."""
    return {key: {names.get(run, run): value for run, value in attrs[key].items()} for key in RUN_ATTRS
            if attrs.get(key)}  # fmt: skip


SUPPORTED_SUFFIXES = formats.SUFFIXES


@dataclass(frozen=True)
class LoadResult:
    """Every run found under a data path, plus what could not be read and what the user should know.

    ``outcomes`` holds each checkpoint's per-prompt outcomes (components/outcomes.py) by (run, step), for the
    checkpoints that have per-prompt files; ``finals`` the step at which a run's final model is drawn (as the
    frame's attrs[FINALS])."""

    frame: pd.DataFrame
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    outcomes: Mapping[tuple[str, int], tuple] = field(default_factory=dict)
    finals: Mapping[str, int] = field(default_factory=dict)


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "run": pd.Categorical([]),
            "step": pd.Series(dtype="int64"),
            "metric": pd.Categorical([]),
            "value": pd.Series(dtype="float64"),
        }
    )


def concat_runs(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Tidy frames one after the other. Run and metric names stay categorical: a million rows name a few hundred
    runs and a dozen metrics, and codes are far smaller and faster to build and compare than strings."""
    frames = [frame for frame in frames if len(frame)]
    if not frames:
        return empty_frame()
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    combined = pd.DataFrame(
        {
            "run": _concat_categorical([frame["run"] for frame in frames]),
            "step": np.concatenate([frame["step"].to_numpy(dtype="int64") for frame in frames]),
            "metric": _concat_categorical([frame["metric"] for frame in frames]),
            "value": np.concatenate([frame["value"].to_numpy(dtype="float64") for frame in frames]),
        }
    )
    combined.attrs.update(run_attrs(frames))
    return combined


def _concat_categorical(columns: list[pd.Series]) -> pd.Categorical:
    # union_categoricals checks every input's categories again; here each input's codes are mapped onto the union.
    parts = [pd.Categorical(column) for column in columns]
    names: dict[str, int] = {}
    for part in parts:
        for name in part.categories:
            names.setdefault(name, len(names))
    codes = [np.array([names[name] for name in part.categories], dtype="int32")[part.codes] for part in parts]
    return pd.Categorical.from_codes(np.concatenate(codes), pd.Index(list(names), dtype=object), validate=False)


# ---------------------------------------------------------------------------------------------------------------
# Entry points


def load_run(path: str | Path, convention: str = LEADERBOARD) -> pd.DataFrame:
    """Every run in one file, as a tidy frame; raises DataError when the file cannot be used."""
    return read_file(Path(path), convention)[0]


def read_file(path: Path, convention: str = LEADERBOARD) -> tuple[pd.DataFrame, list[str]]:
    """Every run in one file, and notes for the user; raises DataError when the file cannot be used."""
    if path.is_dir():
        raise DataError(f"{path}: is a directory; expected a run file")
    result = load_path(path, convention)
    return result.frame, list(result.notes)


def parse_bytes(
    filename: str, raw: bytes, convention: str = LEADERBOARD, where: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[pd.DataFrame, list[str]]:
    """Parse a file's bytes (an upload): a run file is named after ``filename``; a RewardBench result goes by its
    "model" key (--model as the tool was given it) or, without one, by ``filename``."""
    source = Source(filename=filename, where=display_text(where or filename), raw=raw, limits=limits)
    try:
        parsed = formats.parse(source)
    except DataError as error:
        raise DataError(display_text(error)) from None
    if isinstance(parsed, RunTables):
        frame, notes = _run_tables_frame(source.where, parsed, convention, limits)
        return frame, [display_text(note) for note in notes]
    stem = filename[: filename.rfind(".")] if "." in filename else filename
    placed = (
        model_result_path(parsed.model, stem) if parsed.model else result_path(model_parts(PurePath(filename)), stem)
    )
    runs = assemble([(placed, parsed)])
    return _runs_frame(runs, convention, limits), [display_text(note) for note in runs.notes]


def load_path(path: str | Path, convention: str = LEADERBOARD, cache: ParseCache | None = None) -> LoadResult:
    """Every run under a data path (a run file, a run directory, or a directory of runs).

    Raises DataError only when the path itself cannot be used (missing, unreadable, or a broken single file).
    """
    path = Path(path)
    cache = cache or ParseCache()
    if not path.exists():
        raise DataError(f"{path}: no such file or directory")
    if path.is_file():
        reason = skip_reason(path)
        if reason is not None:
            raise DataError(display_text(f"{path}: not read: {reason}"))
        return _shown(_load_files(path.parent, [path], convention, cache, single=True))
    load = lambda: _load_directory(path, convention, cache)  # noqa: E731
    # The whole directory's result is cached too: an unchanged directory costs one listing, not a concat.
    return cache.get("directory", path, _tree_signature(path), load, convention)


class ParseCache:
    """Parsed files by path, reused while the files' sizes and modification times are unchanged, and the prompts
    of per-prompt files (shared by every checkpoint evaluated on the same prompts).

    One per app (so per gunicorn worker); it only saves work: every worker computes the same answers.
    """

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self._entries: dict[tuple[str, Path, str], tuple[object, object]] = {}
        self.prompt_sets = PromptSets()
        self.limits = limits

    def get(self, kind: str, path: Path, signature, parse: Callable[[], object], convention: str):
        """``parse()``'s result for a ``kind`` of entry ("file", "frame", "directory") at ``path``, parsed again
        only when ``signature`` (sizes and modification times, or the parsed file) differs from the cached one."""
        key = (kind, path, convention)
        cached = self._entries.get(key)
        if cached is not None and (cached[0] is signature or cached[0] == signature):
            return cached[1]
        result = parse()
        self._entries[key] = (signature, result)
        return result


# ---------------------------------------------------------------------------------------------------------------
# Files and directories


def _load_directory(root: Path, convention: str, cache: ParseCache) -> LoadResult:
    found = discover(root, cache.limits.follow_links_out)
    result = _load_files(root, found.files, convention, cache)
    notes = [*found.notes, *result.notes]
    if result.frame.empty and not result.problems:
        notes.insert(0, no_runs_message(root, found))
    return _shown(LoadResult(result.frame, (*found.problems, *result.problems), tuple(notes), result.outcomes,
                             result.finals))  # fmt: skip


def _shown(result: LoadResult) -> LoadResult:
    """``result`` with every message as it may be shown and logged (file names that are not UTF-8, line breaks:
    components/formats/base.py display_text). Done once, where a result leaves the loader."""
    problems = tuple(display_text(problem) for problem in result.problems)
    return replace(result, problems=problems, notes=tuple(display_text(note) for note in result.notes))


def _load_files(root: Path, files: list[Path], convention: str, cache: ParseCache, single: bool = False):
    """Every file's runs; RewardBench's results are put together by where they were written. With ``single``,
    the one file's problem is raised rather than listed."""
    frames: list[pd.DataFrame] = []
    problems: list[str] = []
    notes: list[str] = []
    placed: list[tuple[ResultPath, Evaluation]] = []
    for path in files:
        where = str(path) if single else shown_path(root, path)
        try:
            parsed = cache.get(
                "file", path, _file_signature(path, where), lambda p=path, w=where: _parse_file(p, w, cache), ""
            )
        except DataError as error:
            if single:
                raise DataError(display_text(error)) from None
            problems.append(str(error))
            continue
        if isinstance(parsed, RunTables):
            try:
                frame, file_notes = cache.get(
                    "frame", path, parsed,
                    lambda p=parsed, w=where: _run_tables_frame(w, p, convention, cache.limits), convention,
                )  # fmt: skip
            except DataError as error:
                if single:
                    raise DataError(display_text(error)) from None
                problems.append(str(error))
                continue
            frames.append(frame)
            notes.extend(file_notes)
        else:
            placed.append((_placement(root, path), parsed))
    runs = assemble(placed)
    frame, clash_notes = _combine([*frames, _runs_frame(runs, convention, cache.limits)])
    frame, cut = _within_points(frame, cache.limits.max_points)
    problems.extend(cut)
    notes = (*notes, *runs.notes, *clash_notes)
    return LoadResult(frame, tuple(problems), notes, runs.outcomes, frame.attrs.get(FINALS, {}))


def _parse_file(path: Path, where: str, cache: ParseCache) -> RunTables | Evaluation:
    source = Source(filename=path.name, where=where, raw=_read_bytes(path, cache.limits, where), limits=cache.limits)
    return formats.parse(source, cache.prompt_sets.intern)


def _within_points(frame: pd.DataFrame, max_points: int) -> tuple[pd.DataFrame, list[str]]:
    """The runs that fit in ``max_points`` rows, in order, and a problem naming how many were left out."""
    if len(frame) <= max_points:
        return frame, []
    sizes = frame.groupby("run", sort=False, observed=True).size()
    kept = sizes[sizes.cumsum() <= max_points].index
    left_out = len(sizes) - len(kept)
    message = (
        f"the data path holds {len(frame):,} points in {len(sizes):,} runs; the first {len(kept):,} runs are shown "
        f"and {left_out:,} left out, to stay within {max_points:,} points (REWARDBENCH_MAX_POINTS)"
    )
    bounded = frame[frame["run"].isin(kept)].reset_index(drop=True)
    bounded["run"] = bounded["run"].cat.remove_unused_categories()
    return bounded, [message]


def _placement(root: Path, path: Path) -> ResultPath:
    """Where a result belongs: by its path below results/<target>/ when it has one, else below the data path."""
    absolute = path.absolute()
    below_target = any(part in TARGETS for part in absolute.parts[:-1])
    parts = absolute.parts if below_target else path.relative_to(root).parts
    return result_path(model_parts(PurePath(*parts)), root.absolute().name)


def _read_bytes(path: Path, limits: Limits, where: str) -> bytes:
    if not path.exists():
        raise DataError(f"{where}: no such file")
    if path.is_dir():
        raise DataError(f"{where}: is a directory; expected a run file")
    try:
        size = path.stat().st_size
        if size > limits.max_file_mb * 1024 * 1024:
            raise DataError(
                f"{where}: {size / 1048576:,.0f} MB is over the limit of {limits.max_file_mb:g} MB for one data file "
                "(REWARDBENCH_MAX_FILE_MB); it is not read"
            )
        return path.read_bytes()
    except OSError as error:
        raise DataError(f"{where}: cannot be read ({error.strerror})") from None


def _file_signature(path: Path, where: str) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError as error:
        raise DataError(f"{where}: cannot be read ({error.strerror})") from None
    return (stat.st_size, stat.st_mtime_ns)


def _tree_signature(directory: Path) -> tuple:
    try:
        return scan(str(directory), SUPPORTED_SUFFIXES, DATA_DEPTH).entries()
    except OSError as error:  # the data path itself changing underfoot: never equal, so it is read again
        return ("unreadable", error.errno, time.monotonic_ns())


def _combine(frames: list[pd.DataFrame]) -> tuple[pd.DataFrame, list[str]]:
    """All runs in one frame; a run name that a second file gives too (a.csv and a.jsonl) is numbered, not merged."""
    frames = [frame for frame in frames if len(frame)]
    if len(frames) <= 1:
        return concat_runs(frames), []
    owner: dict[str, int] = {}
    parts, notes = [], []
    for index, part in enumerate(frames):
        names = pd.Categorical(part["run"]).categories
        clashing = [run for run in names if run in owner]
        for run in names:
            owner.setdefault(run, index)
        if clashing:
            notes.extend(
                f"run name {quoted(run)} comes from more than one file; renamed {quoted(f'{run} ({index + 1})')}"
                for run in clashing
            )
            runs = pd.Categorical(part["run"])
            renamed = [f"{run} ({index + 1})" if run in clashing else run for run in runs.categories]
            attrs = part.attrs
            part = part.assign(run=runs.rename_categories(renamed))
            part.attrs = renamed_attrs(attrs, dict(zip(runs.categories, renamed, strict=True)))
        parts.append(part)
    return concat_runs(parts), notes


# ---------------------------------------------------------------------------------------------------------------
# From tables to the tidy frame


def _run_tables_frame(where: str, parsed: RunTables, convention: str, limits: Limits) -> tuple[pd.DataFrame, list[str]]:
    notes = list(parsed.notes)
    frames = [_finish(where, table, convention, notes, limits) for table in parsed.tables]
    return concat_runs(frames), notes


def _runs_frame(runs: Runs, convention: str, limits: Limits) -> pd.DataFrame:
    frame = concat_runs(
        [_finish(table.name, table, convention, runs.notes, limits, percent=True) for table in runs.tables]
    )
    if runs.finals:
        frame.attrs[FINALS] = dict(runs.finals)
    if len(frame):
        frame.attrs[SUMMARIES] = dict.fromkeys(frame["run"].cat.categories, True)
    return frame


def _finish(
    where: str, table: Table, convention: str, notes: list[str], limits: Limits = DEFAULT_LIMITS, percent: bool = False
) -> pd.DataFrame:
    """A run's table as tidy rows, with the scores RewardBench derives. With ``percent`` the scores are percent by
    the file's kind (RewardBench's results); otherwise their scale is decided from their values (users' files).
    A name longer than the limit is cut (the browser lays every name out on every page load)."""
    values = add_derived_scores(table.values if percent else _as_percent(where, table, notes), convention)
    metrics = sorted(values.columns, key=lambda metric: (metric_sort_key(metric), metric))
    steps = values.index.to_numpy(dtype="int64")  # sorted: every table is sorted by step
    # Names as plain objects: pandas would convert each list of names to an Arrow string array, which costs more
    # than the rest of a small file.
    name = display_text(table.name)
    if len(name) > limits.max_name_length:
        notes.append(f"{where}: a run name of {len(name):,} characters is cut to {limits.max_name_length} "
                     "(REWARDBENCH_MAX_NAME_LENGTH)")  # fmt: skip
        name = name[: limits.max_name_length - 1] + "…"
    run = pd.Index([name], dtype=object)
    return pd.DataFrame(
        {
            "run": pd.Categorical.from_codes(np.zeros(len(steps) * len(metrics), dtype="int8"), run, validate=False),
            "step": np.tile(steps, len(metrics)),
            "metric": pd.Categorical.from_codes(
                np.repeat(np.arange(len(metrics), dtype="int16"), len(steps)),
                pd.Index(metrics, dtype=object),
                validate=False,
            ),
            "value": values.to_numpy(dtype="float64")[:, [values.columns.get_loc(m) for m in metrics]].T.ravel(),
        }
    )


def _as_percent(where: str, table: Table, notes: list[str]) -> pd.DataFrame:
    """Percentages as they are; a run whose every score lies in 0-1 holds fractions and is scaled to percent (a
    note says so), and so are the bounds it carries of them (lo, hi, stderr). Axis columns (epoch, tokens seen)
    are kept as they are."""
    columns = [str(column) for column in table.values.columns]
    kinds = [bound_parts(column) for column in columns]
    is_score_column = np.array([is_score(column) for column in columns], dtype=bool)
    is_bound = np.array([kind is not None for kind in kinds], dtype=bool)
    values = table.values.to_numpy(dtype=float, copy=True)
    scores = values[:, is_score_column]
    present = scores[~np.isnan(scores)]
    if present.size and present.min() >= 0 and present.max() <= 1:
        notes.append(f"{where}: run {quoted(table.name)}: every score lies in 0-1, so they are read as fractions")
        values[:, is_score_column | is_bound] *= 100
    # Bounds of an interval lie where scores do; a standard error is at least 0.
    is_stderr = np.array([kind is not None and kind[0] == "se" for kind in kinds], dtype=bool)
    outside = (values < 0) | ((values > 100) & ~is_stderr)
    outside &= is_score_column | is_bound
    if outside.any():
        # The first bad value in column order, as the user reads the file's header.
        column = int(np.flatnonzero(outside.any(axis=0))[0])
        row = first_row(outside[:, column])
        step = int(table.values.index[row])
        source = table.line_of_step.get(step)
        place = f"{where} line {source}" if isinstance(source, int) else (source or f"{where} step {step}")
        kind = kinds[column]
        name = columns[column] if kind is None else f"{kind[1]} ({BOUND_WORDS[kind[0]]})"
        what = "is below 0" if is_stderr[column] else "is outside 0-100 (percent)"
        raise DataError(f"{place}: {table.field_word} {name}: {values[row, column]:g} {what}")
    return pd.DataFrame(values, index=table.values.index, columns=pd.Index(columns, dtype=object))
