"""What a researcher decides with: the best checkpoint, summary statistics, smoothing. Pure functions."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from components.checkpoints import FINAL_LABEL
from components.intervals import APPROXIMATE, interval_label, unpaired_change
from components.loader import FINALS

SMOOTHING_OFF = "off"
SMOOTHING_EMA = "ema"
SMOOTHING_MOVING_AVERAGE = "moving-average"
SMOOTHING_MODES = (SMOOTHING_OFF, SMOOTHING_EMA, SMOOTHING_MOVING_AVERAGE)


@dataclass(frozen=True)
class Best:
    run: str
    metric: str
    step: int
    value: float
    tied_steps: tuple[int, ...] = ()  # later steps with the same value; the earliest is picked


def best_checkpoint(steps, values, run: str = "", metric: str = "") -> Best | None:
    """The step with the highest value (the earliest on a tie), or None when there is no value at all."""
    steps = np.asarray(steps)
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    if not finite.any():
        return None
    order = np.argsort(steps, kind="stable")
    steps, values, finite = steps[order], values[order], finite[order]
    peak = values[finite].max()
    at_peak = finite & np.isclose(values, peak, rtol=0, atol=1e-9)
    tied = [int(step) for step in steps[at_peak]]
    return Best(run=run, metric=metric, step=tied[0], value=float(peak), tied_steps=tuple(tied[1:]))


def best_checkpoints(frame: pd.DataFrame, runs, metric: str) -> list[Best]:
    """The best checkpoint of each run by ``metric``, for the runs that have it."""
    lines = dict(tuple(frame[frame["metric"] == metric].groupby("run", sort=False)))
    found = []
    for run in runs:
        points = lines.get(run)
        best = None if points is None else best_checkpoint(points["step"], points["value"], run=run, metric=metric)
        if best is not None:
            found.append(best)
    return found


SUMMARY_FIELDS = (
    "first", "first_step", "last", "last_step", "change", "peak", "peak_step", "lowest", "lowest_step", "mean",
    "volatility",
)  # fmt: skip


def summarize(steps, values) -> dict[str, float | int | None]:
    """Statistics of one line: first, last, change (last - first), peak and lowest with their steps, mean, and
    volatility (standard deviation of the changes between consecutive points). Gaps are skipped; a statistic that
    needs more points than there are is None."""
    steps = np.asarray(steps)
    values = np.asarray(values, dtype=float)
    keep = np.isfinite(values)
    order = np.argsort(steps[keep], kind="stable")
    steps, values = steps[keep][order], values[keep][order]
    if values.size == 0:
        return dict.fromkeys(SUMMARY_FIELDS)
    changes = np.diff(values)
    return {
        "first": float(values[0]),
        "first_step": int(steps[0]),
        "last": float(values[-1]),
        "last_step": int(steps[-1]),
        "change": float(values[-1] - values[0]),
        "peak": float(values.max()),
        "peak_step": int(steps[int(values.argmax())]),
        "lowest": float(values.min()),
        "lowest_step": int(steps[int(values.argmin())]),
        "mean": float(values.mean()),
        "volatility": float(changes.std(ddof=1)) if changes.size >= 2 else None,
    }


def summary_rows(
    frame: pd.DataFrame, runs, metrics, step_range, intervals: pd.DataFrame | None = None, level: float = 95,
    paired_change=None,
) -> list[dict]:  # fmt: skip
    """One row of statistics per run and metric, over the steps inside ``step_range``. With ``intervals``
    (components/intervals.py interval_frame) the first, last and peak values carry theirs as labels
    ("first_interval", ...), and the change its own: ``paired_change(run, first_step, last_step)`` gives the paired
    one by metric where both checkpoints' prompts can be paired (None where not), else it comes from the two
    checkpoints' intervals, approximately."""
    low, high = sorted(step_range)
    inside = frame[frame["step"].between(low, high)]
    # Each line's row positions, not a frame per line: cutting a hundred sub-frames cost more than the statistics.
    positions = inside.groupby(["run", "metric"], sort=False, observed=True).indices
    steps, values = inside["step"].to_numpy(), inside["value"].to_numpy(dtype=float)
    finals = frame.attrs.get(FINALS, {})
    rows = []
    for run in runs:
        for metric in metrics:
            at = positions.get((run, metric))
            if at is None or at.size == 0:
                continue
            row = {"run": run, "metric": metric, **summarize(steps[at], values[at])}
            for field in ("peak_step", "lowest_step"):
                if run in finals and row[field] == finals[run]:
                    row[f"{field}_label"] = FINAL_LABEL
            rows.append(row)
    if rows and intervals is not None and len(intervals):
        bounds = _bounds_at(intervals, rows)
        changes: dict[str, dict] = {}
        for row in rows:
            run = row["run"]
            if paired_change is not None and run not in changes and row["first_step"] != row["last_step"]:
                changes[run] = paired_change(run, row["first_step"], row["last_step"]) or {}
            _add_intervals(row, bounds, changes.get(run, {}).get(row["metric"]), level)
    return rows


def _bounds_at(intervals: pd.DataFrame, rows: list[dict]) -> dict[tuple, tuple[float, float, str]]:
    """The intervals at the points the summary rows name (first, last, peak), by (run, metric, step)."""
    wanted = pd.DataFrame(
        [(row["run"], row["metric"], row[field]) for row in rows for field in ("first_step", "last_step", "peak_step")],
        columns=["run", "metric", "step"],
    ).drop_duplicates()
    found = wanted.merge(intervals.astype({"run": str, "metric": str}), on=["run", "metric", "step"])
    keys = zip(found["run"], found["metric"], found["step"].tolist(), strict=True)
    return dict(zip(keys, zip(found["lo"].tolist(), found["hi"].tolist(), found["kind"].tolist(), strict=True),
                    strict=True))  # fmt: skip


def _add_intervals(row: dict, bounds: dict, paired: tuple | None, level: float) -> None:
    """The summary row's intervals, as labels: first, last and peak as their checkpoints have them, the change
    paired when it can be, else from the first and last intervals (approximate)."""
    found = {}
    for field, step_field in (("first", "first_step"), ("last", "last_step"), ("peak", "peak_step")):
        interval = bounds.get((row["run"], row["metric"], row[step_field]))
        if interval is not None:
            found[field] = interval
            row[f"{field}_interval"] = interval_label(*interval)
    if row["first_step"] == row["last_step"]:
        return
    if paired is not None:
        row["change_interval"] = interval_label(paired[0], paired[1], None, signed=True)
    elif "first" in found and "last" in found:
        lo, hi = unpaired_change(row["change"], found["first"][:2], found["last"][:2], level)
        row["change_interval"] = interval_label(lo, hi, APPROXIMATE, signed=True)


def ema(values, weight: float) -> np.ndarray:
    """TensorBoard's debiased exponential moving average: last = last * w + (1 - w) * x from 0, divided by
    1 - w ** n with n the finite points so far. Non-finite values pass through and do not count."""
    values = np.asarray(values, dtype=float)
    smoothed = values.copy()
    last = 0.0
    count = 0
    for index, value in enumerate(values):
        if not math.isfinite(value):
            continue
        last = last * weight + (1 - weight) * value
        count += 1
        debias = 1.0 if weight == 1 else 1 - weight**count
        smoothed[index] = last / debias
    return smoothed


def moving_average(values, window: int) -> np.ndarray:
    """Centred moving average over ``window`` points (shorter at the ends); non-finite values pass through and
    are left out of their neighbours' means."""
    values = np.asarray(values, dtype=float)
    half = max(int(window), 1) // 2
    series = pd.Series(values)
    means = series.rolling(2 * half + 1, center=True, min_periods=1).mean().to_numpy()
    return np.where(np.isfinite(values), means, values)


def smooth(values, mode: str, weight: float = 0.6, window: int = 5) -> np.ndarray:
    if mode == SMOOTHING_EMA:
        return ema(values, weight)
    if mode == SMOOTHING_MOVING_AVERAGE:
        return moving_average(values, window)
    return np.asarray(values, dtype=float)


INTERVAL_COLUMN = "interval"  # the table's column naming where a row's intervals come from


def visible_table(
    frame: pd.DataFrame, runs, metrics, step_range, intervals: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The plotted numbers as one wide table: a row per run and step inside ``step_range``, a column per metric,
    in the order given (gaps stay empty). With ``intervals`` each metric that has any is followed by its
    "<metric> lo" and "<metric> hi" columns (names this dashboard reads back), and an "interval" column says where
    a row's come from (bootstrap, approximate, file)."""
    low, high = sorted(step_range)
    metrics = list(metrics)
    rows = frame[frame["run"].isin(list(runs)) & frame["metric"].isin(metrics) & frame["step"].between(low, high)]
    if rows.empty:
        return pd.DataFrame(columns=["run", "step", *metrics])
    # Grouped on the (run, step) pairs there are: a pivot of every run by every step gives each run the other runs'
    # steps as empty rows.
    wide = rows.groupby(["run", "step", "metric"], observed=True, sort=False)["value"].last().unstack("metric")
    wide = wide.reindex(columns=[metric for metric in metrics if metric in wide.columns])
    wide.columns = [str(column) for column in wide.columns]
    if intervals is not None and len(intervals):
        wide = _with_bounds(wide, intervals, metrics)
    wide = wide.reset_index()
    order = {run: index for index, run in enumerate(runs)}
    wide = wide.sort_values(["run", "step"], key=lambda column: column.map(order) if column.name == "run" else column)
    wide.columns.name = None
    return wide.reset_index(drop=True)


def _with_bounds(wide: pd.DataFrame, intervals: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    keys = pd.MultiIndex.from_arrays([intervals["run"], intervals["step"], intervals["metric"]])
    bounds = intervals.set_index(keys)[["lo", "hi", "kind"]]
    bounds = bounds[~bounds.index.duplicated()]
    columns, kinds = {}, []
    for metric in wide.columns:
        columns[metric] = wide[metric]
        index = pd.MultiIndex.from_arrays([wide.index.get_level_values(0).astype(str),
                                           wide.index.get_level_values(1), [metric] * len(wide)])  # fmt: skip
        found = bounds.reindex(index)
        if found["lo"].notna().any():
            columns[f"{metric} lo"] = found["lo"].to_numpy()
            columns[f"{metric} hi"] = found["hi"].to_numpy()
            kinds.append(found["kind"].to_numpy())
    if not kinds:
        return wide
    table = pd.DataFrame(columns, index=wide.index)
    by_row = zip(*kinds, strict=True)
    table[INTERVAL_COLUMN] = [", ".join(sorted({kind for kind in row if isinstance(kind, str)})) or None
                              for row in by_row]  # fmt: skip
    return table


# A cell that starts with one of these is a formula to a spreadsheet (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every text cell (and header) that a spreadsheet would run as a formula prefixed with a
    single quote, as OWASP recommends; numbers are left as they are (a negative number is not a formula)."""

    def safe(text):
        return f"'{text}" if isinstance(text, str) and text.startswith(_FORMULA_START) else text

    table = table.rename(columns=safe)
    for column in table.columns:
        if not pd.api.types.is_numeric_dtype(table[column]):
            table[column] = table[column].map(safe)
    return table
