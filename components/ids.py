"""Component ids, shared by the layout, the callbacks and the tests."""

CHART = "rewardbench-chart"
METRIC_PICKER = "metric-picker"
ALL_METRICS_BUTTON = "metrics-all"
NO_METRICS_BUTTON = "metrics-none"
STEP_SLIDER = "step-range"
RESET_ZOOM_BUTTON = "reset-zoom"
