"""The view state and the URL: one store holds what the user is looking at, and one browser callback owns it
together with the controls and the query string (assets/dashboard/view.js, syncView).

Everything else reads the view (the whole, or the part it depends on: components/viewstate.py) and corrects it
only through a view-fix store of its own ({"patch": fields, "for": the fields it was worked out for}), which
syncView applies to the view, the controls and the URL alike.
"""

from __future__ import annotations

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, dcc

from components import ids
from components.provider import DataProvider
from components.viewstate import FIELDS, READERS, ViewState, schema, view_data, view_part

CONTROLS = tuple(item for item in FIELDS if item.control)


def stores(view: ViewState) -> list:
    return [
        dcc.Location(id=ids.URL, refresh=False),
        dcc.Store(id=ids.VIEW, data=view_data(view)),
        dcc.Store(id=ids.VIEW_SCHEMA, data=schema()),
        *[dcc.Store(id=ids.view_part(reader), data=view_part(view, reader)) for reader in READERS],
    ]


def register(app: Dash, _provider: DataProvider) -> None:
    # The browser's function reads its inputs and states by id (callback_context), not by position: a new view
    # field is one entry in viewstate.FIELDS and its control.
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="syncView"),
        Output(ids.VIEW, "data"),
        Output(ids.URL, "search"),
        Output(ids.view_part(ALL), "data"),
        *[Output(item.control, "value", allow_duplicate=True) for item in CONTROLS],
        Input(ids.URL, "search"),
        *[Input(item.control, "value") for item in CONTROLS],
        Input(ids.view_fix(ALL), "data"),
        Input(ids.ALL_METRICS_BUTTON, "n_clicks"),
        Input(ids.NO_METRICS_BUTTON, "n_clicks"),
        Input(ids.panel_graph(ALL), "restyleData"),
        State(ids.VIEW, "data"),
        State(ids.VIEW_SCHEMA, "data"),
        State(ids.RUN_PICKER, "options"),
        State(ids.METRIC_PICKER, "options"),
        State(ids.STEP_SLIDER, "min"),
        State(ids.STEP_SLIDER, "max"),
        State(ids.panel_graph(ALL), "figure"),
        prevent_initial_call="initial_duplicate",
    )
