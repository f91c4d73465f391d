"""Downloads: the visible data as CSV, the chart as PNG or SVG. Both are made on the server from the view, the
image from one figure (figures.export_figure) that the browser's Plotly turns into a file."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html

from components import ids
from components.analysis import spreadsheet_safe, visible_table
from components.best import near_best_steps
from components.features.common import MISSING, asks_for_missing_uploads, current_frame, step_range
from components.features.tables import exported_metrics
from components.figures import export_figure
from components.palette import run_colours
from components.provider import DataProvider
from components.render import chart_title
from components.view import make_view, run_names
from components.viewstate import read_view
from components.zoom import padded

READERS = ("csv", "image")
FILENAME = "rewardbench-chart"


def row() -> html.Div:
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
            dcc.Store(id=ids.EXPORT_FIGURE),
            *[dcc.Store(id=ids.upload_missing(reader)) for reader in READERS],
        ],
    )


def register(app: Dash, provider: DataProvider) -> None:
    @app.callback(
        output={"download": Output(ids.DOWNLOAD, "data"), MISSING: Output(ids.upload_missing("csv"), "data")},
        inputs={"_clicks": Input(ids.EXPORT_CSV, "n_clicks")},
        state={
            "raw_view": State(ids.VIEW, "data"),
            "uploads": State(ids.UPLOADS, "data"),
            "section": State(ids.SECTION_PICKER, "value"),
        },
        prevent_initial_call=True,
    )
    @asks_for_missing_uploads
    def export_csv(_clicks, raw_view, uploads, section):
        view = read_view(raw_view)
        frame = current_frame(provider, uploads)
        shown = make_view(frame, view.runs, view.filter)
        steps = step_range(view, shown.bounds or (0, 0))
        visible = set(view.metrics)
        metrics = [m for m in exported_metrics(frame, shown, section) if m in visible or m not in shown.metrics]
        intervals = provider.intervals(frame, shown.runs, view.level, metrics)
        table = spreadsheet_safe(visible_table(frame, shown.runs, metrics, steps, intervals))
        return {"download": {"content": table.to_csv(index=False, float_format="%.6g"), "filename": f"{FILENAME}.csv"}}

    @app.callback(
        output={"figure": Output(ids.EXPORT_FIGURE, "data"), MISSING: Output(ids.upload_missing("image"), "data")},
        inputs={"_png": Input(ids.EXPORT_PNG, "n_clicks"), "_svg": Input(ids.EXPORT_SVG, "n_clicks")},
        state={
            "raw_view": State(ids.VIEW, "data"),
            "uploads": State(ids.UPLOADS, "data"),
            "hidden_runs": State(ids.HIDDEN_RUNS, "data"),
        },
        prevent_initial_call=True,
    )
    @asks_for_missing_uploads
    def export_image(_png, _svg, raw_view, uploads, hidden_runs):
        view = read_view(raw_view)
        frame = current_frame(provider, uploads)
        shown = make_view(frame, view.runs, view.filter)
        steps = step_range(view, shown.bounds or (0, 1))
        intervals = provider.intervals(frame, shown.runs, view.level, shown.metrics)
        figure = export_figure(
            frame,
            shown,
            visible_metrics=view.metrics,
            hidden_runs=hidden_runs,
            x_range=padded(steps),
            title=chart_title(shown),
            colours=run_colours(run_names(frame)),
            options=view.chart_options(),
            intervals=intervals,
            near_best=near_best_steps(frame, shown, view.best, intervals, view.level, provider.paired_differences()),
            references=provider.references(view.level)[0],
        )
        image_format = "svg" if ctx.triggered_id == ids.EXPORT_SVG else "png"
        return {"figure": {"figure": figure, "format": image_format, "filename": FILENAME}}

    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="downloadImage"),
        Output(ids.EXPORT_PNG, "title"),
        Input(ids.EXPORT_FIGURE, "data"),
        prevent_initial_call=True,
    )
