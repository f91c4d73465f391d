"""What to show, as pure functions of the data and the user's choices: which runs, which metrics, which steps."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import re2

from components.metrics import AXIS_PREFIX, main_metrics


@dataclass(frozen=True)
class View:
    """The runs and metrics on screen, and the steps they span (None when nothing is shown)."""

    runs: tuple[str, ...]
    metrics: tuple[str, ...]
    bounds: tuple[float, float] | None

    @property
    def single_run(self) -> bool:
        return len(self.runs) <= 1


def run_names(frame: pd.DataFrame) -> list[str]:
    """Every run, in the order the data provider gave them (data-path runs first, then uploads)."""
    return [str(run) for run in frame["run"].unique()]  # unique() keeps the order of first appearance


FILTER_MAX_LENGTH = 200  # the view schema (components/viewstate.py) drops a longer filter from a shared link too


def matching_runs(names: list[str], pattern: str | None) -> tuple[list[str], str | None]:
    """Runs whose name matches a regular expression (searched, case-insensitive), and an error for a bad one.

    RE2 matches in time linear in the name, whatever the pattern: Python's re backtracks, and a pattern such as
    (.?){30}(.?){30}# held a worker for a minute. RE2 has no backreferences or lookarounds; such a pattern is
    refused with a message."""
    if not pattern:
        return list(names), None
    if len(pattern) > FILTER_MAX_LENGTH:
        return list(names), f"the filter is longer than {FILTER_MAX_LENGTH} characters; showing every run"
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = 8 << 20  # RE2's own bound on the memory a pattern may compile to
    try:
        compiled = re2.compile(pattern, options)
    except re2.error as error:
        reason = error.args[0].decode(errors="replace") if error.args and isinstance(error.args[0], bytes) else error
        return list(names), f"'{pattern}' is not a valid regular expression ({reason}); showing every run"
    return [name for name in names if compiled.search(name)], None


def make_view(frame: pd.DataFrame, selected, pattern: str | None = None) -> View:
    names = run_names(frame)
    chosen = set(selected or ())
    matching, _ = matching_runs(names, pattern)
    runs = tuple(name for name in matching if name in chosen)
    shown = frame[frame["run"].isin(runs)]
    metrics = tuple(main_metrics(shown["metric"].unique()))
    steps = shown.loc[shown["metric"].isin(metrics), "step"]
    bounds = (float(steps.min()), float(steps.max())) if not steps.empty else None
    return View(runs=runs, metrics=metrics, bounds=bounds)


def selection_after(selected, previous_names, names, uploaded) -> list[str]:
    """Runs to show after the list of runs changes: the user's choice (minus runs that are gone), new uploads,
    and every new run when the user was showing them all."""
    previous = set(previous_names or ())
    chosen = set(selected or ())
    showing_everything = chosen >= previous
    keep = chosen | {name for name in names if name not in previous and (showing_everything or name in uploaded)}
    return [name for name in names if name in keep]


def visible_after(previous_value, previous_options, options) -> list[str]:
    """Metrics to show after the available ones change: keep the user's choices, and show newcomers."""
    previous_value = set(previous_value or ())
    previous_options = set(previous_options or ())
    return [metric for metric in options if metric in previous_value or metric not in previous_options]


def step_range_after(current, old_bounds, new_bounds) -> tuple[float, float]:
    """The step range to keep when the data changes: a zoomed range stays; the full range grows with the run."""
    if new_bounds is None:
        return (0.0, 1.0)
    if not current or old_bounds is None or list(current) == [old_bounds[0], old_bounds[1]]:
        return new_bounds
    low, high = sorted(float(value) for value in current)
    return (max(low, new_bounds[0]), min(high, new_bounds[1])) if low < new_bounds[1] else new_bounds


def axis_columns(frame: pd.DataFrame, view: View) -> list[str]:
    """Columns every shown run carries that can replace training steps on the x axis (epoch, tokens seen)."""
    if not view.runs:
        return []
    shown = frame[frame["run"].isin(view.runs) & frame["metric"].str.startswith(AXIS_PREFIX)]
    per_run = shown.groupby("metric")["run"].nunique()
    return sorted(metric for metric, runs in per_run.items() if runs == len(view.runs))
