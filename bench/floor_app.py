"""The floor under the dashboard's figures: a Dash page holding nothing but the dashboard's chart of the same runs
and its step slider, with the same page scripts (components/page.py and assets/) and served the same way. A
slider change goes through one callback that answers with the dashboard's own zoom patches. The benchmark measures
its first chart and its step-range change beside the dashboard's, so the README can say how much of the time is
Dash and Plotly themselves.

    REWARDBENCH_DATA=runs/ gunicorn bench.floor_app:server
"""

from __future__ import annotations

from pathlib import Path

from dash import ALL, Input, Output, ctx, html

from components import ids
from components.callbacks import zoom_patches
from components.config import Settings
from components.figures import zoom_updates
from components.layout import chart_box_style, create_chart, create_range_control
from components.loader import load_path
from components.page import VENDOR_DIR, DashboardPage
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
    chart = html.Div(id=ids.CHART, className="chart-frame", children=create_chart(state.chart))
    app.layout = html.Div(
        [create_range_control(state), html.Div(className="chart-box", style=chart_box_style(state), children=chart)]
    )

    @app.callback(Output(ids.panel_graph(ALL), "figure"), Input(ids.STEP_SLIDER, "value"), prevent_initial_call=True)
    def zoom(slider):
        plan = plan_zoom("slider", slider, None, tuple(slider), view.bounds)
        return zoom_patches(zoom_updates(frame, view, list(view.metrics), plan.x_range), ctx.outputs_list)

    return app


server = create_floor_app(Settings.from_env()).server
