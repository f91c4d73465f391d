// On a narrow screen (a phone) the one-run chart's legend goes under the plot: beside it, it took half the width.
(function () {
  "use strict";
  var rb = (window.rewardbench = window.rewardbench || {});
  var NARROW_PX = 600;
  var UNDER = { "legend.orientation": "h", "legend.x": 0, "legend.xanchor": "left", "legend.y": -0.22,
    "legend.yanchor": "top" };
  var BESIDE = { "legend.orientation": "v", "legend.x": 1.01, "legend.xanchor": "left", "legend.y": 1,
    "legend.yanchor": "top" };

  function place(gd) {
    var meta = gd.layout && gd.layout.meta;
    if (!window.Plotly || !meta || meta.view !== "lines" || !gd.layout.legend) { return; }
    var narrow = gd.clientWidth < NARROW_PX;
    var under = gd.layout.legend.orientation === "h";
    if (narrow !== under) { window.Plotly.relayout(gd, narrow ? UNDER : BESIDE); }
  }

  function placeAll() {
    if (!rb.lines) { return; }
    rb.lines.panelPlots().forEach(function (gd) {
      var lines = gd.layout && gd.layout.meta && gd.layout.meta.view === "lines";
      if (lines && gd.on && !gd.rewardbenchLegendWatched) {
        gd.rewardbenchLegendWatched = true;
        gd.on("plotly_afterplot", function () { if (gd.isConnected) { place(gd); } });
      }
      if (lines && gd.isConnected) { place(gd); }
    });
  }

  // After each drawing of the chart (components/features/chart.py records it in ids.DRAWN) and each resize.
  function legendForWidth() {
    setTimeout(placeAll, 0);
    return window.dash_clientside.no_update;
  }

  window.addEventListener("resize", placeAll);
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.rewardbench = Object.assign(window.dash_clientside.rewardbench || {}, {
    legendForWidth: legendForWidth,
  });
})();
