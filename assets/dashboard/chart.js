// The chart on screen against the view: the server records what it drew for (components/features/chart.py,
// drawn); a chart drawn for another view than the page holds now missed a change, and is asked for again.
(function () {
  "use strict";
  var rb = (window.rewardbench = window.rewardbench || {});

  // Equal as JSON values, whatever the order of an object's keys.
  function sameValue(a, b) {
    if (Array.isArray(a) || Array.isArray(b)) {
      return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
        a.every(function (item, i) { return sameValue(item, b[i]); });
    }
    if (a && b && typeof a === "object" && typeof b === "object") {
      var keys = Object.keys(a);
      return keys.length === Object.keys(b).length && keys.every(function (key) { return sameValue(a[key], b[key]); });
    }
    return a === b || (a === undefined && b === null) || (a === null && b === undefined);
  }

  function redrawIfStale(drawn, view, version, uploads) {
    var nc = window.dash_clientside.no_update;
    if (!drawn || !drawn["for"] || !view) { return nc; }
    var tokens = (uploads || []).map(function (entry) { return entry.token; });
    var current = Object.keys(drawn["for"]).every(function (key) { return sameValue(drawn["for"][key], view[key]); }) &&
      (drawn.version || "") === (version || "") && sameValue(drawn.uploads || [], tokens);
    if (!current) {
      // Afresh, outside this chain of callbacks (Dash would drop a request that follows from the chart's own), and
      // after the chart's own correction of the view has been applied (lines.js, relayFix).
      setTimeout(function () { window.dash_clientside.set_props(rb.ids.CHART_REDRAW, { data: Date.now() }); }, 50);
    }
    return nc;
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.rewardbench = Object.assign(window.dash_clientside.rewardbench || {}, {
    redrawIfStale: redrawIfStale,
  });
})();
