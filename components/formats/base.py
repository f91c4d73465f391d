"""What every format module shares: the error type, what a parse gives, and the checks of cells and keys.

A format's parse gives one of two things:
- RunTables: whole runs, each a table of metrics by step (users' CSV, TSV and JSON Lines logs);
- Evaluation: one evaluation of one checkpoint by one of RewardBench's tools (a summary or a per-prompt file).
  Which run and step it belongs to comes from where the tool wrote it (components/resultpaths.py), and the
  loader puts a checkpoint's files together (components/checkpoints.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from components.metrics import squash

# Characters that would change how a name or message reads (line breaks that forge a log line, bidirectional
# overrides and zero-width characters that make one run's name look like another's): shown as escapes.
_UNSEEN = re.compile("[\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
MISSING = {"", "nan", "na", "n/a", "null", "none", "-"}
STEP_NAMES = {"step", "steps", "globalstep", "trainingstep"}
# Keys that result files and training logs carry besides scores; they are not metrics and not worth a note.
NOT_METRICS = {
    "model", "modeltype", "chattemplate", "refmodel", "tokenizer", "numprompts", "accuracy", "run", "name",
    "timestamp", "time", "walltime", "date", "checkpoint", "extraresults", "interval",
}  # fmt: skip
MAX_STEP = 2**53  # steps beyond this are not exact as JSON numbers in the browser

V1 = "RewardBench"
V2 = "RewardBench 2"
EVAL_SET = "eval-set"
PREF_SETS = "pref-sets"
SUMMARY = "summary"
PER_PROMPT = "per-prompt"


class DataError(ValueError):
    """A data file that cannot be used; the message says where (file, line, key) and what is wrong."""


@dataclass
class Table:
    """One run as read from a file: metric columns (percent, or fractions until scaled) indexed by step."""

    name: str
    values: pd.DataFrame
    line_of_step: dict[int, int | str] = field(default_factory=dict)
    field_word: str = "column"  # what a metric is called in this file: a "column" or a "key"


@dataclass(eq=False)
class RunTables:
    """Whole runs from one file; their scores' scale is decided per run from the values (users' own files)."""

    tables: list[Table]
    notes: list[str] = field(default_factory=list)


@dataclass(eq=False)
class Evaluation:
    """One checkpoint's result from one file that a RewardBench tool wrote. Scores are fractions, by metric name
    (subsets for RewardBench, "RB2 <category>" for RewardBench 2)."""

    where: str
    suite: str  # V1 or V2
    prompt_set: str  # EVAL_SET or PREF_SETS
    kind: str  # SUMMARY or PER_PROMPT
    scores: dict[str, float]
    model: str | None = None  # the "model" key: --model as the tool was given it
    step: int | None = None  # a "step" key in the file, which wins over the path
    outcomes: object | None = None  # components.outcomes.Outcomes, for per-prompt files
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Limits:
    """Bounds that keep one file from taking a worker's time or memory (components/config.py sets them)."""

    max_runs_per_file: int = 1000
    max_name_length: int = 200
    max_file_mb: float = 64.0
    max_points: int = 5_000_000
    follow_links_out: bool = False  # read links that lead out of the data path (REWARDBENCH_FOLLOW_LINKS_OUT)


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Source:
    """A file's bytes and how to name it in messages."""

    filename: str  # the file's own name (the run is named after it when nothing else names it)
    where: str  # the path shown in messages
    raw: bytes
    limits: Limits = DEFAULT_LIMITS


def display_text(text) -> str:
    """``text`` as it may be shown and sent as JSON: bytes of a file name that are not UTF-8 (Python keeps them as
    lone surrogates) are written \\xff, and unseen characters as escapes (\\n, \\u202e)."""
    text = str(text)
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogatepass")
    text = raw.decode("utf-8", "backslashreplace")
    return _UNSEEN.sub(lambda found: repr(found.group())[1:-1] if found.group() < "\x80" else
                       f"\\u{ord(found.group()):04x}", text)  # fmt: skip


def quoted(text) -> str:
    """``text`` in quotes on one line, for a message: a quoted CSV field can hold line breaks or tabs."""
    shown = display_text(text)
    return f"'{shown[:60]}…'" if len(shown) > 60 else f"'{shown}'"


def listed(names: Iterable[str], limit: int = 5) -> str:
    names = list(names)
    return ", ".join(quoted(name) for name in names[:limit]) + (" …" if len(names) > limit else "")


def decode(where: str, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataError(f"{where} line {line}: not UTF-8 text (byte 0x{raw[error.start]:02x})") from None
    if not text.strip():
        raise DataError(f"{where}: the file is empty")
    return text


def json_kind(value) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, bool):
        return "true or false"
    return "a number" if isinstance(value, (int, float)) else type(value).__name__


def json_number(place: str, key: str, value) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DataError(f'{place}: key "{key}": not a number ({json_kind(value)})')
    number = float(value)
    if not math.isfinite(number):
        raise DataError(f'{place}: key "{key}": {value} is not a finite number')
    return number


def step_problem(step: float) -> str | None:
    if math.isnan(step):
        return "is empty; every row needs one"
    if step < 0:
        return "is negative; steps count up from 0"
    if step != math.floor(step):
        return "is not a whole number"
    if step > MAX_STEP:
        return "is too large to be exact in the browser"
    return None


def json_step(place: str, key: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DataError(f'{place}: key "{key}": not a number ({json_kind(value)})')
    problem = step_problem(float(value))
    if problem:
        raise DataError(f'{place}: key "{key}": the step {problem}')
    return int(value)


def step_column(columns: Iterable[str]) -> str | None:
    return next((column for column in columns if squash(column) in STEP_NAMES), None)


def json_decode_error(where: str, error) -> DataError:
    """A JSON parser's complaint (json's or orjson's) as a message with the line and column."""
    message = getattr(error, "msg", str(error))
    if "depth" in message.lower() or "recursion" in message.lower():
        return DataError(f"{where}: nested too deeply to be a result file ({message})")
    return DataError(f"{where} line {error.lineno}: not valid JSON ({message} at column {error.colno})")


def first_row(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def deduplicate(where: str, name: str, values: pd.DataFrame, row_lines: np.ndarray, notes: list[str]) -> Table:
    """A run's rows by step, sorted; a repeated step keeps its last row, and the notes say so."""
    steps = values.index.to_numpy()
    repeated = pd.Index(steps).duplicated(keep="last")
    if repeated.any():
        shown = sorted({int(step) for step in steps[repeated]})
        listed_steps = ", ".join(map(str, shown[:5])) + (" …" if len(shown) > 5 else "")
        notes.append(f"{where}: step(s) {listed_steps} appear more than once; the last row of each is kept")
    keep = ~repeated
    values = values[keep]
    lines = dict(zip(steps[keep].tolist(), row_lines[keep].tolist(), strict=False))
    return Table(name=name, values=values.sort_index(kind="stable"), line_of_step=lines)
