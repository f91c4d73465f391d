// The component ids the browser code finds elements by: each the value of the constant of the same name in
// components/ids.py (tests/unit/test_browser_rules.py checks that they agree).
(function () {
  "use strict";
  var rb = (window.rewardbench = window.rewardbench || {});
  rb.ids = {
    CHART: "rewardbench-chart",
    METRIC_PICKER: "metric-picker",
    ALL_METRICS_BUTTON: "metrics-all",
    NO_METRICS_BUTTON: "metrics-none",
    URL: "url",
    VIEW: "view",
    VIEW_SCHEMA: "view-schema",
    RUN_PICKER: "run-picker",
    STEP_SLIDER: "step-range",
    EMA_WEIGHT: "ema-weight",
    MA_WINDOW: "ma-window",
    THEME_CHOICE: "theme-choice",
    VIEW_FIX: "view-fix",
    SUMMARY_TABLE: "summary-table",
    SUMMARY_SORT: "summary-sort",
    DATA_TABLE: "data-table",
    DATA_SORT: "data-sort",
    DATA_PREVIOUS: "data-previous",
    DATA_NEXT: "data-next",
    BEST_PANEL: "best-panel",
    BEST_SORT: "best-sort",
    UPLOAD: "upload",
    UPLOAD_MESSAGE: "upload-message",
    UPLOAD_RESEND: "upload-resend",
    UPLOADS: "uploads",
    CHART_REDRAW: "chart-redraw",
    COMPARE_SECTION: "compare",
    COMPARE_PICK: "compare-pick",
    COMPARE_DATA: "compare-data",
    COMPARE_TABLE: "compare-table",
    COMPARE_SORT: "compare-sort",
    FLIPPED_TABLE: "flipped-table",
    FLIPPED_SORT: "flipped-sort",
  };
})();
