"""Tidy frame + view state -> plotly Figure. Pure: no Dash, no I/O.

One run: one line per metric in one chart. Several runs: one panel per metric (small multiples sharing the
step axis), one colour per run, the same in every panel.
"""

from __future__ import annotations

import hashlib
import html

import pandas as pd
import plotly.graph_objects as go

from components.view import RUN_PALETTE, View
from components.zoom import StepRange, fit_value_range

# The colours of the chart this dashboard reproduces, in legend order; other metrics take the run palette.
METRIC_COLOURS = {
    "Chat": "#1f77b4",
    "Chat Hard": "#ff7f0e",
    "Safety": "#2ca02c",
    "Reasoning": "#ffbb78",
    "Overall": "#d62728",
}
FONT_FAMILY = "Inter, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
GRID_COLOUR = "#e5e7eb"
AXIS_LINE_COLOUR = "#9ca3af"
PANEL_GAP = 0.05
PANEL_HEIGHT_PX = 170
STEP_AXIS_TITLE = "Training steps"


def metric_colour(metric: str, index: int) -> str:
    return METRIC_COLOURS.get(metric) or RUN_PALETTE[(index + 4) % len(RUN_PALETTE)]


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
    """Vertical extents of ``count`` stacked panels, top first. assets/dashboard.js uses the same rule."""
    if count <= 0:
        return []
    height = (1 - gap * (count - 1)) / count
    tops = [1 - i * (height + gap) for i in range(count)]
    return [(max(0.0, round(top - height, 9)), min(1.0, round(top, 9))) for top in tops]


def figure_height(view: View) -> int | None:
    """Pixels a panels chart needs; None lets the one-chart view fill its box."""
    return None if view.single_run else 90 + PANEL_HEIGHT_PX * max(len(view.metrics), 1)


def _base_layout(title: str, x_range: StepRange, view_kind: str, panels: list[str]) -> dict:
    return {
        "title": {"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 18}},
        "template": "plotly_white",
        "font": {"family": FONT_FAMILY, "size": 13, "color": "#1f2937"},
        "hovermode": "x unified",
        "dragmode": "zoom",
        # Keeps the user's legend clicks and pan/zoom mode when the figure is updated.
        "uirevision": "rewardbench-chart",
        "legend": {"x": 1.01, "xanchor": "left", "y": 1, "yanchor": "top"},
        "margin": {"l": 64, "r": 24, "t": 56, "b": 56},
        "meta": {"view": view_kind, "panels": panels},
        "xaxis": {
            "title": {"text": STEP_AXIS_TITLE},
            "range": list(x_range),
            "showgrid": True,
            "gridcolor": GRID_COLOUR,
            "zeroline": False,
            "showline": True,
            "linecolor": AXIS_LINE_COLOUR,
            "unifiedhovertitle": {"text": "Step %{x}"},
        },
    }


def _y_axis(**extra) -> dict:
    return {
        # Zooming picks steps; the y axis then fits the visible values by itself.
        "fixedrange": True,
        "showgrid": True,
        "gridcolor": GRID_COLOUR,
        "zeroline": False,
        "showline": True,
        "linecolor": AXIS_LINE_COLOUR,
        **extra,
    }


def _points(frame: pd.DataFrame, run: str, metric: str) -> pd.DataFrame:
    return frame[(frame["run"] == run) & (frame["metric"] == metric)].sort_values("step")


def _y_values(points: pd.DataFrame) -> list:
    return [None if pd.isna(value) else value for value in points["value"]]


def build_figure(
    frame: pd.DataFrame,
    view: View,
    *,
    visible_metrics,
    x_range: StepRange,
    title: str,
    colours: dict[str, str] | None = None,
    empty_message: str = "No runs to show",
) -> go.Figure:
    """The chart for ``view``: metrics not in ``visible_metrics`` are hidden (their legend entry or panel)."""
    if not view.runs or not view.metrics:
        return empty_figure(title, empty_message)
    if view.single_run:
        return _lines_figure(frame, view, set(visible_metrics or ()), x_range, title)
    return _panels_figure(frame, view, set(visible_metrics or ()), x_range, title, colours or {})


def empty_figure(title: str, message: str) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 18}},
        template="plotly_white",
        font={"family": FONT_FAMILY, "size": 13, "color": "#1f2937"},
        xaxis={"visible": False},
        yaxis={"visible": False},
        meta={"view": "empty", "panels": []},
        annotations=[
            {"text": plotly_text(message), "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}
        ],
    )
    return figure


def _lines_figure(frame, view: View, visible: set[str], x_range: StepRange, title: str) -> go.Figure:
    run = view.runs[0]
    figure = go.Figure()
    for index, metric in enumerate(view.metrics):
        points = _points(frame, run, metric)
        colour = metric_colour(metric, index)
        figure.add_trace(
            go.Scatter(
                x=points["step"].tolist(),
                y=_y_values(points),
                name=plotly_text(metric),
                uid=trace_uid(metric),
                meta={"metric": metric},
                mode="lines+markers",
                line={"color": colour, "width": 2.5},
                marker={"size": 6, "color": colour},
                visible=True if metric in visible else "legendonly",
                connectgaps=False,
                hovertemplate="%{y:.1f}%",
            )
        )
    layout = _base_layout(title, x_range, "lines", list(view.metrics))
    layout["legend"]["title"] = {"text": "Metric"}
    layout["yaxis"] = _y_axis(
        title={"text": "RewardBench (%)"},
        range=fit_value_range(frame[frame["run"] == run], visible, x_range),
    )
    figure.update_layout(layout)
    return figure


def _panels_figure(frame, view: View, visible: set[str], x_range: StepRange, title: str, colours) -> go.Figure:
    figure = go.Figure()
    shown_panels = [metric for metric in view.metrics if metric in visible]
    domains = dict(zip(shown_panels, panel_domains(len(shown_panels)), strict=True))
    shown = frame[frame["run"].isin(view.runs)]
    layout = _base_layout(title, x_range, "panels", list(view.metrics))
    layout["legend"]["title"] = {"text": "Run"}
    layout["xaxis"].update({"anchor": "free", "position": 0})
    annotations = []
    for index, metric in enumerate(view.metrics):
        layout_key, reference = axis_names(index)
        is_shown = metric in visible
        layout[layout_key] = _y_axis(
            domain=list(domains.get(metric, (0, 0.01))),
            visible=is_shown,
            ticksuffix="%",
            nticks=5,
            range=fit_value_range(shown, [metric], x_range),
        )
        annotations.append(
            {
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
        )
        for run in view.runs:
            points = _points(frame, run, metric)
            if points.empty:
                continue
            colour = colours.get(run, RUN_PALETTE[0])
            figure.add_trace(
                go.Scatter(
                    x=points["step"].tolist(),
                    y=_y_values(points),
                    name=plotly_text(run),
                    legendgroup=run,
                    showlegend=False,
                    uid=trace_uid(run, metric),
                    meta={"metric": metric, "run": run},
                    xaxis="x",
                    yaxis=reference,
                    mode="lines+markers",
                    line={"color": colour, "width": 2},
                    marker={"size": 5, "color": colour},
                    visible=is_shown,
                    connectgaps=False,
                    hovertemplate="%{y:.1f}% (step %{x})",
                )
            )
    # One legend entry per run, on a trace without points, so hiding a panel never hides the legend.
    for run in view.runs:
        colour = colours.get(run, RUN_PALETTE[0])
        figure.add_trace(
            go.Scatter(
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
            )
        )
    layout["annotations"] = annotations
    layout["margin"] = {"l": 64, "r": 24, "t": 72, "b": 56}
    figure.update_layout(layout)
    return figure


def zoom_updates(frame: pd.DataFrame, view: View, visible_metrics, x_range: StepRange) -> dict[tuple, object]:
    """The layout values a zoom changes, by location: the step axis range and each visible y range."""
    updates: dict[tuple, object] = {("layout", "xaxis", "range"): list(x_range)}
    visible = set(visible_metrics or ())
    shown = frame[frame["run"].isin(view.runs)]
    if view.single_run:
        y_range = fit_value_range(shown, visible, x_range)
        if y_range is not None:
            updates[("layout", "yaxis", "range")] = y_range
        return updates
    for index, metric in enumerate(view.metrics):
        y_range = fit_value_range(shown, [metric], x_range)
        if y_range is not None:
            updates[("layout", axis_names(index)[0], "range")] = y_range
    return updates
