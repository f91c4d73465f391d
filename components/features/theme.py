"""Theme: System, Light or Dark. The browser applies it to the page at once (assets/dashboard/theme.js) and puts
the theme shown into the view, from which the server draws the chart's colours (components/palette.py)."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, dcc, html

from components import ids
from components.provider import DataProvider

FIX = "theme"


def control() -> list:
    return [
        html.Div("Theme", className="field-label", id="theme-label"),
        dcc.RadioItems(
            id=ids.THEME_CHOICE,
            options=[
                {"label": "System", "value": "auto"},
                {"label": "Light", "value": "light"},
                {"label": "Dark", "value": "dark"},
            ],
            value="auto",
            inline=True,
            className="radio-list",
            persistence=True,
        ),
        dcc.Store(id=ids.view_fix(FIX)),
    ]


def register(app: Dash, _provider: DataProvider) -> None:
    # Runs on the page's first render too: the theme a page opens in is the user's.
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="applyTheme"),
        Output(ids.view_fix(FIX), "data"),
        Input(ids.THEME_CHOICE, "value"),
    )
