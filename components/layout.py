"""The page, built from small create_* helpers."""

from __future__ import annotations

from pathlib import Path

from dash import dcc, html

from components import ids
from components.config import Settings
from components.figures import metric_colour
from components.loader import LoadResult
from components.render import ChartState, chart_state, section_options
from components.view import run_names

GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    # Double-click asks for the full step range, which the zoom callback then applies.
    "doubleClick": "autosize",
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"filename": "rewardbench-chart", "scale": 2},
}


def metric_options(metrics: list[str]) -> list[dict]:
    """Checklist options with a swatch in each metric's line colour."""
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


def run_options(names: list[str]) -> list[dict]:
    return [{"label": name, "value": name} for name in names]


def display_path(path: Path) -> str:
    """A data path as the user would write it: relative to the working directory when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def data_summary(result: LoadResult, settings: Settings) -> list:
    runs = len(run_names(result.frame))
    text = f"{runs} run{'s' if runs != 1 else ''} from "
    return [html.Span(text, className="muted"), html.Code(display_path(settings.data_path), className="data-path")]


def problem_items(result: LoadResult) -> list:
    """The files that could not be read (each with where and what) and notes, as a list the user can read."""
    if not result.problems and not result.notes:
        return []
    items = [html.Li(problem, className="problem") for problem in result.problems]
    items += [html.Li(note, className="note") for note in result.notes]
    heading = []
    if result.problems:
        count = len(result.problems)
        heading.append(
            html.Strong(f"{count} file{'s' if count != 1 else ''} could not be read; every other run is shown.")
        )
    return [*heading, html.Ul(items)]


def chart_box_style(state: ChartState) -> dict:
    height = state.height_px
    return {"height": f"{height}px"} if height else {}


def create_header(result: LoadResult, settings: Settings) -> html.Header:
    return html.Header(
        className="page-header",
        children=[
            html.H1("RewardBench Dashboard"),
            html.P(id=ids.DATA_SUMMARY, className="run-summary", children=data_summary(result, settings)),
        ],
    )


def create_run_control(names: list[str], selected: list[str]) -> html.Fieldset:
    return html.Fieldset(
        className="control run-control",
        children=[
            html.Legend("Runs"),
            html.Label("Filter runs (regular expression)", htmlFor=ids.RUN_FILTER, className="visually-hidden"),
            dcc.Input(
                id=ids.RUN_FILTER,
                type="text",
                placeholder="Filter runs (regex), e.g. lr-.*",
                debounce=0.3,
                className="text-input",
                autoComplete="off",
            ),
            html.Div(id=ids.RUN_FILTER_MESSAGE, className="message error", role="status"),
            dcc.Dropdown(
                id=ids.RUN_PICKER,
                options=run_options(names),
                value=selected,
                multi=True,
                searchable=True,
                placeholder="Pick runs…",
                className="run-picker",
            ),
        ],
    )


def create_metric_control(state: ChartState) -> html.Fieldset:
    return html.Fieldset(
        className="control metric-control",
        children=[
            html.Legend("Metrics"),
            dcc.Checklist(
                id=ids.METRIC_PICKER,
                options=metric_options(state.metric_options),
                value=state.visible_metrics,
                className="metric-list",
            ),
            html.Div(
                className="button-row",
                children=[
                    html.Button("All", id=ids.ALL_METRICS_BUTTON, className="button", title="Show every metric"),
                    html.Button("None", id=ids.NO_METRICS_BUTTON, className="button", title="Hide every metric"),
                ],
            ),
        ],
    )


def create_range_control(state: ChartState) -> html.Fieldset:
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
        ],
    )


def create_section_control(sections: list[str]) -> html.Fieldset:
    return html.Fieldset(
        className="control section-control",
        children=[
            html.Legend("Subset scores"),
            html.Label("Show the subsets of", htmlFor=ids.SECTION_PICKER, className="visually-hidden"),
            dcc.Dropdown(
                id=ids.SECTION_PICKER,
                options=sections,
                value=None,
                placeholder="Open a section…" if sections else "No subset scores in these runs",
                disabled=not sections,
                clearable=True,
            ),
        ],
    )


def create_live_control(settings: Settings) -> html.Fieldset:
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
        ],
    )


def create_upload_control(settings: Settings) -> html.Fieldset:
    limit = f"{settings.upload_limit_mb:g} MB"
    return html.Fieldset(
        className="control upload-control",
        children=[
            html.Legend("Add a run"),
            dcc.Upload(
                id=ids.UPLOAD,
                className="upload",
                max_size=settings.upload_limit_bytes,
                children=html.Div(
                    [html.Span("Drop a run file here or "), html.A("choose one", href="#", className="link")]
                ),
            ),
            html.P(f"CSV, TSV, JSON Lines or a RewardBench result JSON, up to {limit}.", className="hint"),
            html.Div(
                id=ids.UPLOAD_MESSAGE,
                className="message",
                role="status",
                **{"data-limit-bytes": str(settings.upload_limit_bytes), "data-limit": limit},
            ),
        ],
    )


def make_layout(result: LoadResult, settings: Settings, version: str) -> html.Div:
    names = run_names(result.frame)
    state = chart_state(result.frame, names, empty_message=f"No runs found in {display_path(settings.data_path)}")
    sections = section_options(result.frame, state.view)
    return html.Div(
        className="page",
        children=[
            dcc.Store(id=ids.DATA_VERSION, data=version),
            dcc.Store(id=ids.UPLOADED_RUNS, storage_type="session"),
            create_header(result, settings),
            html.Div(
                className="workspace",
                children=[
                    html.Aside(
                        className="sidebar panel",
                        children=[
                            create_run_control(names, names),
                            create_metric_control(state),
                            create_section_control(sections),
                            create_live_control(settings),
                            create_upload_control(settings),
                        ],
                    ),
                    html.Main(
                        className="main panel",
                        children=[
                            create_range_control(state),
                            html.Div(
                                id=ids.CHART_BOX,
                                className="chart-box",
                                style=chart_box_style(state),
                                children=dcc.Graph(
                                    id=ids.CHART, figure=state.figure, config=GRAPH_CONFIG, className="chart"
                                ),
                            ),
                            html.P(
                                "Drag across the chart to zoom into steps, double-click to zoom out, click a legend "
                                "entry to show or hide it, hover to read every value at a step.",
                                className="hint",
                            ),
                            html.Div(
                                id=ids.SUBSET_BOX,
                                className="subset-box",
                                hidden=True,
                                children=dcc.Graph(id=ids.SUBSET_CHART, config=GRAPH_CONFIG, className="chart"),
                            ),
                            html.Section(
                                id=ids.PROBLEMS,
                                className="problems",
                                children=problem_items(result),
                                **{"aria-live": "polite"},
                            ),
                        ],
                    ),
                ],
            ),
        ],
    )
