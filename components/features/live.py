"""Live reload: the page asks every few seconds whether the data changed (any worker can answer: the browser holds
the version it shows; unchanged data costs a 204), and everything that reads the data version follows."""

from __future__ import annotations

from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from components import ids
from components.config import Settings
from components.provider import DataProvider


def control(settings: Settings, version: str) -> html.Fieldset:
    enabled = settings.reload_seconds > 0
    label = f"Live reload (every {settings.reload_seconds:g} s)" if enabled else "Live reload (off on this server)"
    return html.Fieldset(
        className="control live-control",
        children=[
            html.Legend("Updates"),
            dcc.Checklist(
                id=ids.LIVE_TOGGLE,
                options=[{"label": label, "value": "live", "disabled": not enabled}],
                value=["live"] if enabled else [],
            ),
            dcc.Interval(id=ids.POLL, interval=max(settings.reload_seconds, 0.5) * 1000, disabled=not enabled),
            dcc.Store(id=ids.DATA_VERSION, data=version),
        ],
    )


def register(app: Dash, provider: DataProvider) -> None:
    @app.callback(
        output=Output(ids.DATA_VERSION, "data"),
        inputs={"_intervals": Input(ids.POLL, "n_intervals")},
        state={"known_version": State(ids.DATA_VERSION, "data")},
        prevent_initial_call=True,
    )
    def poll(_intervals, known_version):
        version = provider.signature()
        if version == known_version:
            raise PreventUpdate
        return version

    app.clientside_callback(
        "function (live) { return !(live && live.length); }",
        Output(ids.POLL, "disabled"),
        Input(ids.LIVE_TOGGLE, "value"),
        prevent_initial_call=True,
    )
