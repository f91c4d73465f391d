"""Tables: the summary of the visible steps, the best checkpoints, and the chart as a table. The server sends rows;
the browser draws them as plain DOM (assets/dashboard/tables.js, best.js), so sorting, paging and toggling a metric
need no request: as Dash components, a thousand cells took seconds to mount."""

from __future__ import annotations

import json

from dash import ClientsideFunction, Dash, Input, Output, State, dcc, html, no_update

from components import ids
from components.analysis import INTERVAL_COLUMN, summary_rows, visible_table
from components.best import best_panel_data, best_rows, near_best
from components.features.common import MISSING, asks_for_missing_uploads, current_frame, step_range
from components.metrics import subsets_of
from components.provider import DataProvider, upload_tokens
from components.view import make_view
from components.viewstate import LINES, TABLES, read_view

# "decimals" says how a number is shown; "label" names a field shown instead where a row has it ("final" for a
# final model's step: components/analysis.py summary_rows), "interval" one shown under it (the value's interval).
SUMMARY_COLUMNS = [
    {"name": "Run", "id": "run"},
    {"name": "Metric", "id": "metric"},
    {"name": "First (%)", "id": "first", "decimals": 1, "interval": "first_interval"},
    {"name": "Last (%)", "id": "last", "decimals": 1, "interval": "last_interval"},
    {"name": "Change (points)", "id": "change", "decimals": 1, "interval": "change_interval"},
    {"name": "Peak (%)", "id": "peak", "decimals": 1, "interval": "peak_interval"},
    {"name": "Peak step", "id": "peak_step", "decimals": 0, "label": "peak_step_label"},
    {"name": "Lowest (%)", "id": "lowest", "decimals": 1},
    {"name": "Lowest step", "id": "lowest_step", "decimals": 0, "label": "lowest_step_label"},
    {"name": "Mean (%)", "id": "mean", "decimals": 1},
    {"name": "Volatility (points)", "id": "volatility", "decimals": 1},
]


def exported_metrics(frame, view, section) -> list[str]:
    """The metrics of the view, then the subsets of the open section, as the CSV and the table list them."""
    subsets = subsets_of(section, frame.loc[frame["run"].isin(view.runs), "metric"].unique()) if section else []
    return [*view.metrics, *subsets]


def table_payload(table, toggled_metrics) -> dict:
    """A wide table as columns and JSON records (gaps as null) for the browser, naming the columns that follow
    the metric toggles (a metric's own and its bounds', "<metric> lo" and "<metric> hi") and the text ones."""
    records = table.astype(object).where(table.notna(), None).to_dict("records")
    toggled = list(toggled_metrics)
    follows = {f"{metric} {end}": metric for metric in toggled for end in ("lo", "hi") if f"{metric} {end}" in table}
    return {"columns": list(table.columns), "rows": records, "metrics": toggled, "follows": follows,
            "text": [INTERVAL_COLUMN] if INTERVAL_COLUMN in table else []}  # fmt: skip


def data_table() -> html.Div:
    """The plotted numbers, a page at a time, shown instead of the chart when the view asks for a table."""
    return html.Div(
        id=ids.DATA_TABLE_BOX,
        className="data-table-box",
        hidden=True,
        children=[
            dcc.Store(id=ids.DATA_ROWS),
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
        ],
    )


def best_panel(bests: dict) -> html.Div:
    # The browser draws into the section (best.js): the stores stay outside it.
    return html.Div(
        [
            dcc.Store(id=ids.BEST_ROWS, data=bests),
            dcc.Store(id=ids.BEST_SORT),
            html.Section(id=ids.BEST_PANEL, className="best-panel", **{"aria-live": "polite"}),
        ]
    )


def summary_section(summary: list[dict]) -> html.Section:
    return html.Section(
        className="summary",
        **{"aria-labelledby": "summary-heading"},
        children=[
            html.H2("Summary of the visible steps", id="summary-heading"),
            html.P(
                "Raw values in %, over the steps shown; change and volatility (the standard deviation of the changes "
                "between consecutive checkpoints) in percentage points. Under a value, its interval at the level "
                "chosen under Uncertainty (≈: approximate). Click a column header to sort.",
                className="hint",
            ),
            dcc.Store(id=ids.SUMMARY_ROWS, data=summary),
            dcc.Store(id=ids.SUMMARY_COLUMNS, data=SUMMARY_COLUMNS),
            dcc.Store(id=ids.SUMMARY_SORT),
            dcc.Store(id=ids.upload_missing(TABLES)),
            html.Div(id=ids.SUMMARY_TABLE, className="table-scroll"),
        ],
    )


def bests_key(view, version, uploads) -> str:
    """What the best checkpoints depend on: the runs shown, the metric, the level, the data and the uploads."""
    tokens = upload_tokens(uploads)
    return json.dumps([list(view.runs), view.filter, view.best, view.level, version or "", tokens],
                      separators=(",", ":"))  # fmt: skip


def bests_data(frame, shown, view, intervals, provider: DataProvider | None) -> dict:
    """The best-checkpoint panel's data (components/best.py), with the checkpoints within noise of each best."""
    bests = best_rows(frame, shown, view.best)
    paired = provider.paired_differences() if provider else None
    return best_panel_data(frame, bests, near_best(frame, bests, intervals, view.level, paired), view.level)


def register(app: Dash, provider: DataProvider) -> None:
    @app.callback(
        output={
            "summary": Output(ids.SUMMARY_ROWS, "data"),
            "rows": Output(ids.DATA_ROWS, "data"),
            "bests": Output(ids.BEST_ROWS, "data"),
            MISSING: Output(ids.upload_missing(TABLES), "data"),
        },
        inputs={
            "part": Input(ids.view_part(TABLES), "data"),
            "_version": Input(ids.DATA_VERSION, "data"),
            "uploads": Input(ids.UPLOADS, "data"),
            "section": Input(ids.SECTION_PICKER, "value"),
        },
        state={"raw_view": State(ids.VIEW, "data"), "shown_bests": State(ids.BEST_ROWS, "data")},
        prevent_initial_call=True,  # the first page comes with them
    )
    @asks_for_missing_uploads
    def update_tables(part, _version, uploads, section, raw_view, shown_bests):
        view = read_view({**(raw_view or {}), **(part or {})})
        frame = current_frame(provider, uploads)
        shown = make_view(frame, view.runs, view.filter)
        steps = step_range(view, shown.bounds or (0, 0))
        # Rows of every metric: the browser keeps the visible ones, so toggling needs no request.
        intervals = provider.intervals(frame, shown.runs, view.level, exported_metrics(frame, shown, section))
        summary = summary_rows(frame, shown.runs, shown.metrics, steps, intervals, view.level,
                               provider.paired_change(view.level))  # fmt: skip
        # The best checkpoints are over every step: a zoom leaves them (and the browser's panel) as they are.
        key = bests_key(view, _version, uploads)
        if (shown_bests or {}).get("key") == key:
            bests = no_update
        else:
            bests = {**bests_data(frame, shown, view, intervals, provider), "key": key}
        if not view.as_table:  # the plotted numbers are only sent while the table is shown
            return {"summary": summary, "rows": None, "bests": bests}
        table = visible_table(frame, shown.runs, exported_metrics(frame, shown, section), steps, intervals)
        return {"summary": summary, "rows": table_payload(table, shown.metrics), "bests": bests}

    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="filterTables"),
        Output(ids.DATA_PAGE_LABEL, "children"),
        Output(ids.DATA_PREVIOUS, "disabled"),
        Output(ids.DATA_NEXT, "disabled"),
        Input(ids.SUMMARY_ROWS, "data"),
        Input(ids.DATA_ROWS, "data"),
        Input(ids.view_part(LINES), "data"),
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
        Input(ids.view_part(TABLES), "data"),
    )
