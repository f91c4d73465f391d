"""Compare two checkpoints, A and B: their scores side by side with B - A, its interval and an adjusted p-value
(components/compare.py), and the prompts whose outcome flipped, sortable and downloadable. A and B are part of the
view (and so of the URL); a click on a point of the chart, or the best-checkpoint panel's button, picks them
(ids.COMPARE_PICK, written by assets/dashboard/compare.js and best.js), which this module turns into a view fix."""

from __future__ import annotations

import re

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components import ids
from components.analysis import spreadsheet_safe
from components.compare import (
    COMPARE_COLUMNS,
    FLIPPED_SHOWN,
    FLIPPED_SHOWN_COLUMNS,
    checkpoint_value,
    describe_alignment,
    flipped_csv,
    flipped_rows,
    parse_checkpoint,
    table_rows,
)
from components.features.common import MISSING, asks_for_missing_uploads, current_frame, unchanged
from components.loader import FINALS
from components.provider import DataProvider
from components.view import run_names
from components.viewstate import COMPARE, read_view

FIX = "compare"
READER = COMPARE
OPTIONS_MOST = 200


def section(frame) -> html.Section:
    options = checkpoint_options(frame)
    return html.Section(
        id=ids.COMPARE_SECTION,
        className="compare",
        **{"aria-labelledby": "compare-heading"},
        children=[
            html.H2("Compare two checkpoints", id="compare-heading"),
            html.P(
                "Click a point on the chart to compare it with the last checkpoint of its run; a second click "
                "changes B. Or pick them here: the same run at two steps, or two runs evaluated on the same prompts.",
                className="hint",
            ),
            html.Div(
                className="compare-pickers",
                children=[
                    html.Label("A", htmlFor=ids.COMPARE_A, className="field-label"),
                    dcc.Dropdown(id=ids.COMPARE_A, options=options, value=None, placeholder="Checkpoint A…"),
                    html.Label("B", htmlFor=ids.COMPARE_B, className="field-label"),
                    dcc.Dropdown(id=ids.COMPARE_B, options=options, value=None, placeholder="Checkpoint B…"),
                    html.Button("Swap", id=ids.COMPARE_SWAP, className="button", title="Swap A and B"),
                    html.Button("Clear", id=ids.COMPARE_CLEAR, className="button", title="Compare nothing"),
                ],
            ),
            html.Div(id=ids.COMPARE_RESULT, className="compare-result", **{"aria-live": "polite"}),
            html.Div(id=ids.COMPARE_TABLE, className="table-scroll"),
            html.Div(id=ids.FLIPPED_TABLE, className="table-scroll flipped"),
            html.Button(
                "Download the flipped prompts (CSV)", id=ids.FLIPPED_DOWNLOAD, className="button", hidden=True
            ),  # fmt: skip
            dcc.Download(id=ids.FLIPPED_CSV),
            dcc.Store(id=ids.COMPARE_DATA),
            dcc.Store(id=ids.COMPARE_SORT),
            dcc.Store(id=ids.FLIPPED_SORT),
            dcc.Store(id=ids.COMPARE_PICK),
            dcc.Store(id=ids.view_fix(FIX)),
            dcc.Store(id=ids.upload_missing(READER)),
        ],
    )


def checkpoint_label(frame, run: str, step: int) -> str:
    return f"{run}, final model" if frame.attrs.get(FINALS, {}).get(run) == step else f"{run} at step {step}"


def checkpoint_options(frame, search: str | None = None, current: str = "", most: int = OPTIONS_MOST) -> list[dict]:
    """The checkpoints a picker offers: those whose label holds every word of ``search`` (a hundred runs of
    thousands of steps are too many to list), else the current one's run first; at most ``most`` and the
    current one."""
    steps = frame.groupby("run", observed=True)["step"].unique()
    found = parse_checkpoint(current)
    names = run_names(frame)
    if found and found[0] in names:
        names = [found[0], *(name for name in names if name != found[0])]
    words = (search or "").lower().split()
    options = []
    for run in names:
        if len(options) >= most and (not found or run != found[0]):
            break  # the current checkpoint's run comes first: nothing after it is needed any more
        for step in sorted(steps[run]) if run in steps.index else ():
            label = checkpoint_label(frame, run, int(step))
            value = checkpoint_value(run, int(step))
            if value == current or (len(options) < most and all(word in label.lower() for word in words)):
                options.append({"label": label, "value": value})
    return options


def picked(frame, pick: dict, a: str, b: str) -> dict | None:
    """The view's A and B after a pick: a point clicked on the chart, or a best checkpoint to compare with its
    run's last one (A the best, B the last; when the best is the last, A the first and B the best). None when the
    pick names no checkpoint of ``frame``."""
    run, step = pick.get("run"), pick.get("step")
    steps = sorted(frame.loc[frame["run"] == run, "step"].unique()) if isinstance(run, str) else []
    if not isinstance(step, int | float) or int(step) not in steps:
        return None
    clicked = checkpoint_value(run, int(step))
    if pick.get("with") == "last" and int(step) == steps[-1] and len(steps) > 1:  # the best is the last checkpoint
        return {"a": checkpoint_value(run, int(steps[0])), "b": clicked}
    if pick.get("with") == "last" or not parse_checkpoint(a):
        other = steps[-1] if int(step) != steps[-1] else steps[0]
        return {"a": clicked, "b": checkpoint_value(run, int(other)) if other != int(step) else ""}
    return {"a": a, "b": clicked} if clicked != a else None


def filename(label_a: str, label_b: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", f"flipped {label_a} vs {label_b}").strip("-")
    return f"{name[:150]}.csv"


def comparison_data(provider: DataProvider, frame, a: str, b: str, level: int) -> dict:
    """What the page shows of A compared with B: words (``notes``), the rows, the flipped prompts."""
    found_a, found_b = parse_checkpoint(a), parse_checkpoint(b)
    if not found_a and not found_b:
        return {}
    if not found_a or not found_b:
        return {"notes": ["Pick a second checkpoint (B) to compare with."]}
    missing = [value for value, (run, step) in ((a, found_a), (b, found_b))
               if not ((frame["run"] == run) & (frame["step"] == step)).any()]  # fmt: skip
    if missing:
        return {"notes": [f"Not in the data: {', '.join(missing)}. Pick checkpoints from the lists above."]}
    label_a, label_b = checkpoint_label(frame, *found_a), checkpoint_label(frame, *found_b)
    heading = f"A: {label_a}. B: {label_b}."
    if found_a == found_b:
        return {"heading": heading, "notes": ["A and B are the same checkpoint: pick another for B."]}
    comparison = provider.comparison(frame, found_a, found_b, level)
    alpha = round(1 - level / 100, 2)
    if comparison.paired:
        notes = describe_alignment(comparison.aligned)
        notes.append(
            f"B − A with its {level} % interval (paired bootstrap over prompts); p: McNemar's exact test for a "
            "subset of right-or-wrong prompts, the paired bootstrap for the others; adjusted with Holm's method "
            f"across the subsets, and apart across the scores built from them. Highlighted: adjusted p < {alpha}."
        )
    else:
        reason = comparison.unpaired_because
        tested = any(row.p is not None for row in comparison.rows)
        notes = [
            f"Not paired ({reason}): B − A and p are approximate, from each checkpoint's own {level} % interval "
            f"read as independent, adjusted with Holm's method. Highlighted: adjusted p < {alpha}."
            if tested
            else f"Not paired ({reason}) and without intervals: the differences cannot be tested."
        ]
    rows = table_rows(comparison, level)
    flipped = flipped_rows(comparison.flipped)
    total = len(comparison.flipped)
    if comparison.paired:
        listed = (
            f"; the {FLIPPED_SHOWN:,} whose margin moved most are listed, the CSV has all"
            if total > len(flipped)
            else ""
        )
        notes.append(f"{total:,} prompts flipped between A and B{listed}." if total else "No prompt flipped.")
    return {
        "heading": heading,
        "notes": notes,
        "rows": rows,
        "columns": COMPARE_COLUMNS,
        "flipped": flipped if comparison.paired else None,
        "flipped_columns": FLIPPED_SHOWN_COLUMNS,
    }


def result_children(data: dict) -> list:
    return [
        *([html.P(html.Strong(data["heading"]))] if data.get("heading") else []),
        *[html.P(note, className="hint compare-note") for note in data.get("notes", ())],
    ]


def register(app: Dash, provider: DataProvider) -> None:
    @app.callback(
        output={
            "options_a": Output(ids.COMPARE_A, "options"),
            "options_b": Output(ids.COMPARE_B, "options"),
            "result": Output(ids.COMPARE_RESULT, "children"),
            "data": Output(ids.COMPARE_DATA, "data"),
            "download": Output(ids.FLIPPED_DOWNLOAD, "hidden"),
            MISSING: Output(ids.upload_missing(READER), "data"),
        },
        inputs={
            "part": Input(ids.view_part(COMPARE), "data"),
            "_version": Input(ids.DATA_VERSION, "data"),
            "uploads": Input(ids.UPLOADS, "data"),
            "search_a": Input(ids.COMPARE_A, "search_value"),
            "search_b": Input(ids.COMPARE_B, "search_value"),
        },
        prevent_initial_call=True,  # the first page comes with the pickers' options, and compares nothing
    )
    @asks_for_missing_uploads
    def update_compare(part, _version, uploads, search_a, search_b):
        view = read_view(part)
        frame = current_frame(provider, uploads)
        options_a = checkpoint_options(frame, search_a, view.a)
        options_b = checkpoint_options(frame, search_b, view.b or view.a)
        if all(prop.endswith(".search_value") for prop in ctx.triggered_prop_ids):  # typing: only options change
            return {**unchanged(), "options_a": options_a, "options_b": options_b}
        data = comparison_data(provider, frame, view.a, view.b, view.level)
        return {
            "options_a": options_a,
            "options_b": options_b,
            "result": result_children(data),
            "data": data,
            "download": not data.get("flipped"),
        }

    @app.callback(
        Output(ids.view_fix(FIX), "data"),
        Input(ids.COMPARE_PICK, "data"),
        Input(ids.COMPARE_SWAP, "n_clicks"),
        Input(ids.COMPARE_CLEAR, "n_clicks"),
        State(ids.VIEW, "data"),
        State(ids.UPLOADS, "data"),
        prevent_initial_call=True,
    )
    def pick(pick, _swap, _clear, raw_view, uploads):
        view = read_view(raw_view)
        if ctx.triggered_id == ids.COMPARE_SWAP:
            return {"patch": {"a": view.b, "b": view.a}, "for": {"a": view.a, "b": view.b}}
        if ctx.triggered_id == ids.COMPARE_CLEAR:
            return {"patch": {"a": "", "b": ""}, "for": {}}
        if not isinstance(pick, dict):
            raise PreventUpdate
        patch = picked(current_frame(provider, uploads), pick, view.a, view.b)
        return no_update if patch is None else {"patch": patch, "for": {"a": view.a, "b": view.b}, "n": pick.get("n")}

    @app.callback(
        Output(ids.FLIPPED_CSV, "data"),
        Input(ids.FLIPPED_DOWNLOAD, "n_clicks"),
        State(ids.VIEW, "data"),
        State(ids.UPLOADS, "data"),
        prevent_initial_call=True,
    )
    def download_flipped(_clicks, raw_view, uploads):
        view = read_view(raw_view)
        found_a, found_b = parse_checkpoint(view.a), parse_checkpoint(view.b)
        if not found_a or not found_b or found_a == found_b:
            raise PreventUpdate
        frame = current_frame(provider, uploads)
        comparison = provider.comparison(frame, found_a, found_b, view.level)
        if not comparison.paired:
            raise PreventUpdate
        label_a, label_b = checkpoint_label(frame, *found_a), checkpoint_label(frame, *found_b)
        table = spreadsheet_safe(flipped_csv(comparison.flipped, label_a, label_b))
        return {"content": table.to_csv(index=False, float_format="%.6g"), "filename": filename(label_a, label_b)}

    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="pickPoint"),
        Output(ids.COMPARE_PICK, "data"),
        Input(ids.panel_graph(ALL), "clickData"),
        State(ids.panel_graph(ALL), "figure"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="renderCompare"),
        Output(ids.COMPARE_TABLE, "hidden"),
        Input(ids.COMPARE_DATA, "data"),
        Input(ids.COMPARE_SORT, "data"),
        Input(ids.FLIPPED_SORT, "data"),
    )
