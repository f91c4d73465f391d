// Showing and hiding lines, in the browser: a metric ticked or unticked, a run clicked in the legend of runs.
// No request to the server for the most frequent click.
(function () {
  "use strict";
  var rb = (window.rewardbench = window.rewardbench || {});

  // The chart's plots, one per panel in page order (the one-run chart is a single panel); the legend of runs apart.
  function panelPlots() {
    var chart = document.getElementById(rb.ids.CHART);
    return chart ? Array.prototype.slice.call(chart.querySelectorAll(".panel-box .js-plotly-plot")) : [];
  }

  function legendPlot() {
    var chart = document.getElementById(rb.ids.CHART);
    return chart && chart.querySelector(".run-legend .js-plotly-plot");
  }

  function isShown(trace) {
    return trace.visible === undefined || trace.visible === true;
  }

  // Metrics shown after a legend click in the one-run chart, from restyleData [update, traceIndices]; null when the
  // click changed no line's visibility.
  function shownAfterRestyle(traces, restyleData) {
    if (!Array.isArray(restyleData) || !restyleData[0] || !("visible" in restyleData[0])) {
      return null;
    }
    var update = restyleData[0].visible;
    var indices = restyleData[1] || traces.map(function (_, i) { return i; });
    var shown = traces.map(isShown);
    indices.forEach(function (traceIndex, k) {
      var value = Array.isArray(update) ? update[k % update.length] : update;
      shown[traceIndex] = value === true;
    });
    return traces.filter(function (_, i) { return shown[i]; }).map(function (t) { return t.meta.metric; });
  }

  // The step range on screen: the plot's layout knows about a mouse zoom the server has not echoed yet.
  function currentStepRange(figure) {
    var plot = panelPlots()[0];
    var live = plot && plot.layout && plot.layout.xaxis && plot.layout.xaxis.range;
    return (live || figure.layout.xaxis.range).slice().sort(function (a, b) { return a - b; });
  }

  // The rule of fit_value_range in components/zoom.py (tests/e2e/test_browser_rules.py runs both on shared cases).
  // ``extra``: values that reference lines across the plot put on the axis.
  function fitValueRange(traces, shownMetrics, stepRange, extra) {
    var bottom = Math.min.apply(null, [Infinity].concat(extra || []));
    var top = Math.max.apply(null, [-Infinity].concat(extra || []));
    traces.forEach(function (trace) {
      // An interval's band is not fitted, as on the server: the axis fits the scores.
      if (shownMetrics.indexOf(trace.meta.metric) < 0 || trace.meta.band) { return; }
      trace.x.forEach(function (step, i) {
        var value = trace.y[i];
        if (value === null || value === undefined || step < stepRange[0] || step > stepRange[1]) { return; }
        bottom = Math.min(bottom, value);
        top = Math.max(top, value);
      });
    });
    if (!isFinite(bottom)) { return null; }
    var margin = Math.max((top - bottom) * 0.08, 0.5);
    return [bottom - margin, top + margin];
  }

  // What the reference lines of the shown metrics put on the y axis (layout.meta.references, by metric: figures.py).
  function referenceValues(figure, shownMetrics) {
    var byMetric = (figure.layout.meta && figure.layout.meta.references) || {};
    return shownMetrics.reduce(function (values, metric) { return values.concat(byMetric[metric] || []); }, []);
  }

  function patchLines(patch, figure, shown) {
    figure.data.forEach(function (trace, i) {
      patch.assign(["data", i, "visible"], shown.indexOf(trace.meta.metric) >= 0 ? true : "legendonly");
    });
    // The best checkpoint's label ("best:<metric>") and reference lines ("ref:<metric>") follow their metric.
    ["annotations", "shapes"].forEach(function (kind) {
      (figure.layout[kind] || []).forEach(function (item, k) {
        var owner = item.name && /^(best|ref):/.exec(item.name);
        if (owner) {
          patch.assign(["layout", kind, k, "visible"], shown.indexOf(item.name.slice(owner[0].length)) >= 0);
        }
      });
    });
    patch.assign(["layout", "meta", "shown"], shown);
    if (figure.layout.meta.y_scale === "full") { return; }
    var yRange = fitValueRange(figure.data, shown, currentStepRange(figure), referenceValues(figure, shown));
    if (yRange) { patch.assign(["layout", "yaxis", "range"], yRange); }
  }

  // The runs the legend of runs hides, and a patch of each panel showing the same, with its y axis fitting the
  // runs still in sight over the steps shown (as zoom_updates does on the server).
  function runPatches(figures, hidden) {
    return (figures || []).map(function (figure) {
      var patch = new window.dash_clientside.Patch();
      var data = (figure && figure.data) || [];
      data.forEach(function (trace, i) {
        if (!trace.meta || trace.meta.run === undefined) { return; }
        patch.assign(["data", i, "visible"], hidden.indexOf(trace.meta.run) >= 0 ? "legendonly" : true);
      });
      var meta = figure && figure.layout && figure.layout.meta;
      if (meta && meta.y_scale !== "full" && figure.layout.xaxis.range) {
        var inSight = data.filter(function (trace) { return trace.meta && hidden.indexOf(trace.meta.run) < 0; });
        var yRange = fitValueRange(inSight, meta.panels, figure.layout.xaxis.range,
          referenceValues(figure, meta.panels));
        if (yRange) { patch.assign(["layout", "yaxis", "range"], yRange); }
      }
      return patch.build();
    });
  }

  function each(list, value) {
    return list.map(function () { return value; });
  }

  // The one-run chart hides lines (a patch of its figure); with several runs each metric is a figure of its own in
  // a box, and hiding the box redraws nothing. A click on a run in the legend of runs hides it in every panel.
  function showLines(linesPart, _legendRestyle, figures, hiddenBefore) {
    var nc = window.dash_clientside.no_update;
    var context = window.dash_clientside.callback_context;
    var graphs = context.outputs_list[0];
    var boxes = context.outputs_list[1];
    var unchanged = [each(graphs, nc), each(boxes, nc), nc];
    var triggered = (context.triggered || []).filter(function (item) { return item.prop_id !== "."; });
    // A new chart's graphs report their first state here too: the server drew them as the view says.
    if (!triggered.length) { return unchanged; }
    if ((context.triggered_id || {}).type === "chart-legend") {
      var legend = legendPlot();
      if (!legend || !legend.data) { return unchanged; }
      var hidden = legend.data.filter(function (trace) { return trace.visible === "legendonly"; })
        .map(function (trace) { return trace.meta.run; });
      if (JSON.stringify(hidden) === JSON.stringify(hiddenBefore || [])) { return unchanged; }
      return [runPatches(figures, hidden), each(boxes, nc), hidden];
    }
    var shown = (linesPart && linesPart.metrics) || [];
    var first = (figures || [])[0];
    var meta = first && first.layout && first.layout.meta;
    if (!meta) { return [each(graphs, nc), each(boxes, nc), nc]; }
    if (meta.view !== "lines") {
      // Only boxes that change are written: the server drew them as the view says, and the change listener below
      // has hidden or shown a ticked one already.
      var hiddenNow = boxes.map(function (box) {
        var element = panelBox(box.id.metric);
        var hide = shown.indexOf(box.id.metric) < 0;
        return element && element.hidden === hide ? nc : hide;
      });
      return [each(graphs, nc), hiddenNow, nc];
    }
    // Drawn as the view says already (the chart's own correction of the view, just drawn): nothing to patch, and a
    // graph patched now and replaced a moment later by a new chart would be drawn after it is gone.
    var wanted = meta.panels.filter(function (metric) { return shown.indexOf(metric) >= 0; });
    if (meta.shown && JSON.stringify(meta.shown) === JSON.stringify(wanted)) { return unchanged; }
    var patch = new window.dash_clientside.Patch();
    patchLines(patch, first, wanted);
    return [each(graphs, patch.build()), each(boxes, nc), nc];
  }

  function panelBox(metric) {
    var chart = document.getElementById(rb.ids.CHART);
    var boxes = chart ? chart.querySelectorAll(".panel-box") : [];
    return Array.prototype.find.call(boxes, function (box) { return JSON.parse(box.id).metric === metric; });
  }

  // A ticked or unticked metric shows or hides its panel in this very frame; showLines, a few Dash steps later,
  // records the same.
  document.addEventListener("change", function (event) {
    var input = event.target;
    var box = input.closest && input.closest("#" + rb.ids.METRIC_PICKER) && panelBox(input.value);
    if (box) { box.hidden = !input.checked; }
  });

  function stepAxisChange() {
    // Any panel's zoom moves them all: the server answers with the range for every one.
    var relayoutData = (window.dash_clientside.callback_context.triggered[0] || {}).value;
    var moved = relayoutData && Object.keys(relayoutData).some(function (key) { return /^xaxis\d*\./.test(key); });
    return moved ? relayoutData : window.dash_clientside.no_update;
  }

  // The chart's correction of the view (components/features/chart.py), handed to the view's owner afresh: as an
  // input of it, the chart's callback would be in a loop with itself, and Dash drops requests from such loops.
  function relayFix(fix) {
    if (fix) {
      setTimeout(function () {
        window.dash_clientside.set_props({ type: rb.ids.VIEW_FIX, source: "chart" }, { data: fix });
      }, 0);
    }
    return window.dash_clientside.no_update;
  }

  rb.lines = { panelPlots: panelPlots, legendPlot: legendPlot, shownAfterRestyle: shownAfterRestyle,
    fitValueRange: fitValueRange };
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.rewardbench = Object.assign(window.dash_clientside.rewardbench || {}, {
    showLines: showLines,
    stepAxisChange: stepAxisChange,
    relayFix: relayFix,
  });
})();
