"""The chart's whole state for a given set of runs and user choices, shared by the first page and the callbacks."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from components.checkpoints import FINAL_LABEL
from components.figures import (
    Chart,
    ChartOptions,
    build_chart,
    build_figure,
    figure_height,
    final_only_steps,
    plotly_text,
)
from components.metrics import DETAIL_PARENTS, subsets_of
from components.palette import run_colours
from components.view import View, make_view, run_names, step_range_after, visible_after
from components.zoom import padded

MAX_SLIDER_MARKS = 60


@dataclass(frozen=True)
class ChartState:
    view: View
    chart: Chart
    metric_options: list[str]
    visible_metrics: list[str]
    slider_bounds: tuple[int, int]
    slider_value: list[int]
    slider_marks: dict[int, str]


def chart_title(view: View) -> str:
    if len(view.runs) == 1:
        return f"RewardBench over training: {plotly_text(view.runs[0])}"
    if view.runs:
        return f"RewardBench over training: {len(view.runs)} runs"
    return "RewardBench over training"


def slider_marks(steps: list[int], max_labels: int = 7) -> dict[int, str]:
    """A mark at every evaluated step (when there are few enough to see), labelled at round steps only."""
    if not steps:
        return {}
    span = max(steps[-1] - steps[0], 1)
    raw = span / max_labels
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    label_every = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    labelled = {
        step: str(step) for step in range(steps[0] - steps[0] % int(label_every), steps[-1] + 1, int(label_every))
    }
    marks = {step: "" for step in steps} if len(steps) <= MAX_SLIDER_MARKS else {}
    # A round label closer to an end's label than half the spacing would be printed over it (12000 beside 12475).
    clear = label_every / 2
    marks.update({step: label for step, label in labelled.items() if steps[0] + clear <= step <= steps[-1] - clear})
    marks[steps[0]] = str(steps[0])
    marks[steps[-1]] = str(steps[-1])
    return dict(sorted(marks.items()))


def chart_state(
    frame: pd.DataFrame,
    selected,
    pattern: str | None = None,
    previous_visible=None,
    previous_options=None,
    previous_range=None,
    previous_bounds=None,
    empty_message: str = "No runs to show",
    options: ChartOptions | None = None,
    hidden_runs=(),
    intervals: pd.DataFrame | None = None,
    near_best=None,
    references=(),
) -> ChartState:
    """Everything the chart and its controls show, keeping the user's metric choices and zoom where they apply."""
    view = make_view(frame, selected, pattern)
    available = list(view.metrics)
    visible = (
        visible_after(previous_visible, previous_options, available) if previous_options is not None else available
    )
    bounds = view.bounds or (0.0, 1.0)
    low, high = step_range_after(previous_range, previous_bounds, view.bounds)
    is_full = (low, high) == bounds
    x_range = padded(bounds) if is_full else padded((low, high))
    chart = build_chart(
        frame,
        view,
        visible_metrics=visible,
        x_range=x_range,
        title=chart_title(view),
        colours=run_colours(run_names(frame)),
        empty_message=empty_message,
        options=options,
        hidden_runs=hidden_runs,
        intervals=intervals,
        near_best=near_best,
        references=references,
    )
    shown = frame[frame["run"].isin(view.runs) & frame["metric"].isin(view.metrics)]
    steps = sorted(int(step) for step in shown["step"].unique())
    marks = slider_marks(steps)
    marks.update({step: FINAL_LABEL for step in final_only_steps(frame, view.runs) if marks.get(step)})
    return ChartState(
        view=view,
        chart=chart,
        metric_options=available,
        visible_metrics=visible,
        slider_bounds=(int(bounds[0]), int(bounds[1])),
        slider_value=[int(round(low)), int(round(high))],
        slider_marks=marks,
    )


def section_options(frame: pd.DataFrame, view: View) -> list[str]:
    """Sections (and Prior Sets) whose subset scores the shown runs carry."""
    metrics = frame.loc[frame["run"].isin(view.runs), "metric"].unique()
    return [parent for parent in DETAIL_PARENTS if subsets_of(parent, metrics)]


def subset_chart(
    frame: pd.DataFrame, view: View, section: str, x_range, options: ChartOptions | None = None,
    intervals: pd.DataFrame | None = None, references=(),
) -> tuple[dict, int | None] | None:  # fmt: skip
    """The subsets of one section over steps for the shown runs and the height it needs; None without subsets."""
    runs = [run for run in view.runs if subsets_of(section, frame.loc[frame["run"] == run, "metric"].unique())]
    subsets = subsets_of(section, frame.loc[frame["run"].isin(runs), "metric"].unique())
    if not subsets:
        return None
    subset_view = View(runs=tuple(runs), metrics=tuple(subsets), bounds=view.bounds)
    title = f"{section} subsets" + (f": {plotly_text(runs[0])}" if len(runs) == 1 else f": {len(runs)} runs")
    options = replace(options or ChartOptions(), best_metric=None)
    figure = build_figure(
        frame,
        subset_view,
        visible_metrics=subsets,
        x_range=x_range,
        title=title,
        colours=run_colours(run_names(frame)),
        options=options,
        intervals=intervals,
        references=references,
    )
    return figure, figure_height(subset_view)
