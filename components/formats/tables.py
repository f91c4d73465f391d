"""Users' own tables: wide CSV/TSV (a step column and a column per metric) and long CSV/TSV (run, step, metric,
value; one file may hold many runs). Well-formed wide files go through pyarrow's reader in one pass; anything else
is read cell by cell, so that a message can say exactly where a problem is."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from components.formats.base import (
    MAX_STEP,
    MISSING,
    NOT_METRICS,
    DataError,
    Limits,
    RunTables,
    Source,
    Table,
    decode,
    deduplicate,
    first_row,
    listed,
    quoted,
    step_column,
    step_problem,
)
from components.metrics import bound_column, bound_kind, bound_metric, canonical_metric, column_metric, is_score, squash

ENDINGS = (".csv", ".tsv")
DESCRIPTION = "CSV or TSV tables (wide: step, Chat, ...; long: run, step, metric, value)"


def parse(source: Source, intern=None) -> RunTables:
    text = decode(source.where, source.raw)
    suffix = source.filename[source.filename.rfind(".") :].lower()
    name = source.filename[: source.filename.rfind(".")]
    notes: list[str] = []
    fast = _fast_wide_table(name, source.raw, text, suffix)
    tables = [fast] if fast is not None else _parse_table(source.where, name, text, suffix, notes, source.limits)
    return RunTables(tables, notes)


def _delimiter(suffix: str, header: str) -> str:
    if suffix == ".tsv" or ("\t" in header and "," not in header):
        return "\t"
    return ","


def _fast_wide_table(name: str, raw: bytes, text: str, suffix: str) -> Table | None:
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
    step_name = step_column(columns)
    if step_name is None or table.num_rows == 0 or len(set(columns)) != len(columns):
        return None
    metrics = {column: column_metric(column) for column in columns if column != step_name}
    if (
        None in metrics.values()
        or len(set(metrics.values())) != len(metrics)
        or not any(is_score(metric) for metric in metrics.values())
    ):
        return None
    if not all(pa.types.is_integer(kind) or pa.types.is_floating(kind) for kind in table.schema.types):
        return None  # text, dates or true/false somewhere: the careful path says where
    # Empty cells arrive as nulls, which become NaN as floats.
    arrays = {column: table.column(i).cast(pa.float64()).to_numpy() for i, column in enumerate(columns)}
    steps = arrays[step_name]
    values = np.column_stack([arrays[column] for column in metrics])
    if np.isnan(steps).any() or (steps < 0).any() or (steps != np.floor(steps)).any() or (steps > MAX_STEP).any():
        return None
    if np.isinf(values).any() or pd.Index(steps).duplicated().any():
        return None
    order = np.argsort(steps, kind="stable")
    frame = pd.DataFrame(
        values[order], columns=pd.Index(list(metrics.values()), dtype=object), index=steps[order].astype("int64")
    )
    line_of_step = dict(zip(steps.astype("int64").tolist(), range(2, len(steps) + 2), strict=True))
    return Table(name=name, values=frame, line_of_step=line_of_step)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line breaks pandas' CSV reader knows


def _parse_table(where: str, name: str, text: str, suffix: str, notes: list[str], limits: Limits) -> list[Table]:
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
            f"{where} line {first + 1}: columns must be separated by commas (or tabs); this header has ';' or '|' "
            "instead"
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
        return _long_tables(where, name, table, row_lines, notes, limits)
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
    row = first_row(short)
    if writing and row == len(table) - 1:
        notes.append(f"{where} line {row_lines[row]}: incomplete last line (still being written?); skipped")
        return table.iloc[:-1], row_lines[:-1]
    fields = data_lines[row].count(sep) + 1
    raise DataError(f"{where} line {row_lines[row]}: {fields} fields where the header has {expected}")


def _wide_table(where: str, name: str, table: pd.DataFrame, row_lines: np.ndarray, notes: list[str]) -> Table:
    step_name = step_column(table.columns)
    if step_name is None:
        raise DataError(f"{where} line 1: no step column (expected one named step or global_step)")
    metric_columns: dict[str, str] = {}
    unknown = []
    for column in table.columns:
        if column == step_name:
            continue
        metric = column_metric(column)
        if metric is None:
            if squash(column) not in NOT_METRICS:
                unknown.append(column)
            continue
        clash = next((c for c, m in metric_columns.items() if m == metric), None)
        if clash is not None:
            raise DataError(f"{where} line 1: columns {quoted(clash)} and {quoted(column)} both name {metric}")
        metric_columns[column] = metric
    if unknown:
        what = (
            f"column {quoted(unknown[0])} is"
            if len(unknown) == 1
            else f"{len(unknown):,} columns ({listed(unknown)}) are"
        )
        notes.append(f"{where} line 1: {what} not a RewardBench metric; ignored")
    if not any(is_score(metric) for metric in metric_columns.values()):
        raise DataError(f"{where} line 1: no RewardBench metric columns (such as Chat, Chat Hard, Safety, Overall)")
    steps = _parse_steps(where, table[step_name], step_name, row_lines)
    values = pd.DataFrame(
        {metric: _parse_numbers(where, table[column], column, row_lines) for column, metric in metric_columns.items()}
    )
    values.index = steps.to_numpy()
    return deduplicate(where, name, values, row_lines, notes)


def _long_tables(where: str, name: str, table: pd.DataFrame, row_lines: np.ndarray, notes: list[str], limits: Limits):
    columns = {squash(column): column for column in table.columns}
    if "run" in columns:
        runs = table[columns["run"]].str.strip().nunique()
        if runs > limits.max_runs_per_file:
            raise DataError(
                f"{where}: names {runs:,} runs; one file may hold at most {limits.max_runs_per_file:,} "
                "(REWARDBENCH_MAX_RUNS_PER_FILE)"
            )
    step_name = step_column(table.columns)
    if step_name is None:
        raise DataError(f"{where} line 1: no step column (expected one named step or global_step)")
    steps = _parse_steps(where, table[step_name], step_name, row_lines)
    values = _parse_numbers(where, table[columns["value"]], columns["value"], row_lines)
    raw_metrics = table[columns["metric"]].str.strip()
    metrics = raw_metrics.map(lambda name: canonical_metric(name) or bound_column(name))
    unknown = sorted(set(raw_metrics[metrics.isna()]) - {""})
    if unknown:
        shown = ", ".join(quoted(m) for m in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        notes.append(f"{where}: metric(s) {shown} are not RewardBench metrics; ignored")
    runs = table[columns["run"]].str.strip() if "run" in columns else pd.Series(name, index=table.index)
    runs = runs.where(runs != "", name)
    long = pd.DataFrame({"run": runs, "step": steps, "metric": metrics, "value": values, "line": row_lines})
    long = pd.concat([long, *_long_bounds(where, table, long, row_lines)], ignore_index=True)
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
        tables.append(Table(name=str(run), values=wide.sort_index(), line_of_step=lines))
    return tables


def _long_bounds(where: str, table: pd.DataFrame, long: pd.DataFrame, row_lines: np.ndarray) -> list[pd.DataFrame]:
    """A long table's bound columns beside its value ("lo", "hi", "stderr", spelt as loosely as in a wide table's
    "Chat Hard lo"), as rows of their own under the bound's name (components/metrics.py bound_metric)."""
    found = []
    scores = long["metric"].where(long["metric"].map(lambda name: isinstance(name, str) and is_score(name)))
    for column in table.columns:
        kind = bound_kind(column)
        if kind is None:
            continue
        numbers = _parse_numbers(where, table[column], column, row_lines)
        names = scores.map(lambda name, kind=kind: bound_metric(kind, name), na_action="ignore")
        found.append(long.assign(metric=names, value=numbers))
    return found


def _parse_numbers(where: str, cells: pd.Series, column: str, row_lines: np.ndarray) -> pd.Series:
    """Numbers from text cells; missing markers become NaN, anything else unparseable is an error."""
    text = cells.str.strip()
    missing = text.str.lower().isin(MISSING).to_numpy()
    numbers = pd.to_numeric(text.where(~missing), errors="coerce")
    bad = numbers.isna().to_numpy() & ~missing
    if bad.any():
        row = first_row(bad)
        raise DataError(f"{where} line {row_lines[row]}: column {column}: not a number")
    infinite = np.isinf(numbers.to_numpy(dtype=float))
    if infinite.any():
        row = first_row(infinite)
        raise DataError(f"{where} line {row_lines[row]}: column {column}: not a finite number")
    return numbers.astype(float)


def _parse_steps(where: str, cells: pd.Series, column: str, row_lines: np.ndarray) -> pd.Series:
    steps = _parse_numbers(where, cells, column, row_lines)
    invalid = (steps.isna() | (steps < 0) | (steps != np.floor(steps)) | (steps > MAX_STEP)).to_numpy()
    if invalid.any():
        row = first_row(invalid)
        problem = step_problem(float(steps.iloc[row]))
        raise DataError(f"{where} line {row_lines[row]}: column {column}: the step {problem}")
    return steps.astype("int64")
