"""Metrics: the checkboxes (with All and None) and the lines they show. Showing and hiding happens in the browser
(assets/dashboard/lines.js): no round trip for the most frequent click. A click on a run in the legend of runs
hides that run in every panel the same way."""

from __future__ import annotations

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, dcc, html

from components import ids
from components.palette import metric_colour
from components.provider import DataProvider
from components.viewstate import LINES


def metric_options(metrics: list[str], one_run: bool = True) -> list[dict]:
    """Checklist options; in the one-run chart, where a colour is a metric, with a swatch in its line colour. With
    several runs a colour is a run, so the metrics have none."""
    if not one_run:
        return [{"label": html.Span(m, className="metric-option"), "value": m} for m in metrics]
    return [
        {
            "label": html.Span(
                [html.Span(className="swatch", style={"backgroundColor": metric_colour(m, i)}), m],
                className="metric-option",
            ),
            "value": m,
        }
        for i, m in enumerate(metrics)
    ]


def control(metrics: list[str], visible: list[str], one_run: bool) -> html.Fieldset:
    return html.Fieldset(
        className="control metric-control",
        children=[
            html.Legend("Metrics"),
            dcc.Checklist(
                id=ids.METRIC_PICKER,
                options=metric_options(metrics, one_run),
                value=visible,
                className="metric-list",
            ),
            html.Div(
                className="button-row",
                children=[
                    html.Button("All", id=ids.ALL_METRICS_BUTTON, className="button", title="Show every metric"),
                    html.Button("None", id=ids.NO_METRICS_BUTTON, className="button", title="Hide every metric"),
                ],
            ),
            dcc.Store(id=ids.HIDDEN_RUNS, data=[]),
        ],
    )


def register(app: Dash, _provider: DataProvider) -> None:
    # The one-run chart hides lines (a patch of its figure); with several runs a metric is a panel of its own, and
    # hiding its box redraws nothing. The runs the legend hides are kept for the redraws to come.
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="showLines"),
        Output(ids.panel_graph(ALL), "figure", allow_duplicate=True),
        Output(ids.panel_box(ALL), "hidden"),
        Output(ids.HIDDEN_RUNS, "data"),
        Input(ids.view_part(LINES), "data"),
        Input(ids.run_legend(ALL), "restyleData"),
        State(ids.panel_graph(ALL), "figure"),
        State(ids.HIDDEN_RUNS, "data"),
        prevent_initial_call=True,
    )
