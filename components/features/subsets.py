"""Subset scores: pick a section (Chat Hard, RewardBench 2's Ties, ...) to open a chart of its subsets over the
steps shown. The sections on offer follow the runs and the data; the step range and the chart options only
redraw an open one."""

from __future__ import annotations

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components import ids
from components.features.chart import GRAPH_CONFIG
from components.features.common import MISSING, asks_for_missing_uploads, current_frame, step_range
from components.metrics import subsets_of
from components.provider import DataProvider
from components.render import section_options, subset_chart
from components.view import make_view
from components.viewstate import SUBSETS, read_view
from components.zoom import padded

READER = SUBSETS


def control(sections: list[str]) -> html.Fieldset:
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
            dcc.Store(id=ids.upload_missing(READER)),
        ],
    )


def area() -> html.Div:
    # The subset chart is made when a section is picked: one chart less to draw on a new page.
    return html.Div(id=ids.SUBSET_BOX, className="subset-box", hidden=True)


def subset_graph(figure, height_px: int | None) -> dcc.Graph:
    style = {"height": f"{height_px}px"} if height_px else {}
    return dcc.Graph(id=ids.SUBSET_CHART, figure=figure, style=style, config=GRAPH_CONFIG, className="chart")


def register(app: Dash, provider: DataProvider) -> None:
    @app.callback(
        output={
            "chart": Output(ids.SUBSET_BOX, "children"),
            "hidden": Output(ids.SUBSET_BOX, "hidden"),
            "sections": Output(ids.SECTION_PICKER, "options"),
            "disabled": Output(ids.SECTION_PICKER, "disabled"),
            MISSING: Output(ids.upload_missing(READER), "data"),
        },
        inputs={
            "section": Input(ids.SECTION_PICKER, "value"),
            "part": Input(ids.view_part(SUBSETS), "data"),
            "_version": Input(ids.DATA_VERSION, "data"),
            "uploads": Input(ids.UPLOADS, "data"),
        },
        state={"previous": State(ids.SECTION_PICKER, "options")},
        prevent_initial_call=True,
    )
    @asks_for_missing_uploads
    def update_subsets(section, part, _version, uploads, previous):
        view = read_view(part)
        frame = current_frame(provider, uploads)
        shown = make_view(frame, view.runs, view.filter)
        sections = section_options(frame, shown)
        chart = None
        if section in sections:
            x_range = padded(step_range(view, shown.bounds or (0, 1)))
            subsets = subsets_of(section, frame.loc[frame["run"].isin(shown.runs), "metric"].unique())
            intervals = provider.intervals(frame, shown.runs, view.level, subsets)
            references, _ = provider.references(view.level)
            chart = subset_chart(frame, shown, section, x_range, view.chart_options(), intervals, references)
        if chart is None:
            if sections == previous and not section:
                raise PreventUpdate
            return {"chart": no_update, "hidden": True, "sections": sections, "disabled": not sections}
        return {"chart": subset_graph(*chart), "hidden": False, "sections": sections, "disabled": False}
