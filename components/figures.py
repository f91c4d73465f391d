"""Tidy frame + view state -> plotly Figure. Pure: no Dash, no I/O.

One run: one line per metric in one chart. Several runs: one panel per metric (small multiples sharing the
step axis), one colour per run, the same in every panel. Options add smoothing (the raw line kept faint
underneath), a star at each run's best checkpoint, a fixed 0-100 y axis, and a dark theme.
"""

from __future__ import annotations

import copy
import hashlib
import html
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.io as pio

from components.analysis import SMOOTHING_OFF, best_checkpoints, smooth
from components.checkpoints import FINAL_LABEL
from components.intervals import APPROXIMATE, DEFAULT_LEVEL, interval_label
from components.loader import FINALS
from components.metrics import OVERALL, axis_label
from components.palette import MARKER_SYMBOLS, RUN_PALETTE, THEMES, Theme, metric_colour, translucent
from components.references import Reference, chance_level, shown_values
from components.view import View
from components.zoom import AxisScale, StepRange, axis_scale, fit_value_range

FONT_FAMILY = "Inter, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
# The parts of a template that apply to these charts (not maps, polar or 3D scenes); its axis defaults apply to
# every axis, its annotation and shape defaults to every annotation and shape.
_TEMPLATE_KEYS = (
    "autotypenumbers", "colorway", "font", "hovermode", "hoverlabel", "paper_bgcolor", "plot_bgcolor", "title",
)  # fmt: skip
_AXIS_KEY = re.compile(r"([xy])axis\d*$")
_ITEM_DEFAULTS = {"annotations": "annotationdefaults", "shapes": "shapedefaults"}
PANEL_GAP = 0.05
PANEL_HEIGHT_PX = 170
# A panel of the main chart is a figure of its own, with its own step axis.
PANEL_FIGURE_HEIGHT_PX = 210
LINES_PANEL = ""
STEP_AXIS_TITLE = "Training steps"
# Above this many checkpoints a line is drawn without a marker at each one, one pixel wide: every point is still a
# vertex of the line (and zoom shows each), but thousands of SVG markers make drawing and every update many times
# slower, and without a GPU the browser paints one-pixel lines about five times faster than wider ones.
MARKER_LIMIT = 120
DENSE_LINE_WIDTH = 1
FULL_SCALE = (0.0, 100.0)
# The one-run chart's top margin with the best checkpoint's label in it, under the title.
BEST_LABEL_MARGIN_PX = 80


_TEMPLATE_LAYOUTS = {theme.template: pio.templates[theme.template].layout.to_plotly_json() for theme in THEMES.values()}


@dataclass(frozen=True)
class ChartOptions:
    """How to draw: smoothing ("off", "ema", "moving-average"), the metric whose best checkpoint is starred
    (None for none), the y scale ("fit" the visible data, or "full" 0-100), the colour theme, and the intervals'
    bands and level."""

    smoothing: str = SMOOTHING_OFF
    ema_weight: float = 0.6
    window: int = 5
    best_metric: str | None = "Overall"
    y_scale: str = "fit"
    theme: str = "light"
    x_axis: str = "step"  # or an axis column the runs carry, such as "x:Epoch"
    bands: bool = True  # a shaded band of each line's interval, where it has one
    level: int = DEFAULT_LEVEL  # of the intervals, in percent
    chance: bool = False  # a line at the chance level in each panel (50 %; RewardBench 2: 25 %)

    @property
    def palette(self) -> Theme:
        return THEMES.get(self.theme, THEMES["light"])


def plotly_text(text: str) -> str:
    """Names from files, shown by Plotly as text: its labels would otherwise read tags such as <b> or <a>."""
    return html.escape(str(text), quote=False)


def trace_uid(*parts: str) -> str:
    """A stable trace id (Plotly keeps legend clicks across updates by it) that is safe in a CSS selector."""
    return "t" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:12]


def axis_names(index: int) -> tuple[str, str]:
    """Layout key and trace reference of the y axis of panel ``index`` (0-based): ("yaxis", "y"), ("yaxis2", "y2")."""
    suffix = "" if index == 0 else str(index + 1)
    return f"yaxis{suffix}", f"y{suffix}"


def panel_domains(count: int, gap: float = PANEL_GAP) -> list[tuple[float, float]]:
    """Vertical extents of ``count`` stacked panels, top first."""
    if count <= 0:
        return []
    height = (1 - gap * (count - 1)) / count
    tops = [1 - i * (height + gap) for i in range(count)]
    return [(max(0.0, round(top - height, 9)), min(1.0, round(top, 9))) for top in tops]


def figure_height(view: View) -> int | None:
    """Pixels a panels chart needs; None lets the one-chart view fill its box."""
    return None if view.single_run else 90 + PANEL_HEIGHT_PX * max(len(view.metrics), 1)


def y_range(
    frame: pd.DataFrame, metrics, x_range: StepRange, options: ChartOptions, references=()
) -> list[float] | None:
    if options.y_scale == "full":
        return list(FULL_SCALE)
    return fit_value_range(frame, metrics, x_range, shown_values(references, metrics, options.chance))


REFERENCE_DASH, CHANCE_DASH = "dash", "dot"


def _reference_marks(metrics, references, options: ChartOptions, yref: str, colour_of, shown=None) -> tuple:
    """The reference lines of ``metrics`` across a plot (a dashed line over the band of its interval, labelled
    at the right) and, with options.chance, the chance level (dotted): (shapes, annotations, the values each
    metric's lines put on the y axis, for the browser's fit). Named "ref:<metric>" so that they follow their
    metric's toggle (assets/dashboard/lines.js)."""
    shapes, annotations, values = [], [], {}
    shown = set(metrics) if shown is None else set(shown)
    marks = [(reference, REFERENCE_DASH) for reference in references if reference.metric in set(metrics)]
    if options.chance:
        # One line per chance level: it belongs to no one metric, and stays while its metrics come and go.
        levels = {chance_level(metric): metric for metric in metrics}
        marks += [(Reference("chance", metric, level), CHANCE_DASH) for level, metric in levels.items()]
        for metric in metrics:
            values.setdefault(metric, []).append(chance_level(metric))
    several = len(metrics) > 1
    for index, (reference, dash) in enumerate(marks):
        chance = dash == CHANCE_DASH
        colour = options.palette.axis_line if chance else colour_of(reference.metric)
        visible = chance or reference.metric in shown
        name = "chance" if chance else f"ref:{reference.metric}"
        across = {"xref": "paper", "x0": 0, "x1": 1, "yref": yref, "name": name, "visible": visible}
        if reference.lo is not None and reference.hi is not None and options.bands:
            band = translucent(colour, 0.1)
            shapes.append({"type": "rect", "y0": reference.lo, "y1": reference.hi, "fillcolor": band,
                           "line": {"width": 0}, "layer": "below", **across})  # fmt: skip
        shapes.append({"type": "line", "y0": reference.value, "y1": reference.value,
                       "line": {"color": colour, "width": 1.5, "dash": dash}, **across})  # fmt: skip
        interval = (f" ({interval_label(reference.lo, reference.hi, APPROXIMATE if reference.approximate else None)})"
                    if reference.lo is not None else "")  # fmt: skip
        # In the one-run chart several metrics' lines lie close: each label names its metric, every other one
        # under its line.
        what = "" if chance or not several else f" {plotly_text(reference.metric)}"
        annotations.append({"x": 1, "xref": "paper", "xanchor": "right", "y": reference.value, "yref": yref,
                            "yanchor": "top" if several and index % 2 else "bottom", "showarrow": False,
                            "font": {"size": 11, "color": colour}, "name": name, "visible": visible,
                            "text": f"{plotly_text(reference.name)}{what} {reference.value:.1f}%{interval}",
                            })  # fmt: skip
        if not chance:
            values.setdefault(reference.metric, []).extend(shown_values([reference], [reference.metric], False))
    return shapes, annotations, values


def step_axis(frame: pd.DataFrame, view: View, options: ChartOptions) -> AxisScale | None:
    """The scale of the chosen x axis column, or None for training steps (or a column the runs lack)."""
    return None if options.x_axis == "step" else axis_scale(frame, view.runs, options.x_axis)


def _x_values(frame: pd.DataFrame, run: str, steps: np.ndarray, scale: AxisScale | None, options: ChartOptions):
    if scale is None:
        return steps
    column = frame[(frame["run"] == run) & (frame["metric"] == options.x_axis)]
    mapping = dict(zip(column["step"], column["value"], strict=True))
    return _nullable([mapping.get(step, np.nan) for step in steps])


def _base_layout(title: str, x_range: StepRange, view_kind: str, panels: list[str], options: ChartOptions,
                 scale: AxisScale | None = None) -> dict:  # fmt: skip
    theme = options.palette
    axis_title = STEP_AXIS_TITLE if scale is None else axis_label(options.x_axis)
    axis_range = x_range if scale is None else scale.to_axis(x_range)
    return {
        "title": {"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 18}},
        "paper_bgcolor": theme.background,
        "plot_bgcolor": theme.background,
        "font": {"family": FONT_FAMILY, "size": 13, "color": theme.text},
        "hovermode": "x unified",
        "dragmode": "zoom",
        # Keeps the user's legend clicks and pan/zoom mode when the figure is updated.
        "uirevision": "rewardbench-chart",
        "legend": {"x": 1.01, "xanchor": "left", "y": 1, "yanchor": "top"},
        "margin": {"l": 64, "r": 24, "t": 56, "b": 56},
        "meta": {"view": view_kind, "panels": panels, "y_scale": options.y_scale},
        "xaxis": {
            "title": {"text": axis_title},
            "range": list(axis_range),
            "showgrid": True,
            "gridcolor": theme.grid,
            "zeroline": False,
            "showline": True,
            "linecolor": theme.axis_line,
            "unifiedhovertitle": {"text": "Step %{x}" if scale is None else f"{axis_title} %{{x}}"},
        },
    }


def _y_axis(options: ChartOptions, **extra) -> dict:
    theme = options.palette
    return {
        # Zooming picks steps; the y axis then fits the visible values by itself.
        "fixedrange": True,
        "showgrid": True,
        "gridcolor": theme.grid,
        "zeroline": False,
        "showline": True,
        "linecolor": theme.axis_line,
        **extra,
    }


class _Lines:
    """The points of each (run, metric) line of the shown runs, split once rather than filtered per line."""

    def __init__(self, frame: pd.DataFrame, runs) -> None:
        shown = frame[frame["run"].isin(list(runs))]
        self._groups = {key: points for key, points in shown.groupby(["run", "metric"], sort=False)}
        self._empty = shown.iloc[:0]

    def __call__(self, run: str, metric: str) -> pd.DataFrame:
        return self._groups.get((run, metric), self._empty).sort_values("step")


class Bounds:
    """The intervals of each (run, metric) line (components/intervals.py interval_frame), by step."""

    def __init__(self, intervals: pd.DataFrame | None, runs=None) -> None:
        self._groups = {}
        if intervals is not None and len(intervals):
            shown = intervals if runs is None else intervals[intervals["run"].isin(list(runs))]
            self._groups = {key: rows.set_index("step") for key, rows in shown.groupby(["run", "metric"], sort=False)}

    def __call__(self, run: str, metric: str, steps: np.ndarray) -> pd.DataFrame | None:
        """lo, hi and kind at each of ``steps`` (NaN and None where a step has none), or None without any."""
        rows = self._groups.get((run, metric))
        if rows is None:
            return None
        aligned = rows.reindex(steps)
        return None if aligned["lo"].isna().all() else aligned


NO_BOUNDS = Bounds(None)


def _hover_intervals(bounds: pd.DataFrame | None, count: int) -> list[str]:
    if bounds is None:
        return [""] * count
    return [
        "" if np.isnan(lo) else f" ({interval_label(lo, hi, kind)})"
        for lo, hi, kind in zip(bounds["lo"].to_numpy(), bounds["hi"].to_numpy(), bounds["kind"].tolist(), strict=True)
    ]


def _band_trace(x, bounds: pd.DataFrame, *, colour: str, uid: str, meta: dict, common: dict) -> dict:
    """An interval's band: one closed shape per stretch of steps that all have an interval (Plotly closes each
    segment between gaps of its own: fill "toself")."""
    # Two decimals are finer than a pixel, and a band's numbers are a large part of a page's bytes.
    lo, hi = np.round(bounds["lo"].to_numpy(dtype=float), 2), np.round(bounds["hi"].to_numpy(dtype=float), 2)
    x = np.asarray(x, dtype=float)
    present = ~np.isnan(lo) & ~np.isnan(hi) & ~np.isnan(x)
    xs, ys = [], []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], present.astype(int), [0]])))
    gap = np.array([np.nan])  # sent as null: where one shape ends and the next begins
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        xs += [gap, x[start:end], x[start:end][::-1]]
        ys += [gap, hi[start:end], lo[start:end][::-1]]
    return _scatter(
        x=np.concatenate(xs[1:]) if xs else np.array([]),
        y=np.concatenate(ys[1:]) if ys else np.array([]),
        name=meta.get("run") or meta.get("metric"),
        uid=uid + "b",
        meta={**meta, "band": True},
        mode="lines",
        fill="toself",
        fillcolor=translucent(colour),
        line={"width": 0, "color": colour},
        hoverinfo="skip",
        showlegend=False,
        **common,
    )


def _nullable(values) -> np.ndarray:
    # Sent as JSON, where NaN becomes null: a gap in the line.
    return np.asarray(values, dtype=float)


FINAL_HOVER = " (final model)"


def final_steps(frame: pd.DataFrame, runs) -> dict[str, int]:
    """The step each of ``runs`` draws its final model at, for the runs that have one (a result file with no step
    in its path: components/checkpoints.py places it one checkpoint interval after the last step)."""
    finals = frame.attrs.get(FINALS, {})
    return {run: finals[run] for run in runs if run in finals}


def final_only_steps(frame: pd.DataFrame, runs) -> set[int]:
    """The steps where only final models of ``runs`` are drawn (no run has a checkpoint of its own there): such a
    step can be labelled "final" wherever steps are shown."""
    finals = final_steps(frame, runs)
    if not finals:
        return set()
    at_finals = frame[frame["run"].isin(list(runs)) & frame["step"].isin(list(finals.values()))]
    pairs = zip(at_finals["run"], at_finals["step"].tolist(), strict=True)
    taken = {step for run, step in pairs if finals.get(run) != step}
    return set(finals.values()) - taken


def _mark_finals(layout: dict, frame: pd.DataFrame, runs, options: ChartOptions) -> None:
    """Labels the steps where shown runs' final models are drawn "final": as the x axis's tick label where no shown
    run has a checkpoint of its own at that step (Plotly's labelalias replaces a label it would have drawn; steps
    below 10,000 are drawn as plain numbers), else at the foot of the plot."""
    finals = final_steps(frame, runs)
    if options.x_axis != "step" or not finals:
        return
    aliased = {step for step in final_only_steps(frame, runs) if step < 10_000}
    if aliased:
        layout["xaxis"]["labelalias"] = {str(step): FINAL_LABEL for step in sorted(aliased)}
    layout["annotations"] = [*layout.get("annotations", []), *(
        {"x": step, "xref": "x", "y": 0, "yref": "paper", "yanchor": "bottom", "text": FINAL_LABEL, "showarrow": False,
         "font": {"size": 11, "color": options.palette.axis_line}, "name": "final"}
        for step in sorted(set(finals.values()) - aliased)
    )]  # fmt: skip


def best_place(best, finals: dict[str, int]) -> str:
    """Where a best checkpoint is, in words: 'step 400', or 'the final model'."""
    return "the final model" if finals.get(best.run) == best.step else f"step {best.step}"


def _line_traces(
    points, *, name, colour, width, marker_size, meta, uid, visible, options, axes=None, group=None, in_panel=False,
    x=None, symbol="circle", final_step=None, bounds=None,
):  # fmt: skip
    """The traces of one line: the line itself, or with smoothing on, the smoothed line over a faint raw one,
    over the band of its interval (``bounds``, Bounds' answer) when it has one and bands are on. In a panel the
    legend lists runs (on separate traces) and the hover names each point's step; the point of a run's final model
    (``final_step``) is named "final model" instead. The hover gives each point's interval."""
    axes = axes or {}
    hover_suffix = " (step %{x})" if in_panel and options.x_axis == "step" else ""
    raw = points["value"].to_numpy(dtype=float)
    raw_values = _nullable(raw)
    steps = points["step"].to_numpy() if x is None else x
    if options.x_axis != "step":  # a click names the checkpoint under a point by its step (assets/dashboard/compare.js)
        meta = {**meta, "steps": points["step"].tolist()}
    labels = {}
    if (final_step is not None and options.x_axis == "step") or bounds is not None:
        final = points["step"].to_numpy() == (final_step if options.x_axis == "step" else None)
        step_label = [f" (step {step})" if in_panel and options.x_axis == "step" else ""
                      for step in points["step"].tolist()]  # fmt: skip
        interval = _hover_intervals(bounds, len(points))
        labels = {"text": [around + (FINAL_HOVER if is_final else label) for around, is_final, label in
                           zip(interval, final, step_label, strict=True)]}  # fmt: skip
        hover_suffix = "%{text}"
    dense = len(steps) > MARKER_LIMIT
    with_markers = "lines" if dense else "lines+markers"
    width = DENSE_LINE_WIDTH if dense else width
    common = {"legendgroup": group or meta.get("metric"), "visible": visible, "connectgaps": False, **axes}
    band = (
        [_band_trace(steps, bounds, colour=colour, uid=uid, meta=meta, common=common)]
        if bounds is not None and options.bands
        else []
    )
    if options.smoothing == SMOOTHING_OFF:
        return band + [
            _scatter(
                x=steps,
                y=raw_values,
                name=name,
                uid=uid,
                meta=meta,
                mode=with_markers,
                line={"color": colour, "width": width},
                marker=_marker(colour, marker_size, symbol, options),
                hovertemplate="%{y:.1f}%" + hover_suffix,
                showlegend=not in_panel,
                **labels,
                **common,
            )
        ]
    smoothed = smooth(raw, options.smoothing, options.ema_weight, options.window)
    return band + [
        _scatter(
            x=steps,
            y=raw_values,
            name=name,
            uid=uid + "r",
            meta={**meta, "raw": True},
            mode=with_markers,
            line={"color": colour, "width": 1},
            marker={"size": max(marker_size - 2, 3), "color": colour},
            opacity=0.3,
            hoverinfo="skip",
            showlegend=False,
            **common,
        ),
        _scatter(
            x=steps,
            y=_nullable(smoothed),
            customdata=raw_values,
            name=name,
            uid=uid,
            meta=meta,
            mode="lines",
            line={"color": colour, "width": width},
            hovertemplate="%{y:.1f}% (raw %{customdata:.1f}%)" + hover_suffix,
            showlegend=not in_panel,
            **labels,
            **common,
        ),
    ]


def _scatter(**properties) -> dict:
    return {"type": "scatter", **properties}


def _figure(traces: list, layout: dict, theme: Theme) -> dict:
    # Plain dicts, not plotly objects: plotly copies and checks every value of a figure object when it is made and
    # again when it is sent, which took most of a second for twenty runs. The traces are made here from checked
    # data, and the unit tests read the figures back through plotly.
    return {"data": traces, "layout": _with_template(layout, theme)}


def _with_template(layout: dict, theme: Theme) -> dict:
    """``layout`` with the theme's template written in wherever it sets no value itself, and no template.

    The look is the template's, but a figure carrying a template is recalculated whole on every update: dcc.Graph
    deep-copies the layout it is given, and Plotly takes the copied template for a new one (each zoom recalculated
    the points of every line, though none had changed)."""
    defaults = _TEMPLATE_LAYOUTS[theme.template]
    merged = {key: copy.deepcopy(defaults[key]) for key in _TEMPLATE_KEYS if key in defaults}
    for key, value in layout.items():
        axis = _AXIS_KEY.match(key)
        base = defaults.get(f"{axis.group(1)}axis") if axis else merged.get(key)
        if key in _ITEM_DEFAULTS:
            item_defaults = defaults.get(_ITEM_DEFAULTS[key], {})
            merged[key] = [_merge(item_defaults, item) for item in value]
        else:
            merged[key] = _merge(base, value) if isinstance(base, dict) and isinstance(value, dict) else value
    return merged


def _merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        below = merged.get(key)
        merged[key] = _merge(below, value) if isinstance(below, dict) and isinstance(value, dict) else value
    return merged


def _marker(colour: str, size: int, symbol: str, options: ChartOptions) -> dict:
    # A thin outline in the text colour keeps light markers visible on a light background.
    return {"size": size, "color": colour, "symbol": symbol, "line": {"color": options.palette.text, "width": 0.6}}


def _best_trace(best, colour: str, options: ChartOptions, visible, axes=None, x=None) -> dict:
    tie = f" (first of {len(best.tied_steps) + 1} tied steps)" if best.tied_steps else ""
    return _scatter(
        x=[best.step if x is None else x],
        y=[best.value],
        name=f"Best {plotly_text(best.metric)}",
        uid=trace_uid(best.run, best.metric, "best"),
        meta={"metric": best.metric, "run": best.run, "best": True, "step": int(best.step)},
        legendgroup=best.metric if axes is None else best.run,
        mode="markers",
        marker={"symbol": "star", "size": 16, "color": colour, "line": {"color": options.palette.text, "width": 1}},
        visible=visible,
        showlegend=False,
        hovertemplate=f"best checkpoint{tie}<extra></extra>",
        **(axes or {}),
    )


def _near_best_trace(frame, lines, best, steps, colour: str, options: ChartOptions, visible, scale, axes=None) -> dict:
    """Rings around the checkpoints within noise of the best one (``steps``: components/best.py near_best), on
    its line (``lines``: _Lines) and at their places on the chosen x axis (``scale``)."""
    points = lines(best.run, best.metric)
    at = points[points["step"].isin(list(steps))]
    return _scatter(
        x=_x_values(frame, best.run, at["step"].to_numpy(), scale, options),
        y=at["value"].tolist(),
        name=f"Within noise of the best {plotly_text(best.metric)}",
        uid=trace_uid(best.run, best.metric, "near-best"),
        meta={"metric": best.metric, "run": best.run, "near_best": True, "steps": at["step"].tolist()},
        legendgroup=best.metric if axes is None else best.run,
        mode="markers",
        marker={"symbol": "circle-open", "size": 15, "color": colour, "line": {"width": 2}},
        visible=visible,
        showlegend=False,
        hovertemplate="within noise of the best<extra></extra>",
        **(axes or {}),
    )


def build_figure(
    frame: pd.DataFrame,
    view: View,
    *,
    visible_metrics,
    x_range: StepRange,
    title: str,
    colours: dict[str, str] | None = None,
    empty_message: str = "No runs to show",
    options: ChartOptions | None = None,
    intervals: pd.DataFrame | None = None,
    near_best=None,
    references=(),
) -> dict:
    """The chart for ``view``: metrics not in ``visible_metrics`` are hidden (their legend entry or panel); each
    line's interval (``intervals``: components/intervals.py interval_frame) in its hover and as a band, and the
    checkpoints within noise of a run's best (``near_best``: run -> steps) ringed; ``references``
    (components/references.py) across the plot."""
    options = options or ChartOptions()
    if not view.runs or not view.metrics:
        return empty_figure(title, empty_message, options)
    bounds = Bounds(intervals, view.runs)
    near = dict(near_best or {})
    if view.single_run:
        return _lines_figure(frame, view, set(visible_metrics or ()), x_range, title, options, bounds, near,
                             references)  # fmt: skip
    return _panels_figure(frame, view, set(visible_metrics or ()), x_range, title, colours or {}, options, bounds,
                          near, references)  # fmt: skip


def empty_figure(title: str, message: str, options: ChartOptions | None = None) -> dict:
    theme = (options or ChartOptions()).palette
    layout = {
        "title": {"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 18}},
        "paper_bgcolor": theme.background,
        "plot_bgcolor": theme.background,
        "font": {"family": FONT_FAMILY, "size": 13, "color": theme.text},
        "xaxis": {"visible": False},
        "yaxis": {"visible": False},
        "meta": {"view": "empty", "panels": []},
        "annotations": [
            {"text": plotly_text(message), "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}
        ],
    }
    return _figure([], layout, theme)


def _lines_figure(frame, view: View, visible: set[str], x_range, title: str, options: ChartOptions,
                  bounds: Bounds = NO_BOUNDS, near: dict | None = None, references=()) -> dict:  # fmt: skip
    run = view.runs[0]
    scale = step_axis(frame, view, options)
    lines = _Lines(frame, view.runs)
    finals = final_steps(frame, view.runs)
    traces = []
    for index, metric in enumerate(view.metrics):
        points = lines(run, metric)
        for trace in _line_traces(
            points,
            x=_x_values(frame, run, points["step"].to_numpy(), scale, options),
            name=plotly_text(metric),
            colour=metric_colour(metric, index),
            width=2.5,
            marker_size=6,
            meta={"metric": metric},
            uid=trace_uid(metric),
            visible=True if metric in visible else "legendonly",
            options=options,
            symbol=MARKER_SYMBOLS[index % len(MARKER_SYMBOLS)],
            final_step=finals.get(run),
            bounds=bounds(run, metric, points["step"].to_numpy()),
        ):
            traces.append(trace)
    layout = _base_layout(title, x_range, "lines", list(view.metrics), options, scale)
    # The metrics drawn visible, which the browser keeps up to date as it shows and hides lines (lines.js).
    layout["meta"]["shown"] = [metric for metric in view.metrics if metric in visible]
    layout["meta"]["run"] = run
    layout["legend"]["title"] = {"text": "Metric"}
    run_frame = frame[frame["run"] == run]
    layout["yaxis"] = _y_axis(
        options, title={"text": "RewardBench (%)"}, range=y_range(run_frame, visible, x_range, options, references)
    )
    annotations = []
    if options.best_metric in view.metrics:
        for best in best_checkpoints(frame, [run], options.best_metric):
            is_shown = best.metric in visible
            colour = metric_colour(best.metric, view.metrics.index(best.metric))
            best_x = _x_values(frame, run, [best.step], scale, options)[0]
            traces.append(_best_trace(best, colour, options, True if is_shown else "legendonly", x=best_x))
            if (near or {}).get(run):
                shown_as = True if is_shown else "legendonly"
                traces.append(_near_best_trace(frame, lines, best, near[run], colour, options, shown_as, scale))
            # Above the plot area, over the star's step: inside it, the label covered other lines. Near an end of
            # the axis it reaches inwards, so that a narrow chart does not cut it off.
            low, high = sorted(x_range) if scale is None else (None, None)
            where = (best_x - low) / (high - low) if low is not None and high > low else 0.5
            annotations.append(
                {
                    "x": best_x,
                    "xanchor": "right" if where > 0.7 else ("left" if where < 0.3 else "center"),
                    "y": 1,
                    "yref": "paper",
                    "yanchor": "bottom",
                    "yshift": 4,
                    "text": f"★ Best {plotly_text(best.metric)}: {best.value:.1f}% at {best_place(best, finals)}"
                    + (f"; ○ within noise: {len(near[run])} more" if (near or {}).get(run) else ""),
                    "showarrow": False,
                    "bgcolor": options.palette.background,
                    "bordercolor": colour,
                    "font": {"size": 12},
                    "visible": is_shown,
                    "name": f"best:{best.metric}",
                }
            )
    layout["margin"] = {**layout["margin"], "t": BEST_LABEL_MARGIN_PX} if annotations else layout["margin"]
    colour_of = lambda metric: metric_colour(metric, view.metrics.index(metric))  # noqa: E731
    shapes, labels, values = _reference_marks(view.metrics, references, options, "y", colour_of, visible)
    layout.update(annotations=annotations + labels, shapes=shapes)
    layout["meta"]["references"] = values
    _mark_finals(layout, frame, view.runs, options)
    figure = _figure(traces, layout, options.palette)
    return figure


def _panel_traces(frame, lines, view: View, metric: str, colours, options, *, visible, axes, scale,
                  bounds: Bounds = NO_BOUNDS, near: dict | None = None) -> list[dict]:  # fmt: skip
    """The lines of one metric, one per run, with each run's star when the metric is the best one's."""
    traces = []
    finals = final_steps(frame, view.runs)
    for run in view.runs:
        points = lines(run, metric)
        if points.empty:
            continue
        colour = colours.get(run, RUN_PALETTE[0])
        traces += _line_traces(
            points,
            x=_x_values(frame, run, points["step"].to_numpy(), scale, options),
            name=plotly_text(run),
            colour=colour,
            width=2,
            marker_size=5,
            meta={"metric": metric, "run": run},
            uid=trace_uid(run, metric),
            visible=visible(run),
            options=options,
            axes=axes,
            group=run,
            in_panel=True,
            final_step=finals.get(run),
            bounds=bounds(run, metric, points["step"].to_numpy()),
        )
    if metric == options.best_metric:
        shown = frame[frame["run"].isin(view.runs)]
        for best in best_checkpoints(shown, view.runs, metric):
            best_x = _x_values(frame, best.run, [best.step], scale, options)[0]
            colour = colours.get(best.run, RUN_PALETTE[0])
            traces.append(_best_trace(best, colour, options, visible(best.run), axes, x=best_x))
            if (near or {}).get(best.run):
                traces.append(_near_best_trace(frame, lines, best, near[best.run], colour, options, visible(best.run),
                                               scale, axes))  # fmt: skip
    return traces


def _panel_label(metric: str, reference: str, is_shown: bool = True) -> dict:
    return {
        "text": f"<b>{plotly_text(metric)}</b>",
        "xref": "paper",
        "yref": f"{reference} domain",
        "x": 0,
        "y": 1,
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "visible": is_shown,
        "name": metric,
    }


def _legend_trace(run: str, colour: str, visible=True) -> dict:
    # A trace without points: the legend entry of a run, whatever panels are shown.
    return _scatter(
        x=[None],
        y=[None],
        name=plotly_text(run),
        legendgroup=run,
        showlegend=True,
        uid=trace_uid(run, "legend"),
        meta={"run": run, "legend": True},
        mode="lines+markers",
        line={"color": colour, "width": 2},
        marker={"size": 5, "color": colour},
        hoverinfo="skip",
        visible=visible,
    )


EXPORT_WIDTH_PX = 1100
EXPORT_HEIGHT_PX = 560


def export_figure(
    frame: pd.DataFrame, view: View, *, visible_metrics, hidden_runs, x_range: StepRange, title: str, colours,
    options: ChartOptions, intervals: pd.DataFrame | None = None, near_best=None, references=(),
) -> dict:  # fmt: skip
    """The chart as one figure for a PNG or SVG download: the one-run chart, or the shown panels stacked with the
    runs still shown in the legend beside them."""
    metrics = tuple(metric for metric in view.metrics if metric in set(visible_metrics or ()))
    runs = view.runs if view.single_run else tuple(run for run in view.runs if run not in set(hidden_runs or ()))
    shown = View(runs=runs, metrics=view.metrics if view.single_run else metrics, bounds=view.bounds)
    figure = build_figure(frame, shown, visible_metrics=metrics, x_range=x_range, title=title, colours=colours,
                          options=options, intervals=intervals, near_best=near_best,
                          references=references)  # fmt: skip
    figure["layout"]["width"] = EXPORT_WIDTH_PX
    figure["layout"]["height"] = figure_height(shown) or EXPORT_HEIGHT_PX
    return figure


def _panels_figure(frame, view: View, visible: set[str], x_range, title: str, colours, options,
                   bounds: Bounds = NO_BOUNDS, near: dict | None = None, references=()) -> dict:  # fmt: skip
    """All panels in one figure (the subset chart): shown panels share the height, hidden ones are folded away."""
    traces = []
    shown_panels = [metric for metric in view.metrics if metric in visible]
    domains = dict(zip(shown_panels, panel_domains(len(shown_panels)), strict=True))
    shown = frame[frame["run"].isin(view.runs)]
    lines = _Lines(shown, view.runs)
    scale = step_axis(frame, view, options)
    layout = _base_layout(title, x_range, "panels", list(view.metrics), options, scale)
    layout["legend"]["title"] = {"text": "Run"}
    layout["xaxis"].update({"anchor": "free", "position": 0})
    annotations = []
    for index, metric in enumerate(view.metrics):
        layout_key, reference = axis_names(index)
        is_shown = metric in visible
        layout[layout_key] = _y_axis(
            options,
            domain=list(domains.get(metric, (0, 0.01))),
            visible=is_shown,
            ticksuffix="%",
            nticks=5,
            range=y_range(shown, [metric], x_range, options, references),
        )
        annotations.append(_panel_label(metric, reference, is_shown))
        marks, labels, _ = _reference_marks([metric], references, options, reference, lambda _m: options.palette.text,
                                            [metric] if is_shown else [])  # fmt: skip
        layout.setdefault("shapes", []).extend(marks)
        annotations += labels
        axes = {"xaxis": "x", "yaxis": reference}
        traces += _panel_traces(
            frame, lines, view, metric, colours, options, visible=lambda _run, shown=is_shown: shown, axes=axes,
            scale=scale, bounds=bounds, near=near,
        )  # fmt: skip
    traces += [_legend_trace(run, colours.get(run, RUN_PALETTE[0])) for run in view.runs]
    layout["annotations"] = annotations
    _mark_finals(layout, frame, view.runs, options)
    layout["margin"] = {"l": 64, "r": 24, "t": 72, "b": 56}
    return _figure(traces, layout, options.palette)


@dataclass(frozen=True)
class Chart:
    """The main chart: one figure per panel, keyed by metric (the one-run chart is a single panel keyed ""), and
    with several runs a legend of runs. Panels are separate figures so that hiding one redraws nothing else."""

    title: str
    panels: dict[str, dict]
    shown: tuple[str, ...] = (LINES_PANEL,)
    legend: dict | None = None  # None for the one-run chart


def build_chart(
    frame: pd.DataFrame,
    view: View,
    *,
    visible_metrics,
    x_range: StepRange,
    title: str,
    colours: dict[str, str] | None = None,
    empty_message: str = "No runs to show",
    options: ChartOptions | None = None,
    hidden_runs=(),
    intervals: pd.DataFrame | None = None,
    near_best=None,
    references=(),
) -> Chart:
    """The main chart for ``view``: with one run a figure of one line per metric, with several a panel per metric.
    Metrics not in ``visible_metrics`` are hidden; runs in ``hidden_runs`` were hidden from the legend."""
    options = options or ChartOptions()
    if view.single_run or not view.metrics:
        figure = build_figure(frame, view, visible_metrics=visible_metrics, x_range=x_range, title=title,
                              colours=colours, empty_message=empty_message, options=options,
                              intervals=intervals, near_best=near_best, references=references)  # fmt: skip
        return Chart(title=title, panels={LINES_PANEL: figure})
    colours = colours or {}
    hidden = set(hidden_runs or ())
    shown = frame[frame["run"].isin(view.runs)]
    fitted = _runs_in_sight(shown, hidden)
    lines = _Lines(shown, view.runs)
    bounds = Bounds(intervals, view.runs)
    scale = step_axis(frame, view, options)
    panels = {}
    # The headline score on top, as on the RewardBench leaderboard; the sections below in their usual order.
    for metric in sorted(view.metrics, key=lambda metric: metric != OVERALL):
        layout = _base_layout("", x_range, "panel", [metric], options, scale)
        layout.pop("title")
        layout.update(showlegend=False, margin={"l": 64, "r": 24, "t": 28, "b": 48})
        marks, labels, values = _reference_marks([metric], references, options, "y", lambda _m: options.palette.text)
        layout["annotations"] = [_panel_label(metric, "y"), *labels]
        layout["shapes"] = marks
        layout["meta"]["references"] = values
        _mark_finals(layout, frame, view.runs, options)
        # Fixed margins that fit the labels: with automargin Plotly measures them and draws the panel a second time
        # whenever a zoom changes them, which doubled the cost of a panel's first zoom.
        layout["xaxis"].update(automargin=False, title={**layout["xaxis"]["title"], "standoff": 4})
        layout["yaxis"] = _y_axis(options, ticksuffix="%", nticks=5, automargin=False,
                                  range=y_range(fitted, [metric], x_range, options, references))  # fmt: skip
        traces = _panel_traces(
            frame, lines, view, metric, colours, options, axes=None, scale=scale, bounds=bounds,
            near=dict(near_best or {}), visible=lambda run: "legendonly" if run in hidden else True,
        )  # fmt: skip
        panels[metric] = _figure(traces, layout, options.palette)
    visible = set(visible_metrics or ())
    legend = _legend_figure(view.runs, colours, hidden, options)
    return Chart(title=title, panels=panels, shown=tuple(m for m in panels if m in visible), legend=legend)


def _legend_figure(runs, colours, hidden: set[str], options: ChartOptions) -> dict:
    """The runs' legend, a figure of its own beside the panels: clicking a run hides it in every panel."""
    theme = options.palette
    traces = [
        _legend_trace(run, colours.get(run, RUN_PALETTE[0]), "legendonly" if run in hidden else True) for run in runs
    ]
    layout = {
        "paper_bgcolor": theme.background,
        "plot_bgcolor": theme.background,
        "font": {"family": FONT_FAMILY, "size": 13, "color": theme.text},
        "xaxis": {"visible": False},
        "yaxis": {"visible": False},
        "margin": {"l": 0, "r": 0, "t": 28, "b": 0},
        "legend": {"x": 0, "xanchor": "left", "y": 1, "yanchor": "top", "title": {"text": "Run"}},
        "uirevision": "rewardbench-chart",
        "meta": {"view": "legend", "runs": list(runs)},
    }
    return _figure(traces, layout, theme)


def _runs_in_sight(shown: pd.DataFrame, hidden_runs) -> pd.DataFrame:
    """The points of the shown runs, less those hidden from the legend: the y axes fit what can be seen."""
    return shown[~shown["run"].isin(list(hidden_runs))] if hidden_runs else shown


def zoom_updates(
    frame: pd.DataFrame, view: View, visible_metrics, x_range: StepRange, options: ChartOptions | None = None,
    hidden_runs=(), references=(),
) -> dict[str, dict[tuple, object]]:  # fmt: skip
    """The layout values a zoom to the steps ``x_range`` changes in each panel of the main chart (keyed as
    Chart.panels), by location: the x axis range (in the chosen axis unit) and the y range fitting what is shown
    (``hidden_runs`` were hidden from the legend) and the reference lines."""
    options = options or ChartOptions()
    scale = step_axis(frame, view, options)
    x_axis = {("layout", "xaxis", "range"): list(x_range if scale is None else scale.to_axis(x_range))}
    shown = _runs_in_sight(frame[frame["run"].isin(view.runs)], () if view.single_run else hidden_runs)
    panels = {LINES_PANEL: set(visible_metrics or ())} if view.single_run else {m: [m] for m in view.metrics}
    updates = {}
    for panel, metrics in panels.items():
        fitted = (
            None
            if options.y_scale == "full"
            else fit_value_range(shown, metrics, x_range, shown_values(references, metrics, options.chance))
        )
        updates[panel] = x_axis if fitted is None else {**x_axis, ("layout", "yaxis", "range"): fitted}
    return updates
