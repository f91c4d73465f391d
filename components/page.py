"""The HTML page around the dashboard: which scripts it loads, and when.

Dash's default page is tuned for every browser and every component; this one is tuned for a fast first chart in
current browsers. Three changes, all made in Dash's documented hook for the page (interpolate_index):
- Babel's polyfill (a quarter of a second of script work on every load, and it replaces the browser's own Promise)
  gives way to regenerator-runtime alone, the one global that Dash's components still call.
- Plotly comes as its basic bundle (scatter, bar and pie: the dashboard draws only scatter traces; a quarter of
  the full bundle, and it runs in half the time of the cartesian one), fetched at once and run only after the
  page has asked the server for its layout, so the two overlap. assets/dashboard.js starts it (see startPlotly
  there). dcc.Graph takes window.Plotly when it is there; were the layout to win the race, it loads the same
  bundle.
- dcc.Graph's lazily loaded part runs with the page, so React mounts the chart as soon as it renders the layout.
  The other components' lazy parts (dropdowns, sliders, upload) are fetched once React asks for them: ready with
  the page, they were mounted in the same pass as the chart and held its first drawing back (0.1-0.2 s for twenty
  runs).
"""

from __future__ import annotations

import re

from dash import Dash

VENDOR_DIR = "vendor"
PLOTLY_ASSET = f"{VENDOR_DIR}/plotly-basic.min.js"
REGENERATOR_ASSET = f"{VENDOR_DIR}/regenerator-runtime.js"
PLOTLY_LINK_ID = "plotly-bundle"
GRAPH_CHUNK = "_dash-component-suites/dash/dcc/async-graph.js"
_POLYFILL_TAG = re.compile(r'<script src="[^"]*/polyfill@[^"]*"></script>\s*')


class DashboardPage(Dash):
    """A Dash app whose page loads the scripts described above."""

    def interpolate_index(self, **kwargs) -> str:
        regenerator = f'<script src="{self.get_asset_url(REGENERATOR_ASSET)}"></script>\n'
        kwargs["scripts"] = _POLYFILL_TAG.sub(regenerator, kwargs["scripts"], count=1)
        plotly = self.get_asset_url(PLOTLY_ASSET)
        kwargs["css"] += f'\n<link rel="preload" as="script" id="{PLOTLY_LINK_ID}" href="{plotly}">'
        kwargs["scripts"] += f'\n<script src="{self.config.requests_pathname_prefix}{GRAPH_CHUNK}"></script>'
        return super().interpolate_index(**kwargs)
