"""Step range: the slider (part of the view), Reset zoom, and zooms dragged on the chart, which the chart callback
(features/chart.py) turns into the same step range."""

from __future__ import annotations

from dash import ALL, ClientsideFunction, Dash, Input, Output, dcc, html

from components import ids
from components.provider import DataProvider
from components.render import ChartState


def control(state: ChartState) -> html.Fieldset:
    low, high = state.slider_bounds
    return html.Fieldset(
        className="control range-control",
        children=[
            html.Legend("Training steps shown"),
            dcc.RangeSlider(
                id=ids.STEP_SLIDER,
                min=low,
                max=high,
                step=1,
                value=state.slider_value,
                marks=state.slider_marks,
                allowCross=False,
                className="step-slider",
            ),
            html.Button(
                "Reset zoom",
                id=ids.RESET_ZOOM_BUTTON,
                className="button",
                title="Show every training step (or double-click the chart)",
            ),
            dcc.Store(id=ids.ZOOM_EVENT),
        ],
    )


def register(app: Dash, _provider: DataProvider) -> None:
    # Only relayouts that move the step axis reach the server: a resize ("autosize") that arrived while a zoom
    # was on its way would otherwise replace the zoom's request, and Dash keeps only the latest answer.
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="stepAxisChange"),
        Output(ids.ZOOM_EVENT, "data"),
        Input(ids.panel_graph(ALL), "relayoutData"),
        prevent_initial_call=True,
    )
