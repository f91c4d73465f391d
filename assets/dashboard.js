// Clientside callbacks: showing and hiding metrics needs no server round trip.
// The ids below are those in components/ids.py; the panel rule is panel_domains in components/figures.py.
(function () {
  "use strict";

  var CHART_ID = "rewardbench-chart";
  var ALL_BUTTON_ID = "metrics-all";
  var NONE_BUTTON_ID = "metrics-none";
  var PANEL_GAP = 0.05;

  function livePlot() {
    var container = document.getElementById(CHART_ID);
    return container && container.querySelector(".js-plotly-plot");
  }

  function isShown(trace) {
    return trace.visible === undefined || trace.visible === true;
  }

  // Metrics shown after a legend click in the one-run chart, from restyleData [update, traceIndices].
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

  // The step range on screen: the live plot knows about a mouse zoom the server has not echoed yet.
  function currentStepRange(figure) {
    var plot = livePlot();
    var live = plot && plot._fullLayout && plot._fullLayout.xaxis && plot._fullLayout.xaxis.range;
    return (live || figure.layout.xaxis.range).slice().sort(function (a, b) { return a - b; });
  }

  // Same rule as fit_value_range in components/zoom.py.
  function fitValueRange(traces, shownMetrics, stepRange) {
    var bottom = Infinity;
    var top = -Infinity;
    traces.forEach(function (trace) {
      if (shownMetrics.indexOf(trace.meta.metric) < 0) { return; }
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

  // Same rule as panel_domains in components/figures.py.
  function panelDomains(count) {
    var height = (1 - PANEL_GAP * (count - 1)) / count;
    var domains = [];
    for (var i = 0; i < count; i += 1) {
      var top = 1 - i * (height + PANEL_GAP);
      domains.push([Math.max(0, top - height), Math.min(1, top)]);
    }
    return domains;
  }

  function runsHiddenInLegend() {
    var plot = livePlot();
    var hidden = {};
    ((plot && plot.data) || []).forEach(function (trace) {
      if (trace.meta && trace.meta.legend && trace.visible === "legendonly") { hidden[trace.meta.run] = true; }
    });
    return hidden;
  }

  function patchLines(patch, figure, shown) {
    figure.data.forEach(function (trace, i) {
      patch.assign(["data", i, "visible"], shown.indexOf(trace.meta.metric) >= 0 ? true : "legendonly");
    });
    var yRange = fitValueRange(figure.data, shown, currentStepRange(figure));
    if (yRange) { patch.assign(["layout", "yaxis", "range"], yRange); }
  }

  function patchPanels(patch, figure, panels, shown) {
    var domains = panelDomains(shown.length);
    var hiddenRuns = runsHiddenInLegend();
    panels.forEach(function (metric, k) {
      var axis = k === 0 ? "yaxis" : "yaxis" + (k + 1);
      var position = shown.indexOf(metric);
      patch.assign(["layout", axis, "visible"], position >= 0);
      if (position >= 0) { patch.assign(["layout", axis, "domain"], domains[position]); }
      patch.assign(["layout", "annotations", k, "visible"], position >= 0);
    });
    figure.data.forEach(function (trace, i) {
      if (!trace.meta || trace.meta.legend) { return; }
      var visible = shown.indexOf(trace.meta.metric) < 0 ? false : (hiddenRuns[trace.meta.run] ? "legendonly" : true);
      patch.assign(["data", i, "visible"], visible);
    });
  }

  function toggleMetrics(picked, _allClicks, _noneClicks, restyleData, figure) {
    var nc = window.dash_clientside.no_update;
    var meta = figure && figure.layout && figure.layout.meta;
    if (!meta || !meta.panels || !meta.panels.length) { return [nc, nc]; }
    var panels = meta.panels;
    var context = window.dash_clientside.callback_context;
    var trigger = context.triggered_id;
    var triggeredProp = (context.triggered[0] || {}).prop_id || "";
    var shown;
    if (trigger === ALL_BUTTON_ID) {
      shown = panels;
    } else if (trigger === NONE_BUTTON_ID) {
      shown = [];
    } else if (triggeredProp.endsWith(".restyleData")) {
      // In the panels view the legend lists runs, which Plotly shows and hides by itself.
      if (meta.view !== "lines") { return [nc, nc]; }
      shown = shownAfterRestyle(figure.data, restyleData);
      if (shown === null) { return [nc, nc]; }
    } else {
      shown = picked || [];
    }
    shown = panels.filter(function (metric) { return shown.indexOf(metric) >= 0; });

    var patch = new window.dash_clientside.Patch();
    if (meta.view === "lines") {
      patchLines(patch, figure, shown);
    } else {
      patchPanels(patch, figure, panels, shown);
    }
    return [shown, patch.build()];
  }

  // Dash's slider number boxes apply a typed value only when they lose focus; Enter should apply it too.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.classList && target.classList.contains("dash-range-slider-input")) {
      target.blur();
    }
  });

  // Files over the upload limit are refused by the browser before sending; say so, as the server would.
  function reportOversizedUpload(files) {
    var message = document.getElementById("upload-message");
    if (!message || !files || !files.length) { return; }
    var limit = Number(message.dataset.limitBytes);
    var file = files[0];
    if (limit && file.size > limit) {
      window.dash_clientside.set_props("upload-message", {
        children: "Not added: " + file.name + ": " + (file.size / 1048576).toFixed(1) +
          " MB is over the upload limit of " + message.dataset.limit,
        className: "message error",
      });
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest("#upload") && event.target.files) {
      reportOversizedUpload(event.target.files);
    }
  }, true);
  document.addEventListener("drop", function (event) {
    if (event.target.closest && event.target.closest("#upload") && event.dataTransfer) {
      reportOversizedUpload(event.dataTransfer.files);
    }
  }, true);

  // Extend the object in place: dash-renderer keeps its own reference to it.
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.rewardbench = { toggleMetrics: toggleMetrics };
})();
