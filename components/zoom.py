"""Step-range zoom as pure functions.

Plotly reports zooms as relayoutData in several shapes; the step slider reports [low, high]. Both are turned
into one plan: the x axis range to show, the slider value to match it, and the y range that fits the data
visible in that window.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

StepRange = tuple[float, float]

_X_RANGE_END = re.compile(r"^xaxis\d*\.range\[([01])\]$")
_X_RANGE = re.compile(r"^xaxis\d*\.range$")
_X_AUTORANGE = re.compile(r"^xaxis\d*\.autorange$")


@dataclass(frozen=True)
class ZoomRequest:
    """What a relayout event asks of the step axis: new ends (None keeps the current end), or the full range."""

    low: float | None = None
    high: float | None = None
    full: bool = False


@dataclass(frozen=True)
class ZoomPlan:
    x_range: StepRange
    slider_value: list[int] | None  # None: the slider already shows this range


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def read_relayout(relayout: dict | None) -> ZoomRequest | None:
    """The step-axis change in a relayoutData dict, or None when it does not touch the step axis."""
    if not relayout:
        return None
    ends: dict[int, float] = {}
    for key, value in relayout.items():
        if _X_AUTORANGE.match(key) and value is True:
            return ZoomRequest(full=True)
        end = _X_RANGE_END.match(key)
        if end and _number(value) is not None:
            ends[int(end.group(1))] = _number(value)
        elif _X_RANGE.match(key) and isinstance(value, (list, tuple)) and len(value) == 2:
            low, high = _number(value[0]), _number(value[1])
            if low is not None and high is not None:
                ends = {0: low, 1: high}
    if not ends:
        return None
    return ZoomRequest(low=ends.get(0), high=ends.get(1))


def padded(step_range: StepRange) -> StepRange:
    """An axis range a little wider than the steps, so the end markers are drawn whole."""
    low, high = step_range
    pad = max((high - low) * 0.02, 1.0)
    return (low - pad, high + pad)


def slider_value_for(x_range: StepRange, bounds: StepRange) -> list[int]:
    """The slider handles that best show an axis range: whole steps, inside the data's bounds."""
    low, high = sorted(x_range)

    def clamp(value: float) -> int:
        return int(round(min(max(value, bounds[0]), bounds[1])))

    return [clamp(low), clamp(high)]


def plan_zoom(
    source: str, slider_value, relayout: dict | None, current: StepRange, bounds: StepRange, scale=None
) -> ZoomPlan | None:
    """The zoom that a slider move, a chart relayout or a reset asks for, in steps; None when nothing changes.

    ``source`` is "slider", "chart" or "reset"; ``current`` is the step range the slider shows now. With an
    AxisScale, the chart's relayout ranges are in its unit and are turned into steps.
    """
    if source == "reset":
        return ZoomPlan(x_range=padded(bounds), slider_value=[int(bounds[0]), int(bounds[1])])
    if source == "slider":
        if not slider_value or len(slider_value) != 2 or None in slider_value:
            return None
        low, high = sorted(float(value) for value in slider_value)
        return ZoomPlan(x_range=padded((low, high)), slider_value=None)
    if source != "chart":
        return None
    request = read_relayout(relayout)
    if request is None:
        return None
    if request.full:
        return ZoomPlan(x_range=padded(bounds), slider_value=[int(bounds[0]), int(bounds[1])])
    if scale is not None:
        current = scale.to_axis(current)
    low = current[0] if request.low is None else request.low
    high = current[1] if request.high is None else request.high
    x_range = (min(low, high), max(low, high))
    if scale is not None:
        x_range = scale.to_steps(x_range)
    return ZoomPlan(x_range=x_range, slider_value=slider_value_for(x_range, bounds))


def step_bounds(frame: pd.DataFrame) -> StepRange:
    return (float(frame["step"].min()), float(frame["step"].max()))


def fit_value_range(frame: pd.DataFrame, metrics, x_range: StepRange, extra=()) -> list[float] | None:
    """A y range around the values of ``metrics`` at steps inside ``x_range`` and the ``extra`` values (reference
    lines across the plot); None when there are none.

    assets/dashboard/lines.js applies the same rule in the browser when lines are shown or hidden.
    """
    low, high = sorted(x_range)
    shown = frame[frame["metric"].isin(list(metrics or ())) & frame["step"].between(low, high)]["value"].dropna()
    values = [*shown.tolist(), *extra]
    if not values:
        return None
    bottom, top = float(min(values)), float(max(values))
    margin = max((top - bottom) * 0.08, 0.5)
    return [bottom - margin, top + margin]


@dataclass(frozen=True)
class AxisScale:
    """Training steps <-> another x axis a run carries (epoch, tokens seen), by interpolating between checkpoints.

    The slider and the data stay in steps; only the chart's x axis is in the other unit.
    """

    steps: tuple[float, ...]
    values: tuple[float, ...]

    def to_axis(self, step_range: StepRange) -> StepRange:
        low, high = np.interp(step_range, self.steps, self.values, left=None, right=None)
        return self._extrapolate(step_range, (float(low), float(high)), self.steps, self.values)

    def to_steps(self, axis_range: StepRange) -> StepRange:
        low, high = np.interp(axis_range, self.values, self.steps)
        return self._extrapolate(axis_range, (float(low), float(high)), self.values, self.steps)

    @staticmethod
    def _extrapolate(ends, mapped, source, target) -> StepRange:
        """Beyond the first and last checkpoint (the padding around the data), continue the end slopes."""
        result = list(mapped)
        if len(source) >= 2:
            for index, end in enumerate(ends):
                if end < source[0]:
                    slope = (target[1] - target[0]) / (source[1] - source[0] or 1)
                    result[index] = target[0] + (end - source[0]) * slope
                elif end > source[-1]:
                    slope = (target[-1] - target[-2]) / (source[-1] - source[-2] or 1)
                    result[index] = target[-1] + (end - source[-1]) * slope
        return (result[0], result[1])


def axis_scale(frame: pd.DataFrame, runs, column: str) -> AxisScale | None:
    """The step <-> ``column`` mapping of the shown runs (the mean where runs differ), or None when the column
    is missing or does not grow with the steps."""
    points = frame[frame["run"].isin(list(runs)) & (frame["metric"] == column)].dropna(subset=["value"])
    if points.empty:
        return None
    mapping = points.groupby("step")["value"].mean().sort_index()
    if len(mapping) < 2 or not mapping.is_monotonic_increasing or mapping.duplicated().any():
        return None
    return AxisScale(tuple(float(s) for s in mapping.index), tuple(float(v) for v in mapping.to_numpy()))
