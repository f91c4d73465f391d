"""Data files -> one tidy DataFrame (run, step, metric, value); all parsing and validation lives here.

Every problem is reported as a DataError whose message names the file, the line or column, and what
is wrong, so the app can show it as one line instead of a traceback.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd

from components.metrics import METRICS, canonical_metric

log = logging.getLogger(__name__)

TIDY_COLUMNS = ("run", "step", "metric", "value")
_STEP_NAMES = {"step", "steps", "globalstep", "trainingstep"}
_MISSING = {"", "nan", "na", "n/a", "null", "none", "-"}


class DataError(ValueError):
    """A data file that cannot be used; the message says where (file, line, column) and what is wrong."""


def load_run(path: str | Path) -> pd.DataFrame:
    """Read one run from a wide CSV/TSV file (a step column plus one column per metric)."""
    path = Path(path)
    text = _read_text(path)
    table, line_numbers = _parse_table(path, text)
    return _tidy(path, table, line_numbers)


def _read_text(path: Path) -> str:
    if not path.exists():
        raise DataError(f"{path}: no such file")
    if path.is_dir():
        raise DataError(f"{path}: is a directory; expected a CSV or TSV file")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        bad = raw[error.start]
        raise DataError(f"{path} line {line}: not UTF-8 text (byte 0x{bad:02x})") from None
    if not text.strip():
        raise DataError(f"{path}: the file is empty")
    return text


def _delimiter(path: Path, header: str) -> str:
    if path.suffix.lower() == ".tsv" or ("\t" in header and "," not in header):
        return "\t"
    return ","


def _parse_table(path: Path, text: str) -> tuple[pd.DataFrame, list[int]]:
    """The file as a table of strings, and the file line number of each row (header first)."""
    line_numbers = [number for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    header = text.splitlines()[line_numbers[0] - 1]
    try:
        table = pd.read_csv(
            io.StringIO(text),
            sep=_delimiter(path, header),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
        )
    except pd.errors.ParserError as error:
        raise DataError(f"{path}: {_describe_parser_error(str(error))}") from None
    table.columns = [str(column).strip() for column in table.columns]
    if len(table.columns) == 1 and re.search(r"[;|]", table.columns[0]):
        raise DataError(f"{path} line 1: columns must be separated by commas (or tabs); found '{table.columns[0]}'")
    return table, line_numbers


def _describe_parser_error(message: str) -> str:
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if found:
        expected, line, saw = found.groups()
        return f"line {line}: {saw} fields where the header has {expected}"
    return f"cannot be parsed as CSV ({message.strip()})"


def _tidy(path: Path, table: pd.DataFrame, line_numbers: list[int]) -> pd.DataFrame:
    step_column, metric_columns = _classify_columns(path, table.columns)
    if table.empty:
        raise DataError(f"{path}: no data rows below the header")
    row_lines = np.asarray(line_numbers[1 : len(table) + 1])

    steps = _parse_steps(path, table[step_column], step_column, row_lines)
    values = pd.DataFrame(
        {metric: _parse_numbers(path, table[column], column, row_lines) for column, metric in metric_columns.items()}
    )
    values = _as_percent(path, values, metric_columns, row_lines)
    values.insert(0, "step", steps)
    values = _drop_duplicate_steps(path, values, row_lines)

    tidy = values.melt(id_vars="step", var_name="metric", value_name="value")
    tidy.insert(0, "run", path.stem)
    order = tidy["metric"].map({metric: index for index, metric in enumerate(METRICS)})
    tidy = tidy.assign(_order=order).sort_values(["_order", "step"], kind="stable").drop(columns="_order")
    return tidy.reset_index(drop=True).astype({"step": "int64", "value": "float64"})[list(TIDY_COLUMNS)]


def _classify_columns(path: Path, columns) -> tuple[str, dict[str, str]]:
    step_column = next((c for c in columns if re.sub(r"[\s_\-]+", "", c).lower() in _STEP_NAMES), None)
    if step_column is None:
        raise DataError(
            f"{path} line 1: no step column (expected one named step or global_step); found {', '.join(columns)}"
        )
    metric_columns: dict[str, str] = {}
    for column in columns:
        if column == step_column:
            continue
        metric = canonical_metric(column)
        if metric is None:
            raise DataError(
                f"{path} line 1: column '{column}' is not a RewardBench metric (expected {', '.join(METRICS)})"
            )
        clash = next((c for c, m in metric_columns.items() if m == metric), None)
        if clash is not None:
            raise DataError(f"{path} line 1: columns '{clash}' and '{column}' both name {metric}")
        metric_columns[column] = metric
    if not metric_columns:
        raise DataError(f"{path} line 1: no metric columns (expected some of {', '.join(METRICS)})")
    return step_column, metric_columns


def _first_row(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _parse_numbers(path: Path, cells: pd.Series, column: str, row_lines: np.ndarray) -> pd.Series:
    """Numbers from text cells; missing markers become NaN, anything else unparseable is an error."""
    text = cells.str.strip()
    missing = text.str.lower().isin(_MISSING).to_numpy()
    numbers = pd.to_numeric(text.where(~missing), errors="coerce")
    bad = numbers.isna().to_numpy() & ~missing
    if bad.any():
        row = _first_row(bad)
        raise DataError(f"{path} line {row_lines[row]}: column {column}: '{text.iloc[row]}' is not a number")
    infinite = np.isinf(numbers.to_numpy(dtype=float))
    if infinite.any():
        row = _first_row(infinite)
        raise DataError(f"{path} line {row_lines[row]}: column {column}: '{text.iloc[row]}' is not a finite number")
    return numbers.astype(float)


def _parse_steps(path: Path, cells: pd.Series, column: str, row_lines: np.ndarray) -> pd.Series:
    steps = _parse_numbers(path, cells, column, row_lines)
    problems = (
        (steps.isna(), "is empty; every row needs a step"),
        (steps < 0, "is negative; steps count up from 0"),
        (steps != np.floor(steps), "is not a whole number of steps"),
        (steps > np.iinfo(np.int64).max, "is too large for a step"),
    )
    for mask, problem in problems:
        mask = mask.to_numpy()
        if mask.any():
            row = _first_row(mask)
            raise DataError(f"{path} line {row_lines[row]}: column {column}: '{cells.iloc[row].strip()}' {problem}")
    return steps.astype("int64")


def _as_percent(path: Path, values: pd.DataFrame, metric_columns: dict[str, str], row_lines: np.ndarray):
    """Percentages as they are; a file whose every value lies in 0-1 holds fractions and is scaled to percent."""
    finite = values.to_numpy(dtype=float)
    present = finite[~np.isnan(finite)]
    if present.size and present.min() >= 0 and present.max() <= 1:
        return values * 100
    column_of = {metric: column for column, metric in metric_columns.items()}
    for metric in values.columns:
        outside = ((values[metric] < 0) | (values[metric] > 100)).to_numpy()
        if outside.any():
            row = _first_row(outside)
            raise DataError(
                f"{path} line {row_lines[row]}: column {column_of[metric]}: {values[metric].iloc[row]:g} "
                "is outside 0-100 (percent)"
            )
    return values


def _drop_duplicate_steps(path: Path, values: pd.DataFrame, row_lines: np.ndarray) -> pd.DataFrame:
    repeated = values["step"].duplicated(keep="last").to_numpy()
    if repeated.any():
        steps = sorted(set(values.loc[repeated, "step"]))
        log.warning("%s: step(s) %s appear more than once; keeping the last row of each", path, steps)
    return values.loc[~repeated].sort_values("step", kind="stable").reset_index(drop=True)
