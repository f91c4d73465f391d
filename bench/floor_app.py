"""The floor under the dashboard's figures: a Dash page holding nothing but the dashboard's chart of the same runs
and its step slider, with the same page scripts (components/private/ and assets/) and served the same way. A
slider change goes through one callback that answers with the dashboard's own zoom patches. The benchmark measures
its first chart and its step-range change beside the dashboard's, so the README can say how much of the time is
Dash and Plotly themselves.

    REWARDBENCH_DATA=runs/ gunicorn bench.floor_app:server
"""

from __future__ import annotations

from pathlib import Path

from dash import ALL, Input, Output, ctx, html

from components import ids, private
from components.config import Settings
from components.features import steps
from components.features.chart import box_style, figures, zoom_patches
from components.figures import zoom_updates
from components.loader import load_path
from components.private import DashboardPage
from components.private.page import VENDOR_DIR
from components.render import chart_state
from components.view import make_view, run_names
from components.zoom import plan_zoom

ASSETS_DIR = Path(__file__).resolve().parents[1] / "assets"


def create_floor_app(settings: Settings) -> DashboardPage:
    frame = load_path(settings.data_path).frame
    runs = run_names(frame)
    state = chart_state(frame, runs)
    view = make_view(frame, runs)
    app = DashboardPage(
        __name__, assets_folder=str(ASSETS_DIR), assets_path_ignore=[f"^{VENDOR_DIR}$"], health_endpoint="health"
    )
    private.install(app, settings.private_hooks, private.BROWSER_HOOKS, private.CHECKED_WITH)
    chart = html.Div(id=ids.CHART, className="chart-frame", children=figures(state.chart))
    app.layout = html.Div(
        [steps.control(state), html.Div(className="chart-box", style=box_style(state), children=chart)]
    )

    @app.callback(Output(ids.panel_graph(ALL), "figure"), Input(ids.STEP_SLIDER, "value"), prevent_initial_call=True)
    def zoom(slider):
        plan = plan_zoom("slider", slider, None, tuple(slider), view.bounds)
        return zoom_patches(zoom_updates(frame, view, list(view.metrics), plan.x_range), ctx.outputs_list)

    return app


server = create_floor_app(Settings.from_env()).server
