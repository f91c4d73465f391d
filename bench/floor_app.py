"""The floor under the first-chart time: a Dash page holding nothing but the dashboard's chart of the same runs,
with the same page scripts (components/page.py) and served the same way. The benchmark measures it beside the
dashboard, so the README can say how much of the time is Dash and Plotly themselves.

    REWARDBENCH_DATA=runs/ gunicorn bench.floor_app:server
"""

from __future__ import annotations

from pathlib import Path

from dash import html

from components import ids
from components.config import Settings
from components.layout import chart_box_style, create_chart
from components.loader import load_path
from components.page import VENDOR_DIR, DashboardPage
from components.render import chart_state
from components.view import run_names

ASSETS_DIR = Path(__file__).resolve().parents[1] / "assets"


def create_floor_app(settings: Settings) -> DashboardPage:
    frame = load_path(settings.data_path).frame
    state = chart_state(frame, run_names(frame))
    app = DashboardPage(
        __name__, assets_folder=str(ASSETS_DIR), assets_path_ignore=[f"^{VENDOR_DIR}$"], health_endpoint="health"
    )
    chart = html.Div(id=ids.CHART, className="chart-frame", children=create_chart(state.chart))
    app.layout = html.Div(className="chart-box", style=chart_box_style(state), children=chart)
    return app


server = create_floor_app(Settings.from_env()).server
