"""register_callbacks(app, provider): thin wrappers over the pure functions in components/."""

from __future__ import annotations

import base64
import binascii
import logging
import uuid
from dataclasses import replace

from dash import ALL, ClientsideFunction, Dash, Input, Output, Patch, State, ctx, no_update
from dash.exceptions import PreventUpdate

from components import ids
from components.analysis import SMOOTHING_MODES, spreadsheet_safe, summary_rows, visible_table
from components.best import best_metric_choice, insights
from components.config import Settings
from components.figures import ChartOptions, step_axis, zoom_updates
from components.layout import (
    chart_box_style,
    create_chart,
    create_subset_chart,
    data_summary,
    metric_options,
    problem_items,
    run_options,
    x_axis_options,
)
from components.loader import DataError, LoadResult, empty_frame, parse_bytes
from components.metrics import subsets_of
from components.palette import THEMES
from components.provider import DataProvider, combine, frame_to_upload, upload_name
from components.render import chart_key, chart_state, section_options, subset_chart
from components.view import axis_columns, make_view, matching_runs, run_names, selection_after
from components.zoom import padded, plan_zoom

log = logging.getLogger(__name__)

_ZOOM_SOURCES = {ids.STEP_SLIDER: "slider", ids.ZOOM_EVENT: "chart", ids.RESET_ZOOM_BUTTON: "reset"}
OPTION_INPUTS = (
    Input(ids.SMOOTHING_MODE, "value"),
    Input(ids.EMA_WEIGHT, "value"),
    Input(ids.MA_WINDOW, "value"),
    Input(ids.BEST_METRIC, "value"),
    Input(ids.Y_SCALE, "value"),
    Input(ids.THEME, "data"),
    Input(ids.X_AXIS, "value"),
)
SUBSET_REDRAW_ONLY = {f"{ids.STEP_SLIDER}.value", *(f"{i.component_id}.{i.component_property}" for i in OPTION_INPUTS)}
# What a chart is drawn from (see render.chart_key), in the order redrawIfStale in assets/dashboard.js reads them.
CHART_KEY_INPUTS = (
    Input(ids.RUN_PICKER, "value"),
    Input(ids.RUN_FILTER, "value"),
    Input(ids.DATA_VERSION, "data"),
    Input(ids.UPLOADED_RUNS, "data"),
    *OPTION_INPUTS,
)
# The view a URL query string shares (see syncUrl in assets/dashboard.js), in the order the callback takes them.
URL_STATE = (
    (ids.RUN_PICKER, "value"),
    (ids.RUN_FILTER, "value"),
    (ids.METRIC_PICKER, "value"),
    (ids.STEP_SLIDER, "value"),
    (ids.SMOOTHING_MODE, "value"),
    (ids.EMA_WEIGHT, "value"),
    (ids.MA_WINDOW, "value"),
    (ids.BEST_METRIC, "value"),
    (ids.Y_SCALE, "value"),
    (ids.TABLE_TOGGLE, "value"),
    (ids.X_AXIS, "value"),
)


def chart_options(smoothing, ema_weight, window, best_metric, y_scale, theme, x_axis="step") -> ChartOptions:
    """Chart options from control values, each falling back to its default when missing or out of range."""
    defaults = ChartOptions()
    weight = ema_weight if isinstance(ema_weight, (int, float)) and 0 <= ema_weight < 1 else defaults.ema_weight
    window = int(window) if isinstance(window, (int, float)) and 1 <= window <= 101 else defaults.window
    return ChartOptions(
        smoothing=smoothing if smoothing in SMOOTHING_MODES else defaults.smoothing,
        ema_weight=float(weight),
        window=window,
        best_metric=best_metric,
        y_scale=y_scale if y_scale in ("fit", "full") else defaults.y_scale,
        theme=theme if theme in THEMES else defaults.theme,
        x_axis=x_axis if isinstance(x_axis, str) and x_axis else defaults.x_axis,
    )


def exported_metrics(frame, view, section) -> list[str]:
    """The metrics of the view, then the subsets of the open section, as the CSV and the table list them."""
    subsets = subsets_of(section, frame.loc[frame["run"].isin(view.runs), "metric"].unique()) if section else []
    return [*view.metrics, *subsets]


def table_payload(table, toggled_metrics) -> dict:
    """A wide table as columns and JSON records (gaps as null) for the browser, naming the columns that follow
    the metric toggles."""
    records = table.astype(object).where(table.notna(), None).to_dict("records")
    return {"columns": list(table.columns), "rows": records, "metrics": list(toggled_metrics)}


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


def slider_range(slider, fallback: tuple) -> tuple:
    """The step range the slider holds, or ``fallback`` while it holds none."""
    return tuple(slider) if slider and len(slider) == 2 else fallback


def current_frame(provider: DataProvider, uploads):
    """Every run to draw; when the data path cannot be read right now the chart keeps what it shows."""
    try:
        return combine(provider.load(), uploads)
    except DataError:
        raise PreventUpdate from None


def option_values(options) -> list[str]:
    return [option["value"] if isinstance(option, dict) else option for option in options or ()]


def empty_view_message(frame, selected, pattern) -> str:
    names = run_names(frame)
    if not names:
        return "No runs found"
    if pattern and selected and not matching_runs([n for n in names if n in set(selected)], pattern)[0]:
        return f"No picked run matches the filter {pattern!r}: change or clear it"
    return "Pick one or more runs to show"


def register_callbacks(app: Dash, provider: DataProvider) -> None:
    settings = provider.settings

    @app.callback(
        Output(ids.DATA_VERSION, "data"),
        Input(ids.POLL, "n_intervals"),
        State(ids.DATA_VERSION, "data"),
        prevent_initial_call=True,
    )
    def poll(_intervals, known_version):
        # The browser holds the version it shows, so any worker can answer; unchanged data costs a 204.
        version = provider.signature()
        if version == known_version:
            raise PreventUpdate
        return version

    @app.callback(
        Output(ids.RUN_PICKER, "options"),
        Output(ids.RUN_PICKER, "value"),
        Output(ids.PROBLEMS, "children"),
        Output(ids.DATA_SUMMARY, "children"),
        Input(ids.DATA_VERSION, "data"),
        Input(ids.UPLOADED_RUNS, "data"),
        State(ids.RUN_PICKER, "options"),
        State(ids.RUN_PICKER, "value"),
        prevent_initial_call=True,
    )
    def refresh_catalog(_version, uploads, previous_options, selected):
        try:
            result = provider.load()
        except DataError as error:
            # The data path itself cannot be read right now: say so and keep everything the page shows.
            log.warning("%s", error)
            problems = problem_items(LoadResult(frame=empty_frame(), problems=(str(error),)))
            return no_update, no_update, problems, no_update
        if ctx.triggered_id == ids.DATA_VERSION:
            for problem in result.problems:
                log.warning("%s", problem)
        names = run_names(combine(result, uploads))
        selection = selection_after(selected, option_values(previous_options), names, list(uploads or {}))
        return run_options(names), selection, problem_items(result), data_summary(result, settings)

    # Showing and hiding metrics happens in the browser: no round trip for the most frequent click.
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="toggleMetrics"),
        Output(ids.METRIC_PICKER, "value"),
        Output(ids.panel_graph(ALL), "figure", allow_duplicate=True),
        Output(ids.panel_box(ALL), "hidden"),
        Input(ids.METRIC_PICKER, "value"),
        Input(ids.ALL_METRICS_BUTTON, "n_clicks"),
        Input(ids.NO_METRICS_BUTTON, "n_clicks"),
        Input(ids.panel_graph(ALL), "restyleData"),
        State(ids.panel_graph(ALL), "figure"),
        prevent_initial_call=True,
    )

    # A click in the legend of runs hides or shows that run in every panel, and later redraws keep it so.
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="hideRuns"),
        Output(ids.HIDDEN_RUNS, "data"),
        Output(ids.panel_graph(ALL), "figure", allow_duplicate=True),
        Input(ids.run_legend(ALL), "restyleData"),
        State(ids.panel_graph(ALL), "figure"),
        prevent_initial_call=True,
    )

    # Only relayouts that move the step axis reach the server: a resize ("autosize") that arrived while a zoom
    # was on its way would otherwise replace the zoom's request, and Dash keeps only the latest answer.
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="stepAxisChange"),
        Output(ids.ZOOM_EVENT, "data"),
        Input(ids.panel_graph(ALL), "relayoutData"),
        prevent_initial_call=True,
    )

    # Dash does not run a server callback again for changes that arrive while it is running (a shared URL
    # sets many controls just as the page's first redraw goes out): when the chart was drawn from other values
    # than the controls hold now, ask for a redraw.
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="redrawIfStale"),
        Output(ids.CHART_REDRAW, "data"),
        Input(ids.CHART_KEY, "data"),
        *[State(item.component_id, item.component_property) for item in CHART_KEY_INPUTS],
        prevent_initial_call=True,
    )

    app.clientside_callback(
        "function (live) { return !(live && live.length); }",
        Output(ids.POLL, "disabled"),
        Input(ids.LIVE_TOGGLE, "value"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.CHART, "children"),
        Output(ids.panel_graph(ALL), "figure"),
        Output(ids.CHART_BOX, "style"),
        Output(ids.STEP_SLIDER, "value"),
        Output(ids.STEP_SLIDER, "min"),
        Output(ids.STEP_SLIDER, "max"),
        Output(ids.STEP_SLIDER, "marks"),
        Output(ids.METRIC_PICKER, "options"),
        Output(ids.METRIC_PICKER, "value", allow_duplicate=True),
        Output(ids.RUN_FILTER_MESSAGE, "children"),
        Output(ids.BEST_METRIC, "options"),
        Output(ids.BEST_METRIC, "value"),
        Output(ids.CHART_KEY, "data"),
        Output(ids.X_AXIS, "options"),
        Output(ids.X_AXIS, "value"),
        Output(ids.X_AXIS, "disabled"),
        Input(ids.RUN_PICKER, "value"),
        Input(ids.RUN_FILTER, "value"),
        Input(ids.DATA_VERSION, "data"),
        Input(ids.UPLOADED_RUNS, "data"),
        Input(ids.STEP_SLIDER, "value"),
        Input(ids.ZOOM_EVENT, "data"),
        Input(ids.RESET_ZOOM_BUTTON, "n_clicks"),
        Input(ids.CHART_REDRAW, "data"),
        *OPTION_INPUTS,
        State(ids.METRIC_PICKER, "value"),
        State(ids.METRIC_PICKER, "options"),
        State(ids.STEP_SLIDER, "min"),
        State(ids.STEP_SLIDER, "max"),
        State(ids.CHART_KEY, "data"),
        State(ids.HIDDEN_RUNS, "data"),
        prevent_initial_call=True,
    )
    def update_chart(
        selected,
        pattern,
        _version,
        uploads,
        slider,
        relayout,
        _reset,
        _redraw,
        smoothing,
        ema_weight,
        window,
        best_metric,
        y_scale,
        theme,
        x_axis,
        visible,
        options,
        slider_min,
        slider_max,
        drawn_key,
        hidden_runs,
    ):
        # Triggers can arrive merged or late (a shared URL sets many controls at once), so the chart is redrawn
        # whenever what it depends on differs from what it was drawn with, and only zoomed otherwise.
        options_now = chart_options(smoothing, ema_weight, window, best_metric, y_scale, theme, x_axis)
        controls = [smoothing, ema_weight, window, best_metric, y_scale, theme, x_axis]
        key = chart_key(selected, pattern, _version, uploads, controls)
        sources = {_ZOOM_SOURCES.get(prop_id.rsplit(".", 1)[0]) for prop_id in ctx.triggered_prop_ids} - {None}
        if key == drawn_key and not sources:
            raise PreventUpdate
        frame = current_frame(provider, uploads)
        if key == drawn_key and len(sources) == 1:
            (source,) = sources
            view = make_view(frame, selected, pattern)
            bounds = view.bounds or (slider_min, slider_max)
            current = slider_range(slider, bounds)
            plan = plan_zoom(source, slider, relayout, current, bounds, step_axis(frame, view, options_now))
            if plan is None:
                raise PreventUpdate
            updates = zoom_updates(frame, view, visible, plan.x_range, options_now, hidden_runs)
            slider_value = no_update if plan.slider_value is None else plan.slider_value
            return no_update, zoom_patches(updates, ctx.outputs_list[1]), no_update, slider_value, *[no_update] * 12
        view = make_view(frame, selected, pattern)
        _, pattern_error = matching_runs(run_names(frame), pattern)
        if not view.runs:
            # Nothing to show (a filter that matches no run, no run picked): say so, and leave the metrics, the
            # step range and the best metric as the user set them, for when runs are back.
            state = chart_state(frame, selected, pattern, options=options_now,
                                empty_message=empty_view_message(frame, selected, pattern))  # fmt: skip
            outputs = [no_update] * 16
            outputs[0], outputs[1], outputs[2] = create_chart(state.chart), [no_update] * len(ctx.outputs_list[1]), {}
            outputs[9], outputs[12] = pattern_error or "", key
            return tuple(outputs)
        best = best_metric_choice(list(view.metrics), best_metric)
        axes = axis_columns(frame, view)
        options_now = replace(options_now, best_metric=best, x_axis=x_axis if x_axis in axes else "step")
        state = chart_state(
            frame,
            selected,
            pattern,
            previous_visible=visible,
            previous_options=option_values(options),
            previous_range=slider,
            previous_bounds=(slider_min, slider_max),
            options=options_now,
            hidden_runs=hidden_runs,
        )
        return (
            create_chart(state.chart),
            [no_update] * len(ctx.outputs_list[1]),
            chart_box_style(state),
            state.slider_value,
            state.slider_bounds[0],
            state.slider_bounds[1],
            state.slider_marks,
            metric_options(state.metric_options, state.chart.legend is None),
            state.visible_metrics,
            pattern_error or "",
            state.metric_options,
            best,
            key,
            x_axis_options(axes),
            options_now.x_axis,
            not axes,
        )

    @app.callback(
        Output(ids.SUBSET_BOX, "children"),
        Output(ids.SUBSET_BOX, "hidden"),
        Output(ids.SECTION_PICKER, "options"),
        Output(ids.SECTION_PICKER, "disabled"),
        Input(ids.SECTION_PICKER, "value"),
        Input(ids.RUN_PICKER, "value"),
        Input(ids.RUN_FILTER, "value"),
        Input(ids.DATA_VERSION, "data"),
        Input(ids.UPLOADED_RUNS, "data"),
        Input(ids.STEP_SLIDER, "value"),
        *OPTION_INPUTS,
        prevent_initial_call=True,
    )
    def update_subsets(section, selected, pattern, _version, uploads, slider, *option_values_):
        # The sections on offer follow the runs and the data; a zoom or a chart option only redraws an open one.
        if not section and set(ctx.triggered_prop_ids) <= SUBSET_REDRAW_ONLY:
            raise PreventUpdate
        frame = current_frame(provider, uploads)
        view = make_view(frame, selected, pattern)
        sections = section_options(frame, view)
        x_range = padded(slider_range(slider, view.bounds or (0, 1)))
        options_now = chart_options(*option_values_)
        chart = subset_chart(frame, view, section, x_range, options_now) if section in sections else None
        if chart is None:
            return no_update, True, sections, not sections
        return create_subset_chart(*chart), False, sections, False

    @app.callback(
        Output(ids.SUMMARY_ROWS, "data"),
        Output(ids.DATA_ROWS, "data"),
        Output(ids.BEST_ROWS, "data"),
        Input(ids.RUN_PICKER, "value"),
        Input(ids.RUN_FILTER, "value"),
        Input(ids.DATA_VERSION, "data"),
        Input(ids.UPLOADED_RUNS, "data"),
        Input(ids.STEP_SLIDER, "value"),
        Input(ids.BEST_METRIC, "value"),
        Input(ids.SECTION_PICKER, "value"),
        Input(ids.TABLE_TOGGLE, "value"),
        prevent_initial_call=True,  # the first page comes with them
    )
    def update_insights(selected, pattern, _version, uploads, slider, best_metric, section, table_view):
        frame = current_frame(provider, uploads)
        view = make_view(frame, selected, pattern)
        step_range = slider_range(slider, view.bounds or (0, 0))
        if set(ctx.triggered_prop_ids) == {f"{ids.STEP_SLIDER}.value"}:
            # The best checkpoints are over every step: a zoom leaves them (and the browser's panel) as they are.
            summary, bests = summary_rows(frame, view.runs, view.metrics, step_range), no_update
        else:
            summary, bests = insights(frame, view, step_range, best_metric)
        if "table" not in (table_view or ()):  # the plotted numbers are only sent while the table is shown
            return summary, None, bests
        table = visible_table(frame, view.runs, exported_metrics(frame, view, section), step_range)
        return summary, table_payload(table, view.metrics), bests

    @app.callback(
        Output(ids.DOWNLOAD, "data"),
        Input(ids.EXPORT_CSV, "n_clicks"),
        State(ids.RUN_PICKER, "value"),
        State(ids.RUN_FILTER, "value"),
        State(ids.UPLOADED_RUNS, "data"),
        State(ids.STEP_SLIDER, "value"),
        State(ids.METRIC_PICKER, "value"),
        State(ids.SECTION_PICKER, "value"),
        prevent_initial_call=True,
    )
    def export_csv(_clicks, selected, pattern, uploads, slider, visible, section):
        frame = current_frame(provider, uploads)
        view = make_view(frame, selected, pattern)
        step_range = slider_range(slider, view.bounds or (0, 0))
        metrics = [
            m for m in exported_metrics(frame, view, section) if m in set(visible or ()) or m not in view.metrics
        ]
        table = spreadsheet_safe(visible_table(frame, view.runs, metrics, step_range))
        return {"content": table.to_csv(index=False, float_format="%.6g"), "filename": "rewardbench-visible.csv"}

    # The tables are drawn in the browser: a sort, a page or a metric toggle needs no request.
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="filterTables"),
        Output(ids.DATA_PAGE_LABEL, "children"),
        Output(ids.DATA_PREVIOUS, "disabled"),
        Output(ids.DATA_NEXT, "disabled"),
        Input(ids.SUMMARY_ROWS, "data"),
        Input(ids.DATA_ROWS, "data"),
        Input(ids.METRIC_PICKER, "value"),
        Input(ids.SUMMARY_SORT, "data"),
        Input(ids.DATA_SORT, "data"),
        Input(ids.DATA_PAGE, "data"),
        State(ids.SUMMARY_COLUMNS, "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="renderBest"),
        Output(ids.BEST_PANEL, "hidden"),
        Input(ids.BEST_ROWS, "data"),
        Input(ids.BEST_SORT, "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="turnPage"),
        Output(ids.DATA_PAGE, "data"),
        Input(ids.DATA_PREVIOUS, "n_clicks"),
        Input(ids.DATA_NEXT, "n_clicks"),
        Input(ids.DATA_ROWS, "data"),
        Input(ids.DATA_SORT, "data"),
        State(ids.DATA_PAGE, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="showTable"),
        Output(ids.CHART_BOX, "hidden"),
        Output(ids.DATA_TABLE_BOX, "hidden"),
        Input(ids.TABLE_TOGGLE, "value"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="applyTheme"),
        Output(ids.THEME, "data"),
        Input(ids.THEME_CHOICE, "value"),
        State(ids.THEME, "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="downloadImage"),
        Output(ids.EXPORT_PNG, "title"),
        Input(ids.EXPORT_PNG, "n_clicks"),
        Input(ids.EXPORT_SVG, "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="syncUrl"),
        Output(ids.URL, "search"),
        *[Output(*target, allow_duplicate=True) for target in URL_STATE],
        Input(ids.URL, "search"),
        *[Input(*target) for target in URL_STATE],
        State(ids.RUN_PICKER, "options"),
        State(ids.METRIC_PICKER, "options"),
        prevent_initial_call="initial_duplicate",
    )

    @app.callback(
        Output(ids.UPLOADED_RUNS, "data"),
        Output(ids.UPLOAD_MESSAGE, "children"),
        Output(ids.UPLOAD_MESSAGE, "className"),
        Input(ids.UPLOAD, "contents"),
        State(ids.UPLOAD, "filename"),
        State(ids.UPLOADED_RUNS, "data"),
        State(ids.RUN_PICKER, "options"),
        prevent_initial_call=True,
    )
    def upload(contents, filename, uploads, run_picker_options):
        if not contents:
            raise PreventUpdate
        try:
            frame, notes = read_upload(contents, filename or "upload", settings)
        except DataError as error:
            return no_update, f"Not added: {error}", "message error"
        uploads = dict(uploads or {})
        taken = set(option_values(run_picker_options)) - set(uploads)
        name = upload_name(str(frame["run"].iloc[0]), taken)
        frame = frame.assign(run=frame["run"].where(frame["run"] != frame["run"].iloc[0], name))
        for run, rows in frame.groupby("run", sort=False):
            uploads[run] = frame_to_upload(rows)
        steps = frame["step"].nunique()
        message = f"Added {name} ({steps} checkpoint{'s' if steps != 1 else ''}); it stays in this browser tab only."
        return uploads, " ".join([message, *notes]), "message ok"


def read_upload(contents: str, filename: str, settings: Settings) -> tuple:
    """The runs in an uploaded file (a data: URL from dcc.Upload), refusing files over the size limit."""
    # Browsers send a bare name, but a crafted request may not: keep only the last part, never a path.
    filename = filename.replace("\\", "/").rsplit("/", 1)[-1] or "upload"
    _, _, encoded = contents.partition(",")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise DataError(f"{filename}: the upload arrived damaged; try again") from None
    if len(raw) > settings.upload_limit_bytes:
        raise DataError(
            f"{filename}: {len(raw) / 1048576:.1f} MB is over the upload limit of {settings.upload_limit_mb:g} MB"
        )
    frame, notes = parse_bytes(filename, raw, settings.overall_convention, limits=settings.limits)
    if len(frame) > settings.upload_max_points:
        raise DataError(
            f"{filename}: {len(frame):,} points are over the upload limit of {settings.upload_max_points:,} "
            "(REWARDBENCH_UPLOAD_MAX_POINTS); the runs you add are kept in your browser and sent with every request"
        )
    return frame, notes
