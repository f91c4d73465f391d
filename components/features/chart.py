"""The chart: drawn on the server from the view, zoomed by patches of its axes. It records what it was drawn from
(ids.DRAWN), so that a change of the step range alone zooms instead of drawing again, and it corrects the view
when the data moved it (a metric gone, new step bounds), through its own view-fix store."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

from dash import ALL, ClientsideFunction, Dash, Input, Output, Patch, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components import ids
from components.best import best_metric_choice, near_best_steps
from components.features.common import (
    MISSING,
    asks_for_missing_uploads,
    current_frame,
    option_values,
    step_range,
    unchanged,
)
from components.features.metrics import metric_options
from components.figures import PANEL_FIGURE_HEIGHT_PX, Chart, step_axis, zoom_updates
from components.intervals import describe
from components.loader import SUMMARIES
from components.metrics import axis_label
from components.provider import DataProvider, upload_tokens
from components.render import ChartState, chart_state
from components.view import axis_columns, make_view, matching_runs, run_names
from components.viewstate import CHART, ViewState, read_view
from components.zoom import plan_zoom

FIX = "chart"
GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    # Double-click asks for the full step range, which the zoom callback then applies.
    "doubleClick": "autosize",
    # The data is private: no upload to Plotly's cloud ("Share chart"). Images come from the page's Download row,
    # which stacks every shown panel; the modebar's camera would give one panel.
    "showSendToCloud": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toImage", "sendDataToCloud"],
}
LEGEND_TOP_PX = 72
LEGEND_ROW_PX = 30


def chart_key(view: ViewState, version, uploads) -> str:
    """What a chart is drawn from: the view's fields that draw it again (viewstate.Field.redraws), the data
    version and the uploads."""
    return json.dumps([view.drawn_from(), version or "", upload_tokens(uploads)], sort_keys=True, separators=(",", ":"))


def drawn(view: ViewState, version, uploads, steps) -> dict:
    """What the chart on screen was drawn from: its key and the steps it shows, for this callback; the view's
    fields, the data version and the uploads, as the browser holds them, for the browser to see whether the chart
    missed a change (assets/dashboard/chart.js)."""
    return {
        "key": chart_key(view, version, uploads),
        "steps": [int(step) for step in steps] if steps else None,
        "for": view.drawn_from(),
        "version": version or "",
        "uploads": upload_tokens(uploads),
    }


def box_style(state: ChartState) -> dict:
    # The one-run chart fills the box's height (style.css); panels are as tall as they need.
    return {} if state.chart.legend is None else {"height": "auto"}


def x_axis_options(axes: list[str]) -> list[dict]:
    return [{"label": "Training steps", "value": "step"}] + [{"label": axis_label(a), "value": a} for a in axes]


def figures(chart: Chart) -> list:
    """The chart's figures as components: one graph, or a title, the panels (each in a box the metric toggles
    hide) and the legend of runs beside them."""
    if chart.legend is None:
        ((metric, figure),) = chart.panels.items()
        return [
            html.Div(
                id=ids.panel_box(metric),
                className="panel-box fill",
                children=dcc.Graph(id=ids.panel_graph(metric), figure=figure, config=GRAPH_CONFIG, className="chart"),
            )
        ]
    boxes = [
        html.Div(
            id=ids.panel_box(metric),
            className="panel-box",
            hidden=metric not in chart.shown,
            children=dcc.Graph(
                id=ids.panel_graph(metric),
                figure=figure,
                config=GRAPH_CONFIG,
                className="chart",
                style={"height": f"{PANEL_FIGURE_HEIGHT_PX}px"},
            ),
        )
        for metric, figure in chart.panels.items()
    ]
    legend_config = {**GRAPH_CONFIG, "displayModeBar": False}
    # A height of its own, not the panels': hiding a panel then leaves the legend as it is, not redrawn.
    legend_height = min(LEGEND_TOP_PX + LEGEND_ROW_PX * len(chart.legend["data"]), PANEL_FIGURE_HEIGHT_PX * len(boxes))
    return [
        html.H2(chart.title, className="chart-title"),
        html.Div(
            className="panels",
            children=[
                html.Div(className="panel-column", children=boxes),
                dcc.Graph(
                    id=ids.run_legend(),
                    figure=chart.legend,
                    config=legend_config,
                    className="run-legend",
                    style={"height": f"{legend_height}px"},
                ),
            ],
        ),
    ]


def area(state: ChartState, view: ViewState, version: str) -> html.Div:
    return html.Div(
        id=ids.CHART_BOX,
        className="chart-box",
        style=box_style(state),
        children=[
            html.Div(id=ids.CHART, className="chart-frame", children=figures(state.chart)),
            dcc.Store(id=ids.DRAWN, data=drawn(view, version, None, state.slider_value)),
            dcc.Store(id=ids.CHART_FIX),
            dcc.Store(id=ids.CHART_FIX_RELAYED),
            dcc.Store(id=ids.LEGEND_PLACED),
            dcc.Store(id=ids.CHART_CHECKED),
            dcc.Store(id=ids.CHART_REDRAW),
            dcc.Store(id=ids.view_fix(FIX)),
            dcc.Store(id=ids.upload_missing(FIX)),
        ],
    )


def correction(view: ViewState, patch: dict) -> dict:
    """A correction of the view, and the view it was worked out for: the browser applies it only while the view
    still draws the same chart (a correction of a chart the user has since moved on from would undo that)."""
    return {"patch": patch, "for": view.drawn_from()}


def zoom_patch(updates: dict[tuple, object], revision: str) -> Patch:
    patch = Patch()
    for (_, axis, key), value in updates.items():
        patch["layout"][axis][key] = value
    # A new axis revision makes Plotly apply this range over any zoom the user made with the mouse.
    patch["layout"]["xaxis"]["uirevision"] = revision
    return patch


def zoom_patches(updates: dict[str, dict[tuple, object]], graphs: list[dict]) -> list:
    """One patch per graph of the chart (``graphs`` as Dash lists their outputs), from zoom_updates."""
    revision = uuid.uuid4().hex
    return [
        zoom_patch(updates[graph["id"]["metric"]], revision) if graph["id"]["metric"] in updates else no_update
        for graph in graphs
    ]


def interval_note(frame, runs, intervals, level: int) -> str:
    """Where the shown runs' intervals come from, and why a run has none (components/intervals.py describe)."""
    if intervals is None:
        return ""
    return describe(intervals, list(runs), level, frame.attrs.get(SUMMARIES, {}))


def empty_view_message(frame, selected, pattern) -> str:
    names = run_names(frame)
    if not names:
        return "No runs found"
    if pattern and selected and not matching_runs([n for n in names if n in set(selected)], pattern)[0]:
        return f"No picked run matches the filter {pattern!r}: change or clear it"
    return "Pick one or more runs to show"


def register(app: Dash, provider: DataProvider) -> None:
    # The chart's corrections reach the view's owner through the browser (assets/dashboard/lines.js, relayFix), not
    # as an input of it: the chart reads the view, and a loop of callbacks back to the chart is one that Dash drops
    # requests from, the chart's next drawing among them.
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="relayFix"),
        Output(ids.CHART_FIX_RELAYED, "data"),
        Input(ids.CHART_FIX, "data"),
        prevent_initial_call=True,
    )

    # Dash does not send a callback again for every change that arrives while it runs, nor for one set off by a
    # chain through its own outputs: when the chart on screen was drawn for another view than the page holds now,
    # the browser asks for it again.
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="redrawIfStale"),
        Output(ids.CHART_CHECKED, "data"),
        Input(ids.DRAWN, "data"),
        State(ids.VIEW, "data"),
        State(ids.DATA_VERSION, "data"),
        State(ids.UPLOADS, "data"),
        prevent_initial_call=True,
    )
    # On a narrow screen the one-run chart's legend goes under the plot (assets/dashboard/narrow.js).
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="legendForWidth"),
        Output(ids.LEGEND_PLACED, "data"),
        Input(ids.DRAWN, "data"),
    )

    @app.callback(
        output={
            "chart": Output(ids.CHART, "children"),
            "zoom": Output(ids.panel_graph(ALL), "figure"),
            "box_style": Output(ids.CHART_BOX, "style"),
            "slider_min": Output(ids.STEP_SLIDER, "min"),
            "slider_max": Output(ids.STEP_SLIDER, "max"),
            "slider_marks": Output(ids.STEP_SLIDER, "marks"),
            "metric_options": Output(ids.METRIC_PICKER, "options"),
            "best_options": Output(ids.BEST_METRIC, "options"),
            "x_options": Output(ids.X_AXIS, "options"),
            "x_disabled": Output(ids.X_AXIS, "disabled"),
            "filter_message": Output(ids.RUN_FILTER_MESSAGE, "children"),
            "interval_note": Output(ids.INTERVAL_NOTE, "children"),
            "drawn": Output(ids.DRAWN, "data"),
            "fix": Output(ids.CHART_FIX, "data"),
            MISSING: Output(ids.upload_missing(FIX), "data"),
        },
        inputs={
            "_part": Input(ids.view_part(CHART), "data"),
            "version": Input(ids.DATA_VERSION, "data"),
            "uploads": Input(ids.UPLOADS, "data"),
            "relayout": Input(ids.ZOOM_EVENT, "data"),
            "_reset": Input(ids.RESET_ZOOM_BUTTON, "n_clicks"),
            "_redraw": Input(ids.CHART_REDRAW, "data"),
        },
        state={
            "raw_view": State(ids.VIEW, "data"),
            "shown_options": State(ids.METRIC_PICKER, "options"),
            "slider_min": State(ids.STEP_SLIDER, "min"),
            "slider_max": State(ids.STEP_SLIDER, "max"),
            "was_drawn": State(ids.DRAWN, "data"),
            "hidden_runs": State(ids.HIDDEN_RUNS, "data"),
        },
        prevent_initial_call=True,
    )
    @asks_for_missing_uploads
    def update_chart(
        _part, version, uploads, relayout, _reset, _redraw, raw_view, shown_options, slider_min, slider_max, was_drawn,
        hidden_runs,
    ):  # fmt: skip
        view = read_view(raw_view)
        options = view.chart_options()
        outputs = unchanged()
        was_drawn = was_drawn or {}
        key = chart_key(view, version, uploads)
        trigger = ctx.triggered_id
        if key == was_drawn.get("key"):
            if trigger == ids.RESET_ZOOM_BUTTON:
                source = "reset"
            elif trigger == ids.ZOOM_EVENT:
                source = "chart"
            elif view.steps and [int(step) for step in view.steps] != was_drawn.get("steps"):
                source = "slider"
            else:
                raise PreventUpdate
            frame = current_frame(provider, uploads)
            shown = make_view(frame, view.runs, view.filter)
            bounds = shown.bounds or (slider_min, slider_max)
            current = step_range(view, bounds)
            plan = plan_zoom(source, view.steps, relayout, current, bounds, step_axis(frame, shown, options))
            if plan is None:
                raise PreventUpdate
            references, _ = provider.references(view.level)
            updates = zoom_updates(frame, shown, view.metrics, plan.x_range, options, hidden_runs, references)
            steps = plan.slider_value or view.steps
            outputs["zoom"] = zoom_patches(updates, ctx.outputs_grouping["zoom"])
            outputs["drawn"] = drawn(view, version, uploads, steps)
            if plan.slider_value and list(plan.slider_value) != list(view.steps or ()):
                outputs["fix"] = correction(view, {"steps": plan.slider_value})
            return outputs
        frame = current_frame(provider, uploads)
        shown = make_view(frame, view.runs, view.filter)
        _, pattern_error = matching_runs(run_names(frame), view.filter)
        outputs["filter_message"] = pattern_error or ""
        if not shown.runs:
            # Nothing to show (a filter that matches no run, no run picked): say so, and leave the metrics, the
            # step range and the best metric as the user set them, for when runs are back.
            state = chart_state(frame, view.runs, view.filter, options=options,
                                empty_message=empty_view_message(frame, view.runs, view.filter))  # fmt: skip
            outputs.update(chart=figures(state.chart), box_style={}, drawn=drawn(view, version, uploads, view.steps))
            return outputs
        best = best_metric_choice(list(shown.metrics), view.best)
        axes = axis_columns(frame, shown)
        x_axis = view.x if view.x in axes else "step"
        intervals = provider.intervals(frame, shown.runs, view.level, shown.metrics)
        state = chart_state(
            frame,
            view.runs,
            view.filter,
            previous_visible=list(view.metrics),
            previous_options=option_values(shown_options),
            previous_range=list(view.steps) if view.steps else None,
            previous_bounds=(slider_min, slider_max),
            options=replace(options, best_metric=best, x_axis=x_axis),
            hidden_runs=hidden_runs,
            intervals=intervals,
            near_best=near_best_steps(frame, shown, best, intervals, view.level, provider.paired_differences()),
            references=provider.references(view.level)[0],
        )
        now = {"metrics": state.visible_metrics, "steps": state.slider_value, "best": best, "x": x_axis}
        before = {"metrics": list(view.metrics), "steps": [int(s) for s in view.steps or ()], "best": view.best,
                  "x": view.x}  # fmt: skip
        fix = {name: value for name, value in now.items() if value != before[name]}
        corrected = replace(view, best=best, x=x_axis)
        outputs.update(
            chart=figures(state.chart),
            box_style=box_style(state),
            slider_min=state.slider_bounds[0],
            slider_max=state.slider_bounds[1],
            slider_marks=state.slider_marks,
            metric_options=metric_options(state.metric_options, state.chart.legend is None),
            best_options=state.metric_options,
            x_options=x_axis_options(axes),
            x_disabled=not axes,
            interval_note=interval_note(frame, shown.runs, intervals, view.level),
            drawn=drawn(corrected, version, uploads, state.slider_value),
            fix=correction(view, fix) if fix else no_update,
        )
        return outputs
