"""Chart options: the best-checkpoint metric, smoothing, the intervals, the axes and the table view. Their values are
part of the view (components/viewstate.py), which also gives each control its default and range; the chart callback
reads them from there."""

from __future__ import annotations

from dash import dcc, html

from components import ids
from components.analysis import SMOOTHING_EMA, SMOOTHING_MOVING_AVERAGE, SMOOTHING_OFF
from components.features import theme
from components.features.chart import x_axis_options
from components.viewstate import BY_KEY

SMOOTHING_LABELS = {
    SMOOTHING_OFF: "Off",
    SMOOTHING_EMA: "Exponential (TensorBoard)",
    SMOOTHING_MOVING_AVERAGE: "Centred moving average",
}


def best_control(metrics: list[str], best: str | None) -> html.Fieldset:
    return html.Fieldset(
        className="control best-control",
        children=[
            html.Legend("Best checkpoint"),
            html.Label("Mark the highest value of", htmlFor=ids.BEST_METRIC, className="field-label"),
            dcc.Dropdown(id=ids.BEST_METRIC, options=metrics, value=best, clearable=True, placeholder="No marker"),
        ],
    )


def _slider(key: str, marks: dict) -> dcc.Slider:
    field = BY_KEY[key]
    return dcc.Slider(
        id=field.control,
        min=field.low,
        max=field.high,
        step=field.step,
        value=field.default,
        marks=marks,
        className="compact-slider",
    )


def smoothing_control() -> html.Fieldset:
    mode = BY_KEY["smoothing"]
    # Each mode's setting shows only while that mode is chosen (style.css, .smoothing-setting).
    return html.Fieldset(
        className="control smoothing-control",
        children=[
            html.Legend("Smoothing"),
            dcc.RadioItems(
                id=mode.control,
                options=[{"label": SMOOTHING_LABELS[value], "value": value} for _, value in mode.choices],
                value=mode.default,
                className="radio-list",
            ),
            html.Div(
                className=f"smoothing-setting for-{SMOOTHING_EMA}",
                children=[
                    html.Label("Weight", htmlFor=ids.EMA_WEIGHT, className="field-label"),
                    _slider("weight", {0: "0", 0.5: "0.5", 0.99: "0.99"}),
                ],
            ),
            html.Div(
                className=f"smoothing-setting for-{SMOOTHING_MOVING_AVERAGE}",
                children=[
                    html.Label("Window (checkpoints)", htmlFor=ids.MA_WINDOW, className="field-label"),
                    _slider("window", {3: "3", 9: "9", 15: "15"}),
                ],
            ),
        ],
    )


def display_control(axes: list[str]) -> html.Fieldset:
    return html.Fieldset(
        className="control display-control",
        children=[
            html.Legend("Display"),
            html.Div("Y axis", className="field-label", id="y-scale-label"),
            dcc.RadioItems(
                id=ids.Y_SCALE,
                options=[{"label": "Fit to the data", "value": "fit"}, {"label": "0–100 %", "value": "full"}],
                value=BY_KEY["y"].default,
                inline=True,
                className="radio-list",
            ),
            html.Label("X axis", htmlFor=ids.X_AXIS, className="field-label"),
            dcc.Dropdown(
                id=ids.X_AXIS,
                options=x_axis_options(axes),
                value=BY_KEY["x"].default,
                clearable=False,
                searchable=False,
                disabled=not axes,
            ),
            *theme.control(),
            dcc.Checklist(
                id=ids.TABLE_TOGGLE,
                options=[{"label": "Show the chart as a table", "value": "table"}],
                value=BY_KEY["table"].default,
                className="radio-list",
            ),
        ],
    )


def interval_control(note: str) -> html.Fieldset:
    """The intervals' band switch and level, and a line on where the shown runs' intervals come from (the chart
    callback keeps it up to date)."""
    level = BY_KEY["level"]
    return html.Fieldset(
        className="control interval-control",
        children=[
            html.Legend("Uncertainty"),
            dcc.Checklist(
                id=ids.BAND_TOGGLE,
                options=[{"label": "Shade each line's interval", "value": "bands"}],
                value=BY_KEY["bands"].default,
                className="radio-list",
            ),
            html.Div("Interval level", className="field-label", id="interval-level-label"),
            dcc.RadioItems(
                id=level.control,
                options=[{"label": f"{value} %", "value": value} for _, value in level.choices],
                value=level.default,
                inline=True,
                className="radio-list",
            ),
            dcc.Checklist(
                id=ids.CHANCE_TOGGLE,
                options=[{"label": "Chance lines (50 %; RewardBench 2: 25 %)", "value": "chance"}],
                value=BY_KEY["chance"].default,
                className="radio-list",
            ),
            html.P(note, id=ids.INTERVAL_NOTE, className="hint interval-note", **{"aria-live": "polite"}),
        ],
    )
