"""Data files -> one tidy DataFrame (run, step, metric, value); all parsing and validation lives here.

A data path is a run file or a directory of runs. Supported runs:
- wide CSV/TSV: a step column plus one column per metric;
- long CSV/TSV: columns run (optional), step, metric, value;
- JSON Lines (or a JSON array): one object per evaluation, {"step": 400, "Chat": 91.2, ...};
- a directory of RewardBench result files, one per checkpoint (checkpoint-400/*.json, step_400.json, 400.json),
  as scripts/run_rm.py or the rewardbench command write them, or RewardBench 2's.

Every problem is a DataError whose message says where (file, line or key) and what is wrong. Reading a
directory never stops at a bad file: the file is listed in LoadResult.problems and every other run still loads.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from components.datawatch import DATA_DEPTH, scan
from components.metrics import (
    AXIS_PREFIX,
    SUBSET_PARENT,
    axis_column,
    canonical_metric,
    metric_sort_key,
    rb2_category,
    squash,
)
from components.scoring import LEADERBOARD, add_derived_scores

TIDY_COLUMNS = ("run", "step", "metric", "value")
TABLE_SUFFIXES = {".csv", ".tsv"}
JSON_LINES_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
SUPPORTED_SUFFIXES = TABLE_SUFFIXES | JSON_LINES_SUFFIXES | JSON_SUFFIXES

_STEP_NAMES = {"step", "steps", "globalstep", "trainingstep"}
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")
_MISSING = {"", "nan", "na", "n/a", "null", "none", "-"}
# Keys that result files and training logs carry besides scores; they are not metrics and not worth a note.
_NOT_METRICS = {
    "model", "modeltype", "chattemplate", "refmodel", "tokenizer", "numprompts", "accuracy", "run", "name",
    "timestamp", "time", "walltime", "date", "checkpoint", "extraresults",
}  # fmt: skip
# JSON files that sit in Hugging Face checkpoint folders and are never RewardBench results.
_CHECKPOINT_COMPANIONS = {
    "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
    "trainer_state.json", "adapter_config.json", "model.safetensors.index.json", "preprocessor_config.json",
}  # fmt: skip
_TRAILING_NUMBER = re.compile(r"(\d+)$")
# Names that are nothing but a checkpoint's step: checkpoint-400, step_400, global_step400, 400.
_CHECKPOINT_NAME = re.compile(r"^(?:checkpoint|ckpt|step|global_step|iter|iteration)?[-_]?\d+$", re.IGNORECASE)
_RB2_ONLY = {"factuality", "preciseif", "focus", "ties"}
_MAX_STEP = 2**53  # steps beyond this are not exact as JSON numbers in the browser


class DataError(ValueError):
    """A data file that cannot be used; the message says where (file, line, key) and what is wrong."""


@dataclass(frozen=True)
class LoadResult:
    """Every run found under a data path, plus what could not be read and what the user should know."""

    frame: pd.DataFrame
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


class _Parsed(NamedTuple):
    """One cache entry: the runs a file or checkpoint directory gave, notes, and checkpoint files skipped."""

    frame: pd.DataFrame
    notes: list[str]
    problems: list[str]


@dataclass
class _Table:
    """One run as read from a file: metric columns (percent, or fractions until scaled) indexed by step."""

    name: str
    values: pd.DataFrame
    line_of_step: dict[int, int | str] = field(default_factory=dict)
    field_word: str = "column"  # what a metric is called in this file: a "column" or a "key"


TIDY_DTYPES = {"run": "category", "step": "int64", "metric": "category", "value": "float64"}


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
    return pd.DataFrame(
        {
            "run": _concat_categorical([frame["run"] for frame in frames]),
            "step": np.concatenate([frame["step"].to_numpy(dtype="int64") for frame in frames]),
            "metric": _concat_categorical([frame["metric"] for frame in frames]),
            "value": np.concatenate([frame["value"].to_numpy(dtype="float64") for frame in frames]),
        }
    )


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
    frame, _notes = read_file(Path(path), convention)
    return frame


def read_file(path: Path, convention: str = LEADERBOARD) -> tuple[pd.DataFrame, list[str]]:
    """Every run in one file (named after it, or after its run column), and notes for the user."""
    return parse_bytes(path.name, _read_bytes(path), convention, where=str(path))


def parse_bytes(
    filename: str, raw: bytes, convention: str = LEADERBOARD, where: str | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Parse a file's bytes (a file on disk or an upload); the run is named after ``filename``."""
    where = where or filename
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DataError(f"{where}: unsupported file type '{suffix or filename}'; expected .csv, .tsv, .jsonl or .json")
    text = _decode(where, raw)
    notes: list[str] = []
    name = Path(filename).stem
    if suffix in TABLE_SUFFIXES:
        fast = _fast_wide_table(name, raw, text, suffix)
        tables = [fast] if fast is not None else _parse_table(where, name, text, suffix, notes)
    elif suffix in JSON_LINES_SUFFIXES:
        tables = [_parse_json_lines(where, name, text, notes)]
    else:
        tables = [_parse_json_document(where, name, text, notes)]
    frames = [_finish(where, table, convention, notes) for table in tables]
    return concat_runs(frames), notes


def load_path(path: str | Path, convention: str = LEADERBOARD, cache: ParseCache | None = None) -> LoadResult:
    """Every run under a data path (a run file, a run directory, or a directory of runs).

    Raises DataError only when the path itself cannot be used (missing, unreadable, or a broken single file).
    """
    path = Path(path)
    cache = cache or ParseCache()
    if not path.exists():
        raise DataError(f"{path}: no such file or directory")
    if path.is_file():
        frame, notes, _ = cache.get("file", path, _file_signature(path), _file_parser(path, convention), convention)
        return LoadResult(frame=frame, notes=tuple(notes))
    # The whole directory's result is cached too: an unchanged directory costs one listing, not a concat.
    load = lambda: _load_directory(path, convention, cache)  # noqa: E731
    return cache.get("directory", path, _tree_signature(path, depth=DATA_DEPTH), load, convention)


def _load_directory(path: Path, convention: str, cache: ParseCache) -> LoadResult:
    frames: list[pd.DataFrame] = []
    problems: list[str] = []
    notes: list[str] = []
    for kind, entry in _discover(path):
        try:
            if kind == "checkpoints":
                parse = _checkpoint_parser(entry, convention)
                frame, entry_notes, entry_problems = cache.get(
                    "checkpoints", entry, _tree_signature(entry), parse, convention
                )
            else:
                parse = _file_parser(entry, convention)
                frame, entry_notes, entry_problems = cache.get("file", entry, _file_signature(entry), parse, convention)
        except DataError as error:
            problems.append(str(error))
            continue
        frames.append(frame)
        notes.extend(entry_notes)
        problems.extend(entry_problems)
    frame, clash_notes = _combine(frames)
    return LoadResult(frame=frame, problems=tuple(problems), notes=tuple(notes + clash_notes))


class ParseCache:
    """Parsed runs by path, reused while the files' sizes and modification times are unchanged.

    One per app (so per gunicorn worker); it only saves work: every worker computes the same answers.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[Path, str, str], tuple[object, object]] = {}

    def get(self, kind: str, path: Path, signature, parse: Callable[[], object], convention: str):
        """``parse()``'s result for a ``kind`` of entry ("file", "checkpoints", "directory") at ``path``, parsed
        again only when ``signature`` (sizes and modification times) differs from the cached one."""
        key = (kind, path, convention)
        cached = self._entries.get(key)
        if cached is not None and cached[0] == signature:
            return cached[1]
        result = parse()
        self._entries[key] = (signature, result)
        return result


# ---------------------------------------------------------------------------------------------------------------
# Files and directories


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise DataError(f"{path}: no such file")
    if path.is_dir():
        raise DataError(f"{path}: is a directory; expected a run file")
    try:
        return path.read_bytes()
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror})") from None


def _decode(where: str, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataError(f"{where} line {line}: not UTF-8 text (byte 0x{raw[error.start]:02x})") from None
    if not text.strip():
        raise DataError(f"{where}: the file is empty")
    return text


def _file_signature(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns)


def _tree_signature(directory: str | Path, depth: int = 2) -> tuple:
    return scan(str(directory), SUPPORTED_SUFFIXES, depth).entries()


def _step_from_name(name: str) -> int | None:
    found = _TRAILING_NUMBER.search(Path(name).stem if name.lower().endswith(".json") else name)
    return int(found.group(1)) if found else None


def _is_checkpoint_dir(directory: Path) -> bool:
    """A run directory of per-checkpoint result files, rather than a directory of runs."""
    for child in directory.iterdir():
        if child.name.startswith("."):
            continue
        if child.is_file() and child.suffix.lower() == ".json" and _CHECKPOINT_NAME.match(child.stem):
            return True
        if child.is_dir() and _CHECKPOINT_NAME.match(child.name) and any(child.glob("*.json")):
            return True
    return False


def _discover(directory: Path) -> list[tuple[str, Path]]:
    """The runs in a directory: ("checkpoints", dir) for checkpoint directories, ("file", path) for run files."""
    if _is_checkpoint_dir(directory):
        return [("checkpoints", directory)]
    found = []
    for child in sorted(directory.iterdir()):
        if child.name.startswith("."):
            continue
        if child.is_dir():
            if _is_checkpoint_dir(child):
                found.append(("checkpoints", child))
        elif child.suffix.lower() in SUPPORTED_SUFFIXES:
            found.append(("file", child))
    return found


def _file_parser(path: Path, convention: str) -> Callable[[], _Parsed]:
    def parse() -> _Parsed:
        frame, notes = read_file(path, convention)
        return _Parsed(frame, notes, [])

    return parse


def _checkpoint_parser(directory: Path, convention: str) -> Callable[[], _Parsed]:
    return lambda: _read_checkpoint_dir(directory, convention)


def _combine(frames: list[pd.DataFrame]) -> tuple[pd.DataFrame, list[str]]:
    """All runs in one frame; a run name that a second file gives too (a.csv and a.jsonl) is numbered, not merged."""
    if len(frames) == 1:
        return frames[0], []
    owner: dict[str, int] = {}
    parts, notes = [], []
    for index, part in enumerate(frames):
        names = pd.Categorical(part["run"]).categories
        clashing = [run for run in names if run in owner]
        for run in names:
            owner.setdefault(run, index)
        if clashing:
            notes.extend(
                f"run name {_quoted(run)} comes from more than one file; renamed {_quoted(f'{run} ({index + 1})')}"
                for run in clashing
            )
            runs = pd.Categorical(part["run"])
            renamed = [f"{run} ({index + 1})" if run in clashing else run for run in runs.categories]
            part = part.assign(run=runs.rename_categories(renamed))
        parts.append(part)
    return concat_runs(parts), notes


# ---------------------------------------------------------------------------------------------------------------
# Tables (CSV/TSV)


def _delimiter(suffix: str, header: str) -> str:
    if suffix == ".tsv" or ("\t" in header and "," not in header):
        return "\t"
    return ","


def _step_column(columns: Iterable[str]) -> str | None:
    return next((column for column in columns if squash(column) in _STEP_NAMES), None)


def _fast_wide_table(name: str, raw: bytes, text: str, suffix: str) -> _Table | None:
    """A well-formed wide table read by pyarrow in one pass, or None to take the careful path, which reads the
    same file cell by cell to say exactly where a problem is (a bad cell, a short row, a blank line...)."""
    lines = text.split("\n", 1)
    if not text.endswith("\n") or "\n\n" in text or "\r" in text or '"' in text or not lines[0].strip():
        return None
    try:
        table = pa_csv.read_csv(
            io.BytesIO(raw), parse_options=pa_csv.ParseOptions(delimiter=_delimiter(suffix, lines[0]))
        )
    except Exception:  # noqa: BLE001 - any complaint from pyarrow means: read it carefully
        return None
    columns = [str(column).strip() for column in table.column_names]
    step_column = _step_column(columns)
    if step_column is None or table.num_rows == 0 or len(set(columns)) != len(columns):
        return None
    metrics = {column: canonical_metric(column) or axis_column(column) for column in columns if column != step_column}
    if (
        None in metrics.values()
        or len(set(metrics.values())) != len(metrics)
        or not any(not metric.startswith(AXIS_PREFIX) for metric in metrics.values())
    ):
        return None
    if not all(pa.types.is_integer(kind) or pa.types.is_floating(kind) for kind in table.schema.types):
        return None  # text, dates or true/false somewhere: the careful path says where
    # Empty cells arrive as nulls, which become NaN as floats.
    arrays = {column: table.column(i).cast(pa.float64()).to_numpy() for i, column in enumerate(columns)}
    steps = arrays[step_column]
    values = np.column_stack([arrays[column] for column in metrics])
    if np.isnan(steps).any() or (steps < 0).any() or (steps != np.floor(steps)).any() or (steps > _MAX_STEP).any():
        return None
    if np.isinf(values).any() or pd.Index(steps).duplicated().any():
        return None
    order = np.argsort(steps, kind="stable")
    frame = pd.DataFrame(
        values[order], columns=pd.Index(list(metrics.values()), dtype=object), index=steps[order].astype("int64")
    )
    line_of_step = dict(zip(steps.astype("int64").tolist(), range(2, len(steps) + 2), strict=True))
    return _Table(name=name, values=frame, line_of_step=line_of_step)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line breaks pandas' CSV reader knows


def _parse_table(where: str, name: str, text: str, suffix: str, notes: list[str]) -> list[_Table]:
    lines = _LINE_BREAK.split(text)
    first = next(index for index, line in enumerate(lines) if line.strip())  # the header; the text is not blank
    sep = _delimiter(suffix, lines[first])
    body = "\n".join(lines[first:])
    try:
        # Blank lines are kept as rows so that row i is file line first + 2 + i; they are dropped below.
        table = pd.read_csv(io.StringIO(body), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=False)
    except pd.errors.ParserError as error:
        raise DataError(f"{where}: {_describe_parser_error(str(error), offset=first)}") from None
    table.columns = [str(column).strip() for column in table.columns]
    if len(table.columns) == 1 and re.search(r"[;|]", table.columns[0]):
        raise DataError(
            f"{where} line {first + 1}: columns must be separated by commas (or tabs); "
            f"found {_quoted(table.columns[0])}"
        )
    data_lines = lines[first + 1 : first + 1 + len(table)]
    row_lines = np.arange(len(table)) + first + 2
    filled = np.array([bool(line.strip().strip(sep).strip()) for line in data_lines], dtype=bool)
    if len(data_lines) != len(table):  # a quoted field spans lines: the line numbers are only approximate
        filled = (table != "").any(axis=1).to_numpy()
        data_lines = None
    else:
        data_lines = [line for line, keep in zip(data_lines, filled, strict=True) if keep]
    table, row_lines = table[filled].reset_index(drop=True), row_lines[filled]
    table, row_lines = _drop_short_rows(
        where, table, row_lines, data_lines, sep, writing=not text.endswith(("\n", "\r")), notes=notes
    )
    if table.empty:
        raise DataError(f"{where}: no data rows below the header")
    squashed = {squash(column) for column in table.columns}
    if {"metric", "value"} <= squashed:
        return _long_tables(where, name, table, row_lines, notes)
    return [_wide_table(where, name, table, row_lines, notes)]


def _describe_parser_error(message: str, offset: int = 0) -> str:
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if found:
        expected, line, saw = found.groups()
        return f"line {int(line) + offset}: {saw} fields where the header has {expected}"
    return f"cannot be parsed as CSV ({message.strip()})"


def _drop_short_rows(where, table, row_lines, data_lines, sep, writing: bool, notes: list[str]):
    """Rows with fewer fields than the header; the last one is forgiven while the file is still being written.

    pandas pads short rows with empty cells, so the fields are counted on the raw lines (quoted ones excepted,
    and all of them when a quoted field spans lines, ``data_lines`` None).
    """
    if data_lines is None:
        return table, row_lines
    expected = len(table.columns)
    short = np.array([line.count(sep) + 1 < expected and '"' not in line for line in data_lines], dtype=bool)
    if not short.any():
        return table, row_lines
    row = _first_row(short)
    if writing and row == len(table) - 1:
        notes.append(f"{where} line {row_lines[row]}: incomplete last line (still being written?); skipped")
        return table.iloc[:-1], row_lines[:-1]
    fields = data_lines[row].count(sep) + 1
    raise DataError(f"{where} line {row_lines[row]}: {fields} fields where the header has {expected}")


def _wide_table(where: str, name: str, table: pd.DataFrame, row_lines: np.ndarray, notes: list[str]) -> _Table:
    step_column = _step_column(table.columns)
    if step_column is None:
        raise DataError(
            f"{where} line 1: no step column (expected one named step or global_step); found {', '.join(table.columns)}"
        )
    metric_columns: dict[str, str] = {}
    for column in table.columns:
        if column == step_column:
            continue
        metric = canonical_metric(column) or axis_column(column)
        if metric is None:
            if squash(column) not in _NOT_METRICS:
                notes.append(f"{where} line 1: column {_quoted(column)} is not a RewardBench metric; ignored")
            continue
        clash = next((c for c, m in metric_columns.items() if m == metric), None)
        if clash is not None:
            raise DataError(f"{where} line 1: columns {_quoted(clash)} and {_quoted(column)} both name {metric}")
        metric_columns[column] = metric
    if not any(not metric.startswith(AXIS_PREFIX) for metric in metric_columns.values()):
        raise DataError(f"{where} line 1: no RewardBench metric columns (such as Chat, Chat Hard, Safety, Overall)")
    steps = _parse_steps(where, table[step_column], step_column, row_lines)
    values = pd.DataFrame(
        {metric: _parse_numbers(where, table[column], column, row_lines) for column, metric in metric_columns.items()}
    )
    values.index = steps.to_numpy()
    return _deduplicate(where, name, values, row_lines, notes)


def _long_tables(where: str, name: str, table: pd.DataFrame, row_lines: np.ndarray, notes: list[str]):
    columns = {squash(column): column for column in table.columns}
    step_column = _step_column(table.columns)
    if step_column is None:
        raise DataError(f"{where} line 1: no step column (expected one named step or global_step)")
    steps = _parse_steps(where, table[step_column], step_column, row_lines)
    values = _parse_numbers(where, table[columns["value"]], columns["value"], row_lines)
    raw_metrics = table[columns["metric"]].str.strip()
    metrics = raw_metrics.map(canonical_metric)
    unknown = sorted(set(raw_metrics[metrics.isna()]) - {""})
    if unknown:
        shown = ", ".join(_quoted(m) for m in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        notes.append(f"{where}: metric(s) {shown} are not RewardBench metrics; ignored")
    runs = table[columns["run"]].str.strip() if "run" in columns else pd.Series(name, index=table.index)
    runs = runs.where(runs != "", name)
    long = pd.DataFrame({"run": runs, "step": steps, "metric": metrics, "value": values, "line": row_lines})
    long = long[long["metric"].notna()]
    if long.empty:
        raise DataError(f"{where}: no rows name a RewardBench metric (such as Chat, Chat Hard, Safety, Overall)")
    repeated = long.duplicated(["run", "step", "metric"], keep="last")
    if repeated.any():
        first = long[repeated].iloc[0]
        notes.append(
            f"{where} line {first['line']}: run {first['run']} step {first['step']} {first['metric']} appears "
            "more than once; the last value is kept"
        )
    tables = []
    for run, rows in long.groupby("run", sort=True):
        wide = rows.pivot_table(index="step", columns="metric", values="value", aggfunc="last", dropna=False)
        wide.columns = [str(column) for column in wide.columns]
        lines = rows.groupby("step")["line"].max().to_dict()
        tables.append(_Table(name=str(run), values=wide.sort_index(), line_of_step=lines))
    return tables


def _quoted(text) -> str:
    """``text`` in quotes on one line, for a message: a quoted CSV field can hold line breaks or tabs."""
    shown = _CONTROL_CHARACTER.sub(lambda found: repr(found.group())[1:-1], str(text))
    return f"'{shown[:60]}…'" if len(shown) > 60 else f"'{shown}'"


def _first_row(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _parse_numbers(where: str, cells: pd.Series, column: str, row_lines: np.ndarray) -> pd.Series:
    """Numbers from text cells; missing markers become NaN, anything else unparseable is an error."""
    text = cells.str.strip()
    missing = text.str.lower().isin(_MISSING).to_numpy()
    numbers = pd.to_numeric(text.where(~missing), errors="coerce")
    bad = numbers.isna().to_numpy() & ~missing
    if bad.any():
        row = _first_row(bad)
        raise DataError(f"{where} line {row_lines[row]}: column {column}: {_quoted(text.iloc[row])} is not a number")
    infinite = np.isinf(numbers.to_numpy(dtype=float))
    if infinite.any():
        row = _first_row(infinite)
        shown = _quoted(text.iloc[row])
        raise DataError(f"{where} line {row_lines[row]}: column {column}: {shown} is not a finite number")
    return numbers.astype(float)


def _step_problem(step: float) -> str | None:
    if math.isnan(step):
        return "is empty; every row needs a step"
    if step < 0:
        return "is negative; steps count up from 0"
    if step != math.floor(step):
        return "is not a whole number of steps"
    if step > _MAX_STEP:
        return "is too large for a step"
    return None


def _parse_steps(where: str, cells: pd.Series, column: str, row_lines: np.ndarray) -> pd.Series:
    steps = _parse_numbers(where, cells, column, row_lines)
    invalid = (steps.isna() | (steps < 0) | (steps != np.floor(steps)) | (steps > _MAX_STEP)).to_numpy()
    if invalid.any():
        row = _first_row(invalid)
        problem = _step_problem(float(steps.iloc[row]))
        raise DataError(f"{where} line {row_lines[row]}: column {column}: {_quoted(cells.iloc[row].strip())} {problem}")
    return steps.astype("int64")


def _deduplicate(where: str, name: str, values: pd.DataFrame, row_lines: np.ndarray, notes: list[str]) -> _Table:
    steps = values.index.to_numpy()
    repeated = pd.Index(steps).duplicated(keep="last")
    if repeated.any():
        shown = sorted({int(step) for step in steps[repeated]})
        listed = ", ".join(map(str, shown[:5])) + (" …" if len(shown) > 5 else "")
        notes.append(f"{where}: step(s) {listed} appear more than once; the last row of each is kept")
    keep = ~repeated
    values = values[keep]
    lines = dict(zip(steps[keep].tolist(), row_lines[keep].tolist(), strict=False))
    return _Table(name=name, values=values.sort_index(kind="stable"), line_of_step=lines)


# ---------------------------------------------------------------------------------------------------------------
# JSON Lines, JSON documents and RewardBench result files


def _json_kind(value) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return "a number" if isinstance(value, (int, float)) else type(value).__name__


def _parse_json_lines(where: str, name: str, text: str, notes: list[str]) -> _Table:
    lines = text.splitlines()
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            if number == len(lines) and not text.endswith("\n"):
                notes.append(f"{where} line {number}: incomplete last line (still being written?); skipped")
                continue
            raise DataError(f"{where} line {number}: not valid JSON ({error.msg} at column {error.colno})") from None
        records.append((number, record))
    if not records:
        raise DataError(f"{where}: no complete evaluations yet")
    return _records_table(where, name, records, notes, line_word="line")


def _parse_json_document(where: str, name: str, text: str, notes: list[str]) -> _Table:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(f"{where} line {error.lineno}: not valid JSON ({error.msg} at column {error.colno})") from None
    if isinstance(document, list):
        return _records_table(where, name, list(enumerate(document)), notes, line_word="item")
    if not isinstance(document, dict):
        raise DataError(f"{where}: expected a JSON object or an array of objects, found {_json_kind(document)}")
    scores = _result_scores(where, document)
    step = _step_of_result(where, document, fallback=_step_from_name(Path(where).name))
    return _Table(name=name, values=pd.DataFrame([scores], index=[step]), line_of_step={step: where}, field_word="key")


def _records_table(where: str, name: str, records: list[tuple[int, object]], notes: list[str], line_word: str):
    rows, steps, lines = [], [], []
    unknown: set[str] = set()
    for number, record in records:
        place = f"{where} {line_word} {number}"
        if not isinstance(record, dict):
            raise DataError(f"{place}: expected a JSON object, found {_json_kind(record)}")
        step_key = _step_column(record)
        if step_key is None:
            raise DataError(f'{place}: no "step" key')
        steps.append(_json_step(place, step_key, record[step_key]))
        flat = {**record, **record["extra_results"]} if isinstance(record.get("extra_results"), dict) else record
        row = {}
        for key, value in flat.items():
            metric = canonical_metric(key) or axis_column(key)
            if metric is None:
                if key != step_key and squash(key) not in _NOT_METRICS:
                    unknown.add(key)
                continue
            row[metric] = _json_number(place, key, value)
        rows.append(row)
        lines.append(number)
    if unknown:
        listed = sorted(unknown)
        shown = ", ".join(f"'{key}'" for key in listed[:5]) + (" …" if len(listed) > 5 else "")
        notes.append(f"{where}: key(s) {shown} are not RewardBench metrics; ignored")
    values = pd.DataFrame(rows, index=steps)
    if not any(not str(column).startswith(AXIS_PREFIX) for column in values.columns):
        raise DataError(f"{where}: no RewardBench metric keys (such as Chat, Chat Hard, Safety, Overall)")
    table = _deduplicate(where, name, values, np.asarray(lines), notes)
    table.field_word = "key"
    return table


def _json_number(place: str, key: str, value) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DataError(f'{place}: key "{key}": {json.dumps(value)[:40]} is not a number')
    number = float(value)
    if not math.isfinite(number):
        raise DataError(f'{place}: key "{key}": {value} is not a finite number')
    return number


def _json_step(place: str, key: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DataError(f'{place}: key "{key}": {json.dumps(value)[:40]} is not a number')
    problem = _step_problem(float(value))
    if problem:
        raise DataError(f'{place}: key "{key}": {value} {problem}')
    return int(value)


def _step_of_result(where: str, document: dict, fallback: int | None) -> int:
    step_key = _step_column(document)
    if step_key is not None:
        return _json_step(where, step_key, document[step_key])
    if fallback is None:
        raise DataError(
            f'{where}: cannot tell the checkpoint\'s step; name the file after it (step_400.json) or add a "step" key'
        )
    return fallback


def _result_scores(where: str, document: dict) -> dict[str, float]:
    """Subset (v1) or category (v2) scores from one RewardBench result file, by metric name."""
    extra = document.get("extra_results")
    if extra is not None and not isinstance(extra, dict):
        raise DataError(f'{where}: key "extra_results": expected an object, found {_json_kind(extra)}')
    source = extra if isinstance(extra, dict) else document
    if _RB2_ONLY & {squash(key) for key in source}:
        scores = {}
        for key, value in source.items():
            category = rb2_category(key)
            if category is not None:
                scores[f"RB2 {category}"] = _json_number(where, key, value)
        return scores
    subsets = {squash(subset): subset for subset in SUBSET_PARENT}
    scores = {
        subsets[squash(key)]: _json_number(where, key, value) for key, value in source.items() if squash(key) in subsets
    }
    if not scores:
        raise DataError(
            f"{where}: no RewardBench scores (expected subset keys such as alpacaeval-easy, an extra_results "
            "object, or RewardBench 2 categories)"
        )
    return scores


def _looks_like_result(path: Path) -> bool:
    return path.name not in _CHECKPOINT_COMPANIONS


def _read_checkpoint_dir(directory: Path, convention: str) -> _Parsed:
    """One run from a directory of per-checkpoint result files; bad checkpoint files are reported, not fatal."""
    rows: dict[int, dict[str, float]] = {}
    sources: dict[int, str] = {}
    notes: list[str] = []
    problems: list[str] = []
    candidates = []
    for child in sorted(directory.iterdir()):
        if child.name.startswith("."):
            continue
        if child.is_file() and child.suffix.lower() == ".json" and _looks_like_result(child):
            candidates.append((child, _step_from_name(child.name), True))
        elif child.is_dir() and _CHECKPOINT_NAME.match(child.name):
            candidates.extend(
                (inner, _step_from_name(child.name), False)
                for inner in sorted(child.glob("*.json"))
                if _looks_like_result(inner)
            )
    for path, named_step, strict in candidates:
        where = str(path)
        try:
            document = json.loads(_decode(where, _read_bytes(path)))
            if not isinstance(document, dict):
                raise DataError(f"{where}: expected a JSON object, found {_json_kind(document)}")
            scores = _result_scores(where, document)
            step = _step_of_result(where, document, fallback=named_step)
        except json.JSONDecodeError as error:
            problems.append(f"{where} line {error.lineno}: not valid JSON ({error.msg} at column {error.colno})")
            continue
        except DataError as error:
            if strict:
                problems.append(str(error))
            continue
        if step in rows:
            notes.append(f"{where}: step {step} also comes from {sources[step]}; the scores are combined")
        rows.setdefault(step, {}).update(scores)
        sources[step] = where
    if not rows:
        reason = problems[0] if problems else f"{directory}: no RewardBench result files found"
        raise DataError(reason)
    table = _Table(
        name=directory.name,
        values=pd.DataFrame.from_dict(rows, orient="index").sort_index(),
        line_of_step=sources,
        field_word="key",
    )
    return _Parsed(_finish(str(directory), table, convention, notes), notes, problems)


# ---------------------------------------------------------------------------------------------------------------
# From a table to the tidy frame


def _finish(where: str, table: _Table, convention: str, notes: list[str]) -> pd.DataFrame:
    values = add_derived_scores(_as_percent(where, table), convention)
    metrics = sorted(values.columns, key=lambda metric: (metric_sort_key(metric), metric))
    steps = values.index.to_numpy(dtype="int64")  # sorted: every table is sorted by step
    # Names as plain objects: pandas would convert each list of names to an Arrow string array, which costs more
    # than the rest of a small file.
    run = pd.Index([table.name], dtype=object)
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


def _as_percent(where: str, table: _Table) -> pd.DataFrame:
    """Percentages as they are; a run whose every score lies in 0-1 holds fractions and is scaled to percent.
    Axis columns (epoch, tokens seen) are kept as they are."""
    columns = [str(column) for column in table.values.columns]
    is_axis = np.array([column.startswith(AXIS_PREFIX) for column in columns], dtype=bool)
    values = table.values.to_numpy(dtype=float, copy=True)
    values[:, ~is_axis] = _scores_as_percent(where, table, values[:, ~is_axis], np.array(columns)[~is_axis])
    return pd.DataFrame(values, index=table.values.index, columns=pd.Index(columns, dtype=object))


def _scores_as_percent(where: str, table: _Table, values: np.ndarray, metrics: np.ndarray) -> np.ndarray:
    present = values[~np.isnan(values)]
    if present.size and present.min() >= 0 and present.max() <= 1:
        return values * 100
    outside = (values < 0) | (values > 100)
    if outside.any():
        # The first bad score in column order, as the user reads the file's header.
        column = int(np.flatnonzero(outside.any(axis=0))[0])
        row = _first_row(outside[:, column])
        step = int(table.values.index[row])
        source = table.line_of_step.get(step)
        place = f"{where} line {source}" if isinstance(source, int) else (source or f"{where} step {step}")
        raise DataError(
            f"{place}: {table.field_word} {metrics[column]}: {values[row, column]:g} is outside 0-100 (percent)"
        )
    return values
