// Internal: dcc.Graph draws every figure with the global Plotly.react (dash/dcc/src/fragments/Graph.react.js,
// which calls Plotly.react(gd, figure, config)). Checked with Dash 4.4.1 and plotly.js 4.1.1. This hook wraps it:
// - a new chart's panels take their first drawings in turn, one per frame (assets/dashboard/turns.js);
// - a zoom changes only the axes' ranges (the chart's zoom patches, components/features/chart.py). Plotly.react
//   would work out every trace's defaults again to find that out; Plotly.update redraws just the axes and the
//   lines, in half the time. It also does not send plotly_relayout, which dcc.Graph would take for a user's zoom.
(function () {
  "use strict";
  var rb = window.rewardbench;
  var RANGE_KEYS = [["xaxis", "range"], ["yaxis", "range"], ["xaxis", "uirevision"]];
  // The figure as dcc.Graph hands it over, less the values a zoom changes.
  function drawnWithoutRanges(figure) {
    var layout = Object.assign({}, figure.layout);
    RANGE_KEYS.forEach(function (key) {
      if (layout[key[0]]) { layout[key[0]] = Object.assign({}, layout[key[0]]); delete layout[key[0]][key[1]]; }
    });
    return JSON.stringify([layout, figure.config || null, figure.frames || null]);
  }

  function rangeValues(layout) {
    return RANGE_KEYS.map(function (key) { return layout[key[0]] ? layout[key[0]][key[1]] : undefined; });
  }

  // What a figure from dcc.Graph is drawn from, recorded before Plotly writes its own values into the layout; null
  // for Plotly.react's other ways of being called.
  function drawnFrom(figure) {
    if (!figure || !figure.layout || Array.isArray(figure)) { return null; }
    return { data: figure.data, rest: drawnWithoutRanges(figure), ranges: rangeValues(figure.layout) };
  }

  // The Plotly.update arguments that turn what gd shows into the figure drawn from next, or null when more than
  // its ranges changed.
  function rangeUpdate(gd, next) {
    var drawn = gd.drawnFigure;
    if (!drawn || !next || !gd._fullLayout || next.data !== drawn.data || next.rest !== drawn.rest) { return null; }
    var update = {};
    for (var i = 0; i < RANGE_KEYS.length; i++) {
      if (JSON.stringify(next.ranges[i]) === JSON.stringify(drawn.ranges[i])) { continue; }
      if (next.ranges[i] === undefined) { return null; }
      update[RANGE_KEYS[i].join(".")] = next.ranges[i];
    }
    return update;
  }

  function drawFigure(plotly, react, gd, args) {
    if (!gd || typeof gd !== "object") { return react.apply(plotly, args); }
    var next = drawnFrom(args[1]);
    var update = rangeUpdate(gd, next);
    gd.drawnFigure = next;
    return update ? plotly.update(gd, {}, update) : react.apply(plotly, args);
  }

  // A figure's later updates wait for its first drawing. The subset chart is drawn at once.
  function drawPanelsInTurn(plotly) {
    var react = plotly.react;
    plotly.react = function (gd) {
      var args = arguments;
      var draw = function () { return gd.isConnected ? drawFigure(plotly, react, gd, args) : gd; };
      if (gd.firstDrawing) { return gd.firstDrawing.then(draw, draw); }
      if (gd._fullLayout || !gd.closest || !gd.closest(".panel-box, .run-legend")) {
        return drawFigure(plotly, react, gd, args);
      }
      var isLegend = Boolean(gd.closest(".run-legend"));
      var drawing = rb.turns.inTurn(isLegend ? rb.turns.LEGEND : rb.turns.PANEL, draw, true);
      var done = function () {
        delete gd.firstDrawing;
        if (!isLegend) { rb.turns.firstPanelDrawn(); }
      };
      gd.firstDrawing = drawing;
      drawing.then(done, done);
      return drawing;
    };
  }

  // Work on the page's tables. A new page does it after the chart's first panel is on screen (the summary of twenty
  // runs is a hundred rows to lay out), or after a while should Plotly never draw; from then on at once, so that

  rb.privateHooks.whenPlotlyArrives(function (plotly) {
    if (typeof plotly.react !== "function" || typeof plotly.update !== "function") {
      rb.privateHooks.report("plotly-react", "Plotly.react or Plotly.update is not a function");
      return;
    }
    drawPanelsInTurn(plotly);
    rb.turns.panelsTakeTurns = true;
    rb.privateHooks.report("plotly-react", null);
  });
})();
