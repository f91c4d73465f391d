"""Component ids, shared by the layout, the callbacks, assets/dashboard.js and the tests."""

CHART = "rewardbench-chart"
CHART_BOX = "chart-box"
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
UPLOADED_RUNS = "uploaded-runs"
UPLOAD_MESSAGE = "upload-message"
