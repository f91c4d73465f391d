"""Component ids, shared by the features, the tests and the browser code (assets/dashboard/ids.js, checked to agree)."""

CHART = "rewardbench-chart"
CHART_BOX = "chart-box"
# The chart's figures, one per panel (components/figures.Chart): pattern-matching ids keyed by the panel's metric.
PANEL_GRAPH = "chart-panel"
PANEL_BOX = "chart-panel-box"
RUN_LEGEND = "chart-legend"
HIDDEN_RUNS = "hidden-runs"
METRIC_PICKER = "metric-picker"
ALL_METRICS_BUTTON = "metrics-all"
NO_METRICS_BUTTON = "metrics-none"
STEP_SLIDER = "step-range"
RESET_ZOOM_BUTTON = "reset-zoom"

RUN_PICKER = "run-picker"
RUN_FILTER = "run-filter"
RUN_FILTER_MESSAGE = "run-filter-message"
DATA_SUMMARY = "data-summary"
PROBLEMS = "data-problems"

SECTION_PICKER = "section-picker"
SUBSET_CHART = "subset-chart"
SUBSET_BOX = "subset-box"

LIVE_TOGGLE = "live-reload"
POLL = "poll"
DATA_VERSION = "data-version"

UPLOAD = "upload"
UPLOADS = "uploads"
UPLOAD_MESSAGE = "upload-message"
UPLOAD_RESEND = "upload-resend"
# A callback that reads uploads and finds one this server does not hold asks the browser for it here (one store
# per callback: components/features/upload.py).
UPLOAD_MISSING = "upload-missing"

# The view state (components/viewstate.py): the view, its schema for the browser, and the server's corrections.
VIEW = "view"
VIEW_SCHEMA = "view-schema"
VIEW_FIX = "view-fix"
# The parts of the view each reader depends on (Field.readers): a server callback is sent only when its part changes.
VIEW_PART = "view-part"
# What the chart on screen was drawn from (components/features/chart.py).
DRAWN = "chart-drawn"
# The chart's corrections of the view, and the store its relay to the view's owner writes (features/chart.py).
CHART_FIX = "chart-fix"
CHART_FIX_RELAYED = "chart-fix-relayed"
LEGEND_PLACED = "legend-placed"
CHART_CHECKED = "chart-checked"
CHART_REDRAW = "chart-redraw"

BEST_METRIC = "best-metric"
BEST_PANEL = "best-panel"
BEST_ROWS = "best-rows"
BEST_SORT = "best-sort"
SMOOTHING_MODE = "smoothing-mode"
EMA_WEIGHT = "ema-weight"
MA_WINDOW = "ma-window"
Y_SCALE = "y-scale"
THEME_CHOICE = "theme-choice"
TABLE_TOGGLE = "table-toggle"
BAND_TOGGLE = "band-toggle"
INTERVAL_LEVEL = "interval-level"
INTERVAL_NOTE = "interval-note"
CHANCE_TOGGLE = "chance-toggle"
DATA_TABLE = "data-table"
DATA_ROWS = "data-rows"
SUMMARY_TABLE = "summary-table"
SUMMARY_ROWS = "summary-rows"
EXPORT_CSV = "export-csv"
EXPORT_PNG = "export-png"
EXPORT_SVG = "export-svg"
DOWNLOAD = "download"
EXPORT_FIGURE = "export-figure"
URL = "url"
ZOOM_EVENT = "zoom-event"
X_AXIS = "x-axis"
DATA_TABLE_BOX = "data-table-box"
SUMMARY_COLUMNS = "summary-columns"
SUMMARY_SORT = "summary-sort"
DATA_SORT = "data-sort"
DATA_PAGE = "data-page"
DATA_PAGE_LABEL = "data-page-label"
DATA_PREVIOUS = "data-previous"
DATA_NEXT = "data-next"
COMPARE_SECTION = "compare"
COMPARE_A = "compare-a"
COMPARE_B = "compare-b"
COMPARE_SWAP = "compare-swap"
COMPARE_CLEAR = "compare-clear"
COMPARE_PICK = "compare-pick"
COMPARE_RESULT = "compare-result"
COMPARE_DATA = "compare-data"
COMPARE_TABLE = "compare-table"
COMPARE_SORT = "compare-sort"
FLIPPED_TABLE = "flipped-table"
FLIPPED_SORT = "flipped-sort"
FLIPPED_DOWNLOAD = "flipped-download"
FLIPPED_CSV = "flipped-csv"


def panel_graph(metric) -> dict:
    return {"type": PANEL_GRAPH, "metric": metric}


def panel_box(metric) -> dict:
    return {"type": PANEL_BOX, "metric": metric}


def run_legend(chart: str = "main") -> dict:
    return {"type": RUN_LEGEND, "chart": chart}


def view_fix(source: str) -> dict:
    """A correction of the view by one writer (the chart, the catalog of runs, the theme), applied by the browser."""
    return {"type": VIEW_FIX, "source": source}


def upload_missing(reader: str) -> dict:
    return {"type": UPLOAD_MISSING, "reader": reader}


def view_part(reader: str) -> dict:
    return {"type": VIEW_PART, "reader": reader}
