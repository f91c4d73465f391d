// Clientside callbacks: showing and hiding metrics needs no server round trip.
// The ids below are those in components/ids.py.
(function () {
  "use strict";

  var CHART_ID = "rewardbench-chart";
  var ALL_BUTTON_ID = "metrics-all";
  var NONE_BUTTON_ID = "metrics-none";

  function isShown(trace) {
    return trace.visible === undefined || trace.visible === true;
  }

  // Which traces are shown after a legend click, from Plotly's restyleData [update, traceIndices].
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
    return traces.filter(function (_, i) { return shown[i]; }).map(function (t) { return t.name; });
  }

  // The step range on screen: the live plot knows about a mouse zoom the server has not echoed yet.
  function currentStepRange(figure) {
    var container = document.getElementById(CHART_ID);
    var plot = container && container.querySelector(".js-plotly-plot");
    var live = plot && plot._fullLayout && plot._fullLayout.xaxis && plot._fullLayout.xaxis.range;
    return (live || figure.layout.xaxis.range).slice().sort(function (a, b) { return a - b; });
  }

  // Same rule as fit_value_range in components/zoom.py.
  function fitValueRange(traces, shownNames, stepRange) {
    var bottom = Infinity;
    var top = -Infinity;
    traces.forEach(function (trace) {
      if (shownNames.indexOf(trace.name) < 0) { return; }
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

  function toggleMetrics(picked, _allClicks, _noneClicks, restyleData, figure) {
    var nc = window.dash_clientside.no_update;
    if (!figure || !figure.data) { return [nc, nc]; }
    var traces = figure.data;
    var names = traces.map(function (t) { return t.name; });
    var trigger = window.dash_clientside.callback_context.triggered_id;
    var triggeredProp = (window.dash_clientside.callback_context.triggered[0] || {}).prop_id || "";
    var shown;
    if (trigger === ALL_BUTTON_ID) {
      shown = names;
    } else if (trigger === NONE_BUTTON_ID) {
      shown = [];
    } else if (triggeredProp.endsWith(".restyleData")) {
      shown = shownAfterRestyle(traces, restyleData);
      if (shown === null) { return [nc, nc]; }
    } else {
      shown = picked || [];
    }
    shown = names.filter(function (name) { return shown.indexOf(name) >= 0; });

    var patch = new window.dash_clientside.Patch();
    traces.forEach(function (trace, i) {
      patch.assign(["data", i, "visible"], shown.indexOf(trace.name) >= 0 ? true : "legendonly");
    });
    var yRange = fitValueRange(traces, shown, currentStepRange(figure));
    if (yRange) { patch.assign(["layout", "yaxis", "range"], yRange); }
    return [shown, patch.build()];
  }

  // Dash's slider number boxes apply a typed value only when they lose focus; Enter should apply it too.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.classList && target.classList.contains("dash-range-slider-input")) {
      target.blur();
    }
  });

  // Extend the object in place: dash-renderer keeps its own reference to it.
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.rewardbench = { toggleMetrics: toggleMetrics };
})();
