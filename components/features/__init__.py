"""The dashboard's features, one module each, holding its part of the page and its callbacks (the way Flask
blueprints and Dash's All-in-One components are organised). components/layout.py places the parts; the app
factory registers the callbacks of every feature here.

runs       the run picker and filter, what the data path holds, the files that could not be read
metrics    the metric checkboxes and the lines they show (in the browser)
steps      the step slider, Reset zoom, zooms dragged on the chart
chart      the chart, drawn and zoomed on the server
options    best-checkpoint metric, smoothing, axes, table view (no callback: values of the view)
subsets    a section's subset scores
tables     the summary, the best checkpoints, the chart as a table
export     CSV, PNG and SVG downloads
live       live reload
upload     runs added from the browser
url        the view state, its owner in the browser and the URL
theme      light, dark or the system's
"""

from __future__ import annotations

from dash import Dash

from components.features import chart, compare, export, live, metrics, runs, steps, subsets, tables, theme, upload, url
from components.provider import DataProvider

WITH_CALLBACKS = (url, theme, runs, metrics, steps, chart, subsets, tables, compare, export, live, upload)


def register_callbacks(app: Dash, provider: DataProvider) -> None:
    for feature in WITH_CALLBACKS:
        feature.register(app, provider)
