"""The page, built from small create_* helpers."""

from __future__ import annotations

import math

import pandas as pd
from dash import dcc, html

from components import ids
from components.figures import METRIC_COLOURS, build_figure
from components.metrics import main_metrics
from components.zoom import padded, step_bounds

GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    # Double-click asks for the full step range, which the zoom callback then applies.
    "doubleClick": "autosize",
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"filename": "rewardbench-chart", "scale": 2},
}


def chart_title(run_name: str) -> str:
    return f"RewardBench over training: {run_name}"


def slider_marks(steps: list[int], max_labels: int = 7) -> dict[int, str]:
    """A mark at every evaluated step, labelled at round steps only so the labels never overlap."""
    span = max(steps[-1] - steps[0], 1)
    raw = span / max_labels
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    label_every = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return {step: (str(step) if step % label_every == 0 else "") for step in steps}


def create_header(run_name: str, frame: pd.DataFrame) -> html.Header:
    steps = sorted(frame["step"].unique())
    return html.Header(
        className="page-header",
        children=[
            html.H1("RewardBench Dashboard"),
            html.P(
                className="run-summary",
                children=[
                    html.Span("Run ", className="muted"),
                    html.Strong(run_name, className="run-name"),
                    html.Span(f" · {len(steps)} checkpoints · steps {steps[0]}–{steps[-1]}", className="muted"),
                ],
            ),
        ],
    )


def create_metric_control(metrics: list[str]) -> html.Fieldset:
    options = [
        {
            "label": html.Span(
                [html.Span(className="swatch", style={"backgroundColor": METRIC_COLOURS[m]}), m],
                className="metric-option",
            ),
            "value": m,
        }
        for m in metrics
    ]
    return html.Fieldset(
        className="control metric-control",
        children=[
            html.Legend("Metrics"),
            dcc.Checklist(id=ids.METRIC_PICKER, options=options, value=metrics, inline=True, className="metric-list"),
            html.Div(
                className="button-row",
                children=[
                    html.Button("All", id=ids.ALL_METRICS_BUTTON, className="button", title="Show every metric"),
                    html.Button("None", id=ids.NO_METRICS_BUTTON, className="button", title="Hide every metric"),
                ],
            ),
        ],
    )


def create_range_control(frame: pd.DataFrame) -> html.Fieldset:
    steps = sorted(int(step) for step in frame["step"].unique())
    return html.Fieldset(
        className="control range-control",
        children=[
            html.Legend("Training steps shown"),
            dcc.RangeSlider(
                id=ids.STEP_SLIDER,
                min=steps[0],
                max=steps[-1],
                step=1,
                value=[steps[0], steps[-1]],
                marks=slider_marks(steps),
                allowCross=False,
                className="step-slider",
            ),
            html.Button(
                "Reset zoom",
                id=ids.RESET_ZOOM_BUTTON,
                className="button",
                title="Show every training step (or double-click the chart)",
            ),
        ],
    )


def make_layout(frame: pd.DataFrame, run_name: str) -> html.Div:
    metrics = main_metrics(frame["metric"].unique())
    figure = build_figure(
        frame, title=chart_title(run_name), visible_metrics=metrics, x_range=padded(step_bounds(frame))
    )
    return html.Div(
        className="page",
        children=[
            create_header(run_name, frame),
            html.Main(
                className="panel",
                children=[
                    html.Div(
                        className="controls", children=[create_metric_control(metrics), create_range_control(frame)]
                    ),
                    dcc.Graph(id=ids.CHART, figure=figure, config=GRAPH_CONFIG, className="chart"),
                    html.P(
                        "Drag across the chart to zoom into steps, double-click to zoom out, click a legend entry "
                        "to show or hide a metric, hover to read every value at a step.",
                        className="hint",
                    ),
                ],
            ),
        ],
    )
