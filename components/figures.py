"""Tidy frame + view state -> plotly Figure. Pure: no Dash, no I/O."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.metrics import METRICS
from components.zoom import StepRange, fit_value_range

# The colours of the chart this dashboard reproduces, in legend order.
METRIC_COLOURS = {
    "Chat": "#1f77b4",
    "Chat Hard": "#ff7f0e",
    "Safety": "#2ca02c",
    "Reasoning": "#ffbb78",
    "Overall": "#d62728",
}
FONT_FAMILY = "Inter, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
GRID_COLOUR = "#e5e7eb"


def build_figure(
    frame: pd.DataFrame,
    *,
    title: str,
    visible_metrics,
    x_range: StepRange,
) -> go.Figure:
    """The RewardBench chart: one line per metric, markers at the evaluated steps, unified hover."""
    visible = set(visible_metrics or ())
    figure = go.Figure()
    for metric in METRICS:
        points = frame[frame["metric"] == metric]
        if points.empty:
            continue
        figure.add_trace(
            go.Scatter(
                x=points["step"].tolist(),
                y=[None if pd.isna(value) else value for value in points["value"]],
                name=metric,
                mode="lines+markers",
                line={"color": METRIC_COLOURS[metric], "width": 2.5},
                marker={"size": 6, "color": METRIC_COLOURS[metric]},
                visible=True if metric in visible else "legendonly",
                connectgaps=False,
                hovertemplate="%{y:.1f}%",
            )
        )
    figure.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 18}},
        template="plotly_white",
        font={"family": FONT_FAMILY, "size": 13, "color": "#1f2937"},
        hovermode="x unified",
        dragmode="zoom",
        # Keeps the user's legend clicks and pan/zoom mode when the figure is updated.
        uirevision="rewardbench-chart",
        legend={"title": {"text": "Metric"}, "x": 1.01, "xanchor": "left", "y": 1, "yanchor": "top"},
        margin={"l": 64, "r": 24, "t": 56, "b": 56},
        xaxis={
            "title": {"text": "Training steps"},
            "range": list(x_range),
            "showgrid": True,
            "gridcolor": GRID_COLOUR,
            "zeroline": False,
            "showline": True,
            "linecolor": "#9ca3af",
            "unifiedhovertitle": {"text": "Step %{x}"},
        },
        yaxis={
            "title": {"text": "RewardBench (%)"},
            "range": fit_value_range(frame, visible, x_range),
            # Zooming picks steps; the y axis then fits the visible values by itself.
            "fixedrange": True,
            "showgrid": True,
            "gridcolor": GRID_COLOUR,
            "zeroline": False,
            "showline": True,
            "linecolor": "#9ca3af",
        },
    )
    return figure
