"""The page, built from small create_* helpers."""

from __future__ import annotations

from pathlib import Path

from dash import dcc, html

from components import formats, ids
from components.analysis import (
    SMOOTHING_EMA,
    SMOOTHING_MOVING_AVERAGE,
    SMOOTHING_OFF,
)
from components.best import best_metric_choice, insights
from components.config import Settings
from components.figures import PANEL_FIGURE_HEIGHT_PX, Chart, ChartOptions
from components.formats.base import display_text
from components.loader import LoadResult
from components.metrics import axis_label
from components.palette import metric_colour
from components.render import ChartState, chart_key, chart_state, section_options
from components.view import axis_columns, make_view, run_names

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


def metric_options(metrics: list[str], one_run: bool = True) -> list[dict]:
    """Checklist options; in the one-run chart, where a colour is a metric, with a swatch in its line colour. With
    several runs a colour is a run, so the metrics have none."""
    if not one_run:
        return [{"label": html.Span(m, className="metric-option"), "value": m} for m in metrics]
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
        return display_text(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return display_text(path)


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


LEGEND_TOP_PX = 72
LEGEND_ROW_PX = 30


def chart_box_style(state: ChartState) -> dict:
    # The one-run chart fills the box's height (style.css); panels are as tall as they need.
    return {} if state.chart.legend is None else {"height": "auto"}


def create_chart(chart: Chart) -> list:
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
                options=metric_options(state.metric_options, state.chart.legend is None),
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
                accept=formats.upload_accept(),
                children=html.Div(
                    [html.Span("Drop a run file here or "), html.A("choose one", href="#", className="link")]
                ),
            ),
            html.P(f"{formats.upload_hint()}, up to {limit}.", className="hint"),
            html.Div(
                id=ids.UPLOAD_MESSAGE,
                className="message",
                role="status",
                **{"data-limit-bytes": str(settings.upload_limit_bytes), "data-limit": limit},
            ),
        ],
    )


def create_best_control(state: ChartState, best: str | None) -> html.Fieldset:
    return html.Fieldset(
        className="control best-control",
        children=[
            html.Legend("Best checkpoint"),
            html.Label("Mark the highest value of", htmlFor=ids.BEST_METRIC, className="field-label"),
            dcc.Dropdown(
                id=ids.BEST_METRIC,
                options=state.metric_options,
                value=best,
                clearable=True,
                placeholder="No marker",
            ),
        ],
    )


def create_smoothing_control() -> html.Fieldset:
    return html.Fieldset(
        className="control smoothing-control",
        children=[
            html.Legend("Smoothing"),
            dcc.RadioItems(
                id=ids.SMOOTHING_MODE,
                options=[
                    {"label": "Off", "value": SMOOTHING_OFF},
                    {"label": "Exponential (TensorBoard)", "value": SMOOTHING_EMA},
                    {"label": "Centred moving average", "value": SMOOTHING_MOVING_AVERAGE},
                ],
                value=SMOOTHING_OFF,
                className="radio-list",
            ),
            html.Label("Weight", htmlFor=ids.EMA_WEIGHT, className="field-label"),
            dcc.Slider(
                id=ids.EMA_WEIGHT,
                min=0,
                max=0.99,
                step=0.01,
                value=0.6,
                marks={0: "0", 0.5: "0.5", 0.99: "0.99"},
                className="compact-slider",
            ),
            html.Label("Window (checkpoints)", htmlFor=ids.MA_WINDOW, className="field-label"),
            dcc.Slider(
                id=ids.MA_WINDOW,
                min=3,
                max=15,
                step=2,
                value=5,
                marks={3: "3", 9: "9", 15: "15"},
                className="compact-slider",
            ),
        ],
    )


def x_axis_options(axes: list[str]) -> list[dict]:
    return [{"label": "Training steps", "value": "step"}] + [{"label": axis_label(a), "value": a} for a in axes]


def create_display_control(axes: list[str]) -> html.Fieldset:
    return html.Fieldset(
        className="control display-control",
        children=[
            html.Legend("Display"),
            html.Div("Y axis", className="field-label", id="y-scale-label"),
            dcc.RadioItems(
                id=ids.Y_SCALE,
                options=[{"label": "Fit to the data", "value": "fit"}, {"label": "0–100 %", "value": "full"}],
                value="fit",
                inline=True,
                className="radio-list",
            ),
            html.Label("X axis", htmlFor=ids.X_AXIS, className="field-label"),
            dcc.Dropdown(
                id=ids.X_AXIS,
                options=x_axis_options(axes),
                value="step",
                clearable=False,
                searchable=False,
                disabled=not axes,
            ),
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
            dcc.Checklist(
                id=ids.TABLE_TOGGLE,
                options=[{"label": "Show the chart as a table", "value": "table"}],
                value=[],
                className="radio-list",
            ),
        ],
    )


def create_export_row() -> html.Div:
    return html.Div(
        className="export-row",
        role="group",
        **{"aria-label": "Download"},
        children=[
            html.Span("Download", className="field-label"),
            html.Button("CSV", id=ids.EXPORT_CSV, className="button", title="The visible data as one CSV file"),
            html.Button("PNG", id=ids.EXPORT_PNG, className="button", title="The chart as a PNG image"),
            html.Button("SVG", id=ids.EXPORT_SVG, className="button", title="The chart as an SVG image"),
            dcc.Download(id=ids.DOWNLOAD),
        ],
    )


# Drawn in the browser (assets/dashboard.js, renderTable): "decimals" says how a number is shown; "label" names a
# field shown instead where a row has it ("final" for a final model's step: components/analysis.py summary_rows).
SUMMARY_COLUMNS = [
    {"name": "Run", "id": "run"},
    {"name": "Metric", "id": "metric"},
    {"name": "First (%)", "id": "first", "decimals": 1},
    {"name": "Last (%)", "id": "last", "decimals": 1},
    {"name": "Change (points)", "id": "change", "decimals": 1},
    {"name": "Peak (%)", "id": "peak", "decimals": 1},
    {"name": "Peak step", "id": "peak_step", "decimals": 0, "label": "peak_step_label"},
    {"name": "Lowest (%)", "id": "lowest", "decimals": 1},
    {"name": "Lowest step", "id": "lowest_step", "decimals": 0, "label": "lowest_step_label"},
    {"name": "Mean (%)", "id": "mean", "decimals": 1},
    {"name": "Volatility (points)", "id": "volatility", "decimals": 1},
]


def create_subset_chart(figure, height_px: int | None) -> dcc.Graph:
    style = {"height": f"{height_px}px"} if height_px else {}
    return dcc.Graph(id=ids.SUBSET_CHART, figure=figure, style=style, config=GRAPH_CONFIG, className="chart")


def create_data_table() -> list:
    """The plotted numbers, a page at a time (the browser draws the rows: assets/dashboard.js, filterTables)."""
    return [
        dcc.Store(id=ids.DATA_SORT),
        dcc.Store(id=ids.DATA_PAGE, data=0),
        html.Div(id=ids.DATA_TABLE, className="table-scroll"),
        html.Div(
            className="pager",
            role="group",
            **{"aria-label": "Table pages"},
            children=[
                html.Button("Previous", id=ids.DATA_PREVIOUS, className="button", title="The previous rows"),
                html.Span(id=ids.DATA_PAGE_LABEL, className="hint", **{"aria-live": "polite"}),
                html.Button("Next", id=ids.DATA_NEXT, className="button", title="The next rows"),
            ],
        ),
    ]


def create_summary_section() -> html.Section:
    return html.Section(
        className="summary",
        **{"aria-labelledby": "summary-heading"},
        children=[
            html.H2("Summary of the visible steps", id="summary-heading"),
            html.P(
                "Raw values in %, over the steps shown; change and volatility (the standard deviation of the changes "
                "between consecutive checkpoints) in percentage points. Click a column header to sort.",
                className="hint",
            ),
            dcc.Store(id=ids.SUMMARY_COLUMNS, data=SUMMARY_COLUMNS),
            dcc.Store(id=ids.SUMMARY_SORT),
            html.Div(id=ids.SUMMARY_TABLE, className="table-scroll"),
        ],
    )


def initial_controls(best: str | None) -> list:
    """The option controls' values on a new page, in the order of callbacks.OPTION_INPUTS."""
    defaults = ChartOptions()
    return [defaults.smoothing, defaults.ema_weight, defaults.window, best, defaults.y_scale, "light", "step"]


def make_layout(result: LoadResult, settings: Settings, version: str) -> html.Div:
    names = run_names(result.frame)
    best = best_metric_choice(list(make_view(result.frame, names).metrics), "Overall")
    options = ChartOptions(best_metric=best)
    state = chart_state(
        result.frame, names, empty_message=f"No runs found in {display_path(settings.data_path)}", options=options
    )
    sections = section_options(result.frame, state.view)
    summary, bests = insights(result.frame, state.view, tuple(state.slider_value), best)
    return html.Div(
        className="page",
        children=[
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.DATA_VERSION, data=version),
            dcc.Store(id=ids.THEME, data="light"),
            dcc.Store(id=ids.ZOOM_EVENT),
            dcc.Store(id=ids.CHART_KEY, data=chart_key(names, None, version, None, initial_controls(best))),
            dcc.Store(id=ids.CHART_REDRAW),
            dcc.Store(id=ids.HIDDEN_RUNS, data=[]),
            dcc.Store(id=ids.SUMMARY_ROWS, data=summary),
            dcc.Store(id=ids.BEST_ROWS, data=bests),
            dcc.Store(id=ids.BEST_SORT),
            dcc.Store(id=ids.DATA_ROWS),
            # Empty rather than unset: an unset store reports a change on every page load, which redraws everything.
            dcc.Store(id=ids.UPLOADED_RUNS, storage_type="session", data={}),
            create_header(result, settings),
            html.Div(
                className="workspace",
                children=[
                    html.Aside(
                        className="sidebar panel",
                        children=[
                            create_run_control(names, names),
                            create_metric_control(state),
                            create_best_control(state, best),
                            create_smoothing_control(),
                            create_display_control(axis_columns(result.frame, state.view)),
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
                                children=html.Div(
                                    id=ids.CHART, className="chart-frame", children=create_chart(state.chart)
                                ),
                            ),
                            html.Div(
                                id=ids.DATA_TABLE_BOX,
                                className="data-table-box",
                                hidden=True,
                                children=create_data_table(),
                            ),
                            html.P(
                                "Drag across the chart to zoom into steps, double-click to zoom out, click a legend "
                                "entry to show or hide it, hover to read every value at a step.",
                                className="hint",
                            ),
                            create_export_row(),
                            html.Section(id=ids.BEST_PANEL, className="best-panel", **{"aria-live": "polite"}),
                            create_summary_section(),
                            html.Div(
                                id=ids.SUBSET_BOX,
                                className="subset-box",
                                hidden=True,
                                # The subset chart is made when a section is picked: one chart less to draw
                                # on a new page.
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
