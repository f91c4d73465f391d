// Compare two checkpoints (components/features/compare.py): a click on a point of the chart picks it, and the
// comparison the server sends is drawn here as plain DOM tables like the others.
(function () {
  "use strict";
  var rb = (window.rewardbench = window.rewardbench || {});

  // The checkpoint under a clicked point: its run (the trace's, or the one-run chart's) and step (the point's x
  // on a step axis, else the trace's own list of steps).
  function checkpointOf(point, figure) {
    var trace = figure && figure.data && figure.data[point.curveNumber];
    var meta = (trace && trace.meta) || {};
    var layoutMeta = (figure.layout && figure.layout.meta) || {};
    var run = meta.run !== undefined ? meta.run : layoutMeta.run;
    var step = meta.steps ? meta.steps[point.pointNumber] : (meta.step !== undefined ? meta.step : point.x);
    if (meta.band || typeof run !== "string" || typeof step !== "number") { return null; }
    return { run: run, step: step };
  }

  // A pick scrolls to the comparison, which is below the chart and the tables.
  function showComparison() {
    var section = document.getElementById(rb.ids.COMPARE_SECTION);
    if (section) { section.scrollIntoView({ block: "start" }); }
  }

  function pickPoint() {
    var context = window.dash_clientside.callback_context;
    var triggered = (context.triggered || [])[0];
    if (!triggered || !triggered.value) { return window.dash_clientside.no_update; }
    var graphId = triggered.prop_id.replace(/\.clickData$/, "");
    var figure = [].concat.apply([], context.states_list).filter(function (entry) {
      return rb.view.idString(entry.id) === graphId;
    })[0];
    var point = (triggered.value.points || [])[0];
    var picked = point && figure && checkpointOf(point, figure.value);
    if (!picked) { return window.dash_clientside.no_update; }
    picked.n = Date.now();
    showComparison();
    return picked;
  }

  // The best-checkpoint panel's button (best.js): compare a best checkpoint with its run's last one.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".compare-last");
    if (!button) { return; }
    window.dash_clientside.set_props(rb.ids.COMPARE_PICK, {
      data: { run: button.dataset.run, step: Number(button.dataset.step), with: "last", n: Date.now() },
    });
    showComparison();
  });

  function renderFlipped(data, sort) {
    var container = document.getElementById(rb.ids.FLIPPED_TABLE);
    if (!container) { return; }
    if (!data || !data.flipped || !data.flipped.length) { container.replaceChildren(); return; }
    rb.tables.renderTable(rb.ids.FLIPPED_TABLE, rb.ids.FLIPPED_SORT, data.flipped_columns,
      rb.tables.sortRows(data.flipped, sort), sort);
    var heading = rb.tables.element("h3", "Prompts that flipped between A and B");
    container.insertBefore(heading, container.firstChild);
  }

  // Returns whether the comparison's table is hidden.
  function renderCompare(data, sort, flippedSort) {
    var shown = Boolean(data && data.rows && data.rows.length);
    if (shown) {
      rb.tables.renderTable(rb.ids.COMPARE_TABLE, rb.ids.COMPARE_SORT, data.columns, rb.tables.sortRows(data.rows, sort),
        sort);
    } else {
      var table = document.getElementById(rb.ids.COMPARE_TABLE);
      if (table) { table.replaceChildren(); }
    }
    renderFlipped(shown ? data : null, flippedSort);
    return !shown;
  }

  rb.compare = { checkpointOf: checkpointOf };
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.rewardbench = Object.assign(window.dash_clientside.rewardbench || {}, {
    pickPoint: pickPoint,
    renderCompare: renderCompare,
  });
})();
