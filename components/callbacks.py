"""register_callbacks(app, frame): thin wrappers over the pure functions in components/."""

from __future__ import annotations

import uuid

import pandas as pd
from dash import ClientsideFunction, Dash, Input, Output, Patch, State, ctx, no_update
from dash.exceptions import PreventUpdate

from components import ids
from components.zoom import fit_value_range, plan_zoom, step_bounds

_ZOOM_SOURCES = {ids.STEP_SLIDER: "slider", ids.CHART: "chart", ids.RESET_ZOOM_BUTTON: "reset"}


def zoom_patch(frame: pd.DataFrame, x_range, visible_metrics) -> Patch:
    patch = Patch()
    patch["layout"]["xaxis"]["range"] = list(x_range)
    # A new axis revision makes Plotly apply this range over any zoom the user made with the mouse.
    patch["layout"]["xaxis"]["uirevision"] = uuid.uuid4().hex
    y_range = fit_value_range(frame, visible_metrics, x_range)
    if y_range is not None:
        patch["layout"]["yaxis"]["range"] = y_range
    return patch


def register_callbacks(app: Dash, frame: pd.DataFrame) -> None:
    bounds = step_bounds(frame)

    # Showing and hiding metrics happens in the browser: no round trip for the most frequent click.
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="toggleMetrics"),
        Output(ids.METRIC_PICKER, "value"),
        Output(ids.CHART, "figure", allow_duplicate=True),
        Input(ids.METRIC_PICKER, "value"),
        Input(ids.ALL_METRICS_BUTTON, "n_clicks"),
        Input(ids.NO_METRICS_BUTTON, "n_clicks"),
        Input(ids.CHART, "restyleData"),
        State(ids.CHART, "figure"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.STEP_SLIDER, "value"),
        Output(ids.CHART, "figure"),
        Input(ids.STEP_SLIDER, "value"),
        Input(ids.CHART, "relayoutData"),
        Input(ids.RESET_ZOOM_BUTTON, "n_clicks"),
        State(ids.METRIC_PICKER, "value"),
        prevent_initial_call=True,
    )
    def sync_zoom(slider_value, relayout, _reset_clicks, visible_metrics):
        current = tuple(slider_value) if slider_value and len(slider_value) == 2 else bounds
        plan = plan_zoom(_ZOOM_SOURCES.get(ctx.triggered_id, ""), slider_value, relayout, current, bounds)
        if plan is None:
            raise PreventUpdate
        slider = no_update if plan.slider_value is None else plan.slider_value
        return slider, zoom_patch(frame, plan.x_range, visible_metrics)
