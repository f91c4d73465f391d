"""Everything that relies on what Dash, React and Plotly do not promise, fenced in this one folder.

Each file names the internal it relies on and the versions it was checked against (CHECKED_WITH; pyproject.toml
pins Dash and Plotly to those minor versions). The browser hooks say in the console, once, when their internal is
not there, and go without (hooks.js); tests/e2e/test_private_hooks.py is their canary, and checks the page without
them too. REWARDBENCH_PRIVATE_HOOKS=off turns all of them off, so a regression after an upgrade can be pinned on
them (or not) in minutes: the page is then Dash's own, only slower to its first chart.

page.py          the page's scripts: Babel's polyfill swapped for regenerator-runtime, Plotly's basic bundle
                 preloaded, dcc.Graph's lazy chunk loaded with the page, and the browser hooks below
hooks.js         what the browser hooks share: their console warning, Plotly's arrival
plotly_bundle.js dcc.Graph loads the preloaded basic bundle (window._dashPlotlyJSURL)
plotly_react.js  first drawings in turn, and zooms drawn with Plotly.update (a wrapper of Plotly.react)
graph_early.js   dcc.Graph's lazy part resolved as soon as Plotly is here (React.lazy's _init)
"""

from __future__ import annotations

from pathlib import Path

from components.private.page import DashboardPage, install

HERE = Path(__file__).resolve().parent
CHECKED_WITH = "Dash 4.4.1, React 18.3.1, plotly.js 4.1.1"
BROWSER_HOOKS = ("hooks.js", "plotly_bundle.js", "plotly_react.js", "graph_early.js")

__all__ = ["BROWSER_HOOKS", "CHECKED_WITH", "HERE", "DashboardPage", "install"]
