"""The page: where each feature's part goes (components/features/), and the first view it opens with."""

from __future__ import annotations

from dataclasses import replace

from dash import html

from components.analysis import summary_rows
from components.best import best_metric_choice, near_best_steps
from components.config import Settings
from components.features import (
    chart,
    compare,
    export,
    live,
    metrics,
    options,
    runs,
    steps,
    subsets,
    tables,
    upload,
    url,
)
from components.figures import ChartOptions
from components.loader import LoadResult
from components.provider import DataProvider
from components.render import chart_state, section_options
from components.view import axis_columns, make_view, run_names
from components.viewstate import ViewState


def make_layout(result: LoadResult, settings: Settings, version: str, provider: DataProvider | None = None) -> html.Div:
    """The first page for ``result``, with the intervals ``provider`` works out (None: none, the page that says the
    data could not be read)."""
    names = run_names(result.frame)
    first_view = make_view(result.frame, names)
    best = best_metric_choice(list(first_view.metrics), "Overall")
    chart_options = ChartOptions(best_metric=best)
    level = chart_options.level
    shown = first_view.runs
    intervals = provider.intervals(result.frame, shown, level, first_view.metrics) if provider and shown else None
    references, reference_problems = provider.references(level) if provider else ([], ())
    result = replace(result, problems=(*result.problems, *reference_problems))
    state = chart_state(
        result.frame,
        names,
        empty_message=f"No runs found in {runs.display_path(settings.data_path)}",
        options=chart_options,
        intervals=intervals,
        references=references,
        near_best=near_best_steps(
            result.frame, first_view, best, intervals, level, provider.paired_differences() if provider else None
        ),
    )
    view = ViewState(
        runs=tuple(names), metrics=tuple(state.visible_metrics), steps=tuple(state.slider_value), best=best
    )
    steps_shown = tuple(state.slider_value)
    summary = summary_rows(
        result.frame, state.view.runs, state.view.metrics, steps_shown, intervals, level,
        provider.paired_change(level) if provider else None,
    )  # fmt: skip
    bests = {
        **tables.bests_data(result.frame, state.view, view, intervals, provider),
        "key": tables.bests_key(view, version, None),
    }
    one_run = state.chart.legend is None
    return html.Div(
        className="page",
        children=[
            *url.stores(view),
            html.Header(
                className="page-header",
                children=[html.H1("RewardBench Dashboard"), runs.summary(result, settings)],
            ),
            html.Div(
                className="workspace",
                children=[
                    html.Aside(
                        className="sidebar panel",
                        children=[
                            runs.control(names, names),
                            metrics.control(state.metric_options, state.visible_metrics, one_run),
                            options.best_control(state.metric_options, best),
                            options.smoothing_control(),
                            options.interval_control(chart.interval_note(result.frame, shown, intervals, level)),
                            options.display_control(axis_columns(result.frame, state.view)),
                            subsets.control(section_options(result.frame, state.view)),
                            live.control(settings, version),
                            upload.control(settings),
                        ],
                    ),
                    html.Main(
                        className="main panel",
                        children=[
                            runs.problems(result),
                            steps.control(state),
                            chart.area(state, view, version),
                            tables.data_table(),
                            html.P(
                                "Drag across the chart to zoom into steps, double-click to zoom out, click a legend "
                                "entry to show or hide it, hover to read every value at a step.",
                                className="hint",
                            ),
                            export.row(),
                            tables.best_panel(bests),
                            compare.section(result.frame),
                            tables.summary_section(summary),
                            subsets.area(),
                        ],
                    ),
                ],
            ),
        ],
    )
