"""The HTML page around the dashboard: which scripts it loads, and when (components/private/__init__.py).

Internals: the URL shape of Dash's polyfill script tag (dash/_dash_renderer.py: polyfill@<version>.min.js) and the
file name of dcc.Graph's lazily loaded chunk (dash/dcc/async-graph.js). Checked with Dash 4.4.1. Both are looked
for when the app starts; a missing one is logged and left out, and the page works as Dash's own.

Dash's default page is tuned for every browser and every component; this one is tuned for a fast first chart in
current browsers, all through Dash's documented hook for the page (interpolate_index):
- Babel's polyfill (a quarter of a second of script work on every load, and it replaces the browser's own Promise)
  gives way to regenerator-runtime alone, the one global that Dash's components still call.
- Plotly comes as its basic bundle (scatter, bar and pie: the dashboard draws only scatter traces; a quarter of the
  full bundle, and it runs in half the time of the cartesian one), fetched at once and run only after the page has
  asked the server for its layout, so the two overlap (plotly_bundle.js).
- dcc.Graph's lazily loaded part runs with the page, so React mounts the chart as soon as it renders the layout.
  The other components' lazy parts (dropdowns, sliders, upload) are fetched once React asks for them: ready with
  the page, they were mounted in the same pass as the chart and held its first drawing back (0.1-0.2 s for twenty
  runs).
"""

from __future__ import annotations

import hashlib
import logging
import re
from html import escape
from pathlib import Path

import dash
from dash import Dash
from flask import Response

VENDOR_DIR = "vendor"
PLOTLY_ASSET = f"{VENDOR_DIR}/plotly-basic.min.js"
REGENERATOR_ASSET = f"{VENDOR_DIR}/regenerator-runtime.js"
PLOTLY_LINK_ID = "plotly-bundle"
GRAPH_CHUNK = "_dash-component-suites/dash/dcc/async-graph.js"
HOOKS_ROUTE = "_rewardbench/private/"
HOOKS_FILE = "private-hooks.js"  # the browser hooks, served one after the other as one script: one request, not four
POLYFILL_TAG = re.compile(r'<script src="[^"]*/polyfill@[^"]*"></script>\s*')
_HERE = Path(__file__).resolve().parent
log = logging.getLogger(__name__)


def graph_chunk_exists() -> bool:
    return (Path(dash.__file__).parent / "dcc" / "async-graph.js").is_file()


class DashboardPage(Dash):
    """A Dash app whose page loads the scripts described above while its private hooks are on (install)."""

    private_hooks: tuple[str, ...] = ()
    hooks_version: str = ""
    checked_with: str = ""
    polyfill_warned: bool = False
    graph_chunk: bool = False

    def interpolate_index(self, **kwargs) -> str:
        if not self.private_hooks:
            return super().interpolate_index(**kwargs)
        regenerator = f'<script src="{self.get_asset_url(REGENERATOR_ASSET)}"></script>\n'
        kwargs["scripts"], swapped = POLYFILL_TAG.subn(regenerator, kwargs["scripts"], count=1)
        if not swapped and not self.polyfill_warned:
            self.polyfill_warned = True
            log.warning("Dash's page has no polyfill script of the known shape; it is left in (%s)", self.checked_with)
        plotly = self.get_asset_url(PLOTLY_ASSET)
        kwargs["css"] += f'\n<link rel="preload" as="script" id="{PLOTLY_LINK_ID}" href="{plotly}">'
        prefix = self.config.requests_pathname_prefix
        if self.graph_chunk:
            kwargs["scripts"] += f'\n<script src="{prefix}{GRAPH_CHUNK}"></script>'
        checked = escape(self.checked_with, quote=True)
        url = f"{prefix}{HOOKS_ROUTE}{HOOKS_FILE}?v={self.hooks_version}"
        kwargs["scripts"] += f'\n<script src="{url}" data-checked="{checked}"></script>'
        return super().interpolate_index(**kwargs)


def install(app: DashboardPage, enabled: bool, hooks: tuple[str, ...], checked_with: str) -> None:
    """Turn the page's private parts on (or leave Dash's own page), and serve the browser hooks."""
    if not enabled:
        return
    script = b"\n".join((_HERE / name).read_bytes() for name in hooks)
    app.private_hooks = hooks
    app.hooks_version = hashlib.sha256(script).hexdigest()[:12]
    app.checked_with = checked_with
    app.graph_chunk = graph_chunk_exists()  # looked for once, not on every page load
    if not app.graph_chunk:
        log.warning("dcc.Graph's chunk %s is not in this Dash; the chart loads it as Dash does", GRAPH_CHUNK)

    def hooks_script():
        response = Response(script, mimetype="text/javascript")
        response.headers["Cache-Control"] = "private, max-age=31536000, immutable"  # the URL names its version
        return response

    base = app.config.routes_pathname_prefix
    app.server.add_url_rule(f"{base}{HOOKS_ROUTE}{HOOKS_FILE}", "private_hooks", hooks_script)
