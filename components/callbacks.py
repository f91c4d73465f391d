"""register_callbacks(app, provider): thin wrappers over the pure functions in components/."""

from __future__ import annotations

import base64
import binascii
import logging
import uuid

from dash import ClientsideFunction, Dash, Input, Output, Patch, State, ctx, no_update
from dash.exceptions import PreventUpdate

from components import ids
from components.config import Settings
from components.figures import zoom_updates
from components.layout import chart_box_style, data_summary, metric_options, problem_items, run_options
from components.loader import DataError, LoadResult, empty_frame, parse_bytes
from components.provider import DataProvider, combine, frame_to_upload, upload_name
from components.render import chart_state, section_options, subset_chart
from components.view import make_view, matching_runs, run_names, selection_after
from components.zoom import padded, plan_zoom

log = logging.getLogger(__name__)

_ZOOM_SOURCES = {ids.STEP_SLIDER: "slider", ids.CHART: "chart", ids.RESET_ZOOM_BUTTON: "reset"}


def zoom_patch(updates: dict[tuple, object]) -> Patch:
    patch = Patch()
    for (_, axis, key), value in updates.items():
        patch["layout"][axis][key] = value
    # A new axis revision makes Plotly apply this range over any zoom the user made with the mouse.
    patch["layout"]["xaxis"]["uirevision"] = uuid.uuid4().hex
    return patch


def current_frame(provider: DataProvider, uploads):
    """Every run to draw; when the data path cannot be read right now the chart keeps what it shows."""
    try:
        return combine(provider.load(), uploads)
    except DataError:
        raise PreventUpdate from None


def option_values(options) -> list[str]:
    return [option["value"] if isinstance(option, dict) else option for option in options or ()]


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
        Output(ids.CHART, "figure", allow_duplicate=True),
        Input(ids.METRIC_PICKER, "value"),
        Input(ids.ALL_METRICS_BUTTON, "n_clicks"),
        Input(ids.NO_METRICS_BUTTON, "n_clicks"),
        Input(ids.CHART, "restyleData"),
        State(ids.CHART, "figure"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        "function (live) { return !(live && live.length); }",
        Output(ids.POLL, "disabled"),
        Input(ids.LIVE_TOGGLE, "value"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.CHART, "figure"),
        Output(ids.CHART_BOX, "style"),
        Output(ids.STEP_SLIDER, "value"),
        Output(ids.STEP_SLIDER, "min"),
        Output(ids.STEP_SLIDER, "max"),
        Output(ids.STEP_SLIDER, "marks"),
        Output(ids.METRIC_PICKER, "options"),
        Output(ids.METRIC_PICKER, "value", allow_duplicate=True),
        Output(ids.RUN_FILTER_MESSAGE, "children"),
        Input(ids.RUN_PICKER, "value"),
        Input(ids.RUN_FILTER, "value"),
        Input(ids.DATA_VERSION, "data"),
        Input(ids.UPLOADED_RUNS, "data"),
        Input(ids.STEP_SLIDER, "value"),
        Input(ids.CHART, "relayoutData"),
        Input(ids.RESET_ZOOM_BUTTON, "n_clicks"),
        State(ids.METRIC_PICKER, "value"),
        State(ids.METRIC_PICKER, "options"),
        State(ids.STEP_SLIDER, "min"),
        State(ids.STEP_SLIDER, "max"),
        prevent_initial_call=True,
    )
    def update_chart(
        selected, pattern, _version, uploads, slider, relayout, _reset, visible, options, slider_min, slider_max
    ):
        frame = current_frame(provider, uploads)
        source = _ZOOM_SOURCES.get(ctx.triggered_id)
        if source is not None:
            view = make_view(frame, selected, pattern)
            bounds = view.bounds or (slider_min, slider_max)
            current = tuple(slider) if slider and len(slider) == 2 else bounds
            plan = plan_zoom(source, slider, relayout, current, bounds)
            if plan is None:
                raise PreventUpdate
            patch = zoom_patch(zoom_updates(frame, view, visible, plan.x_range))
            slider_value = no_update if plan.slider_value is None else plan.slider_value
            return patch, no_update, slider_value, *[no_update] * 5, no_update
        state = chart_state(
            frame,
            selected,
            pattern,
            previous_visible=visible,
            previous_options=option_values(options),
            previous_range=slider,
            previous_bounds=(slider_min, slider_max),
            empty_message="Pick one or more runs to show" if run_names(frame) else "No runs found",
        )
        _, pattern_error = matching_runs(run_names(frame), pattern)
        return (
            state.figure,
            chart_box_style(state),
            state.slider_value,
            state.slider_bounds[0],
            state.slider_bounds[1],
            state.slider_marks,
            metric_options(state.metric_options),
            state.visible_metrics,
            pattern_error or "",
        )

    @app.callback(
        Output(ids.SUBSET_CHART, "figure"),
        Output(ids.SUBSET_CHART, "style"),
        Output(ids.SUBSET_BOX, "hidden"),
        Output(ids.SECTION_PICKER, "options"),
        Output(ids.SECTION_PICKER, "disabled"),
        Input(ids.SECTION_PICKER, "value"),
        Input(ids.RUN_PICKER, "value"),
        Input(ids.RUN_FILTER, "value"),
        Input(ids.DATA_VERSION, "data"),
        Input(ids.UPLOADED_RUNS, "data"),
        Input(ids.STEP_SLIDER, "value"),
        prevent_initial_call=True,
    )
    def update_subsets(section, selected, pattern, _version, uploads, slider):
        frame = current_frame(provider, uploads)
        view = make_view(frame, selected, pattern)
        sections = section_options(frame, view)
        x_range = padded(tuple(slider)) if slider and len(slider) == 2 else padded(view.bounds or (0, 1))
        chart = subset_chart(frame, view, section, x_range) if section in sections else None
        if chart is None:
            return no_update, no_update, True, sections, not sections
        figure, height = chart
        return figure, {"height": f"{height}px"} if height else {}, False, sections, False

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
    _, _, encoded = contents.partition(",")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise DataError(f"{filename}: the upload arrived damaged; try again") from None
    if len(raw) > settings.upload_limit_bytes:
        raise DataError(
            f"{filename}: {len(raw) / 1048576:.1f} MB is over the upload limit of {settings.upload_limit_mb:g} MB"
        )
    return parse_bytes(filename, raw, settings.overall_convention)
