"""Runs: the run picker and its filter, the summary of what the data path holds, and the files that could not be
read. When the runs on offer change (new data, an upload), the picked runs are corrected through the view."""

from __future__ import annotations

import logging
from pathlib import Path

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from components import ids
from components.config import Settings
from components.features.common import MISSING, asks_for_missing_uploads, option_values
from components.formats.base import DataError, display_text
from components.loader import LoadResult, empty_frame
from components.provider import DataProvider, kept_entries
from components.view import run_names, selection_after
from components.viewstate import read_view

log = logging.getLogger(__name__)
FIX = "catalog"


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


def summary(result: LoadResult, settings: Settings) -> html.P:
    return html.P(id=ids.DATA_SUMMARY, className="run-summary", children=data_summary(result, settings))


def problems(result: LoadResult) -> html.Section:
    # Above the chart: a file that could not be read is the first thing to know about the runs shown.
    return html.Section(
        id=ids.PROBLEMS, className="problems", children=problem_items(result), **{"aria-live": "polite"}
    )


def control(names: list[str], selected: list[str]) -> html.Fieldset:
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
            dcc.Store(id=ids.view_fix(FIX)),
            dcc.Store(id=ids.upload_missing(FIX)),
        ],
    )


def register(app: Dash, provider: DataProvider) -> None:
    settings = provider.settings

    @app.callback(
        output={
            "options": Output(ids.RUN_PICKER, "options"),
            "fix": Output(ids.view_fix(FIX), "data"),
            "problems": Output(ids.PROBLEMS, "children"),
            "summary": Output(ids.DATA_SUMMARY, "children"),
            MISSING: Output(ids.upload_missing(FIX), "data"),
        },
        inputs={"_version": Input(ids.DATA_VERSION, "data"), "uploads": Input(ids.UPLOADS, "data")},
        state={"previous_options": State(ids.RUN_PICKER, "options"), "view": State(ids.VIEW, "data")},
        prevent_initial_call=True,
    )
    @asks_for_missing_uploads
    def refresh_catalog(_version, uploads, previous_options, view):
        unchanged = {"options": no_update, "fix": no_update, "summary": no_update}
        try:
            result = provider.load()
            frame = provider.frame(uploads)
        except DataError as error:
            # The data path itself cannot be read right now: say so and keep everything the page shows.
            log.warning("%s", error)
            return {**unchanged, "problems": problem_items(LoadResult(frame=empty_frame(), problems=(str(error),)))}
        if ctx.triggered_id == ids.DATA_VERSION:
            for problem in result.problems:
                log.warning("%s", problem)
        names = run_names(frame)
        uploaded = [name for entry in kept_entries(uploads) for _, name in entry.get("runs") or ()]
        picked = list(read_view(view).runs)
        selection = selection_after(picked, option_values(previous_options), names, uploaded)
        return {
            "options": run_options(names),
            "fix": {"patch": {"runs": selection}} if selection != picked else no_update,
            "problems": problem_items(result),
            "summary": data_summary(result, settings),
        }
