// Clientside callbacks: showing and hiding metrics needs no server round trip.
// The ids below are those in components/ids.py; the panel rule is panel_domains in components/figures.py.
(function () {
  "use strict";

  var CHART_ID = "rewardbench-chart";
  var METRIC_PICKER_ID = "metric-picker";
  var ALL_BUTTON_ID = "metrics-all";
  var NONE_BUTTON_ID = "metrics-none";
  var PANEL_GAP = 0.05;
  // A download of several panels stacks them as figure_height in components/figures.py does, with the legend
  // column of style.css beside them.
  var STACKED_TOP_PX = 90;
  var STACKED_PANEL_PX = 170;
  var LEGEND_COLUMN_PX = 160;
  var TABLES_AT_THE_LATEST_MS = 10000;

  // The chart's plots, one per panel in page order (the one-run chart is a single panel); the legend of runs apart.
  function panelPlots() {
    var chart = document.getElementById(CHART_ID);
    return chart ? Array.prototype.slice.call(chart.querySelectorAll(".panel-box .js-plotly-plot")) : [];
  }

  function legendPlot() {
    var chart = document.getElementById(CHART_ID);
    return chart && chart.querySelector(".run-legend .js-plotly-plot");
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
    var plot = panelPlots()[0];
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

  function patchLines(patch, figure, shown) {
    figure.data.forEach(function (trace, i) {
      patch.assign(["data", i, "visible"], shown.indexOf(trace.meta.metric) >= 0 ? true : "legendonly");
    });
    (figure.layout.annotations || []).forEach(function (note, k) {
      if (note.name && note.name.indexOf("best:") === 0) {
        patch.assign(["layout", "annotations", k, "visible"], shown.indexOf(note.name.slice(5)) >= 0);
      }
    });
    if (figure.layout.meta.y_scale === "full") { return; }
    var yRange = fitValueRange(figure.data, shown, currentStepRange(figure));
    if (yRange) { patch.assign(["layout", "yaxis", "range"], yRange); }
  }

  function unchanged(outputs) {
    var nc = window.dash_clientside.no_update;
    return outputs.map(function (output) { return Array.isArray(output) ? output.map(function () { return nc; }) : nc; });
  }

  // The one-run chart hides lines (a patch of its figure); with several runs each metric is a figure of its own
  // in a box, and hiding the box redraws nothing.
  function toggleMetrics(picked, _allClicks, _noneClicks, restyleData, figures) {
    var context = window.dash_clientside.callback_context;
    var graphs = context.outputs_list[1];
    var boxes = context.outputs_list[2];
    var nothing = unchanged(context.outputs_list);
    var first = (figures || [])[0];
    var meta = first && first.layout && first.layout.meta;
    if (!meta) { return nothing; }
    var lines = meta.view === "lines";
    var panels = lines ? meta.panels : boxes.map(function (box) { return box.id.metric; });
    if (!panels || !panels.length) { return nothing; }
    var trigger = context.triggered_id;
    var triggeredProp = (context.triggered[0] || {}).prop_id || "";
    var shown;
    if (trigger === ALL_BUTTON_ID) {
      shown = panels;
    } else if (trigger === NONE_BUTTON_ID) {
      shown = [];
    } else if (triggeredProp.endsWith(".restyleData")) {
      // In the panels view the legend lists runs: hideRuns deals with it.
      if (!lines) { return nothing; }
      shown = shownAfterRestyle(first.data, (restyleData || [])[0]);
      if (shown === null) { return nothing; }
    } else {
      shown = picked || [];
    }
    shown = panels.filter(function (metric) { return shown.indexOf(metric) >= 0; });
    // The picker is only written when it should change: a write sets off everything that follows it again.
    var sameAsPicked = (picked || []).length === shown.length &&
      shown.every(function (metric) { return (picked || []).indexOf(metric) >= 0; });
    var pickerValue = sameAsPicked ? nothing[0] : shown;
    var hidden = boxes.map(function (box) { return !lines && shown.indexOf(box.id.metric) < 0; });
    if (!lines) { return [pickerValue, nothing[1], hidden]; }
    var patch = new window.dash_clientside.Patch();
    patchLines(patch, first, shown);
    return [pickerValue, graphs.map(function () { return patch.build(); }), hidden];
  }

  function panelBox(metric) {
    var chart = document.getElementById(CHART_ID);
    var boxes = chart ? chart.querySelectorAll(".panel-box") : [];
    return Array.prototype.find.call(boxes, function (box) { return JSON.parse(box.id).metric === metric; });
  }

  // A ticked or unticked metric shows or hides its panel in this very frame; toggleMetrics, a few Dash steps
  // later, records the same.
  document.addEventListener("change", function (event) {
    var input = event.target;
    var box = input.closest && input.closest("#" + METRIC_PICKER_ID) && panelBox(input.value);
    if (box) { box.hidden = !input.checked; }
  });

  // A click in the legend of runs: the runs it now hides, and every panel showing the same.
  function hideRuns(_restyleData, figures) {
    var context = window.dash_clientside.callback_context;
    var legend = legendPlot();
    if (!legend || !legend.data) { return unchanged(context.outputs_list); }
    var hidden = legend.data.filter(function (trace) { return trace.visible === "legendonly"; })
      .map(function (trace) { return trace.meta.run; });
    var patches = (figures || []).map(function (figure) {
      var patch = new window.dash_clientside.Patch();
      var data = (figure && figure.data) || [];
      data.forEach(function (trace, i) {
        if (!trace.meta || trace.meta.run === undefined) { return; }
        patch.assign(["data", i, "visible"], hidden.indexOf(trace.meta.run) >= 0 ? "legendonly" : true);
      });
      // The y axis fits the runs still in sight, over the steps shown (as zoom_updates does on the server).
      var meta = figure && figure.layout && figure.layout.meta;
      if (meta && meta.y_scale !== "full" && figure.layout.xaxis.range) {
        var inSight = data.filter(function (trace) { return trace.meta && hidden.indexOf(trace.meta.run) < 0; });
        var yRange = fitValueRange(inSight, meta.panels, figure.layout.xaxis.range);
        if (yRange) { patch.assign(["layout", "yaxis", "range"], yRange); }
      }
      return patch.build();
    });
    return [hidden, patches];
  }

  // Same string as chart_key in components/render.py: Python's json.dumps with compact separators.
  function chartKey(runs, pattern, version, uploads, controls) {
    var uploaded = Object.keys(uploads || {}).sort().map(function (name) {
      return name + ":" + uploads[name].step.length;
    }).join(",");
    var material = [(runs || []).slice().sort(), pattern || "", version || "", uploaded].concat(controls);
    return JSON.stringify(material);
  }

  function redrawIfStale(drawnKey, runs, pattern, version, uploads) {
    var controls = Array.prototype.slice.call(arguments, 5).map(function (value) {
      return value === undefined ? null : value;
    });
    var current = chartKey(runs, pattern, version, uploads, controls);
    return current === drawnKey ? window.dash_clientside.no_update : Date.now();
  }

  function stepAxisChange() {
    // Any panel's zoom moves them all: the server answers with the range for every one.
    var relayoutData = (window.dash_clientside.callback_context.triggered[0] || {}).value;
    var moved = relayoutData && Object.keys(relayoutData).some(function (key) { return /^xaxis\d*\./.test(key); });
    return moved ? relayoutData : window.dash_clientside.no_update;
  }

  // Tables: drawn here from the rows the server sent, so sorting, paging and toggling metrics need no request.
  // They are plain DOM, not Dash components: a thousand cells as components take seconds to mount.
  var PAGE_SIZE = 50;

  function isMissing(value) {
    return value === null || value === undefined || (typeof value === "number" && isNaN(value));
  }

  function cellText(value, column) {
    if (isMissing(value)) { return ""; }
    return typeof value === "number" && column.decimals !== undefined ? value.toFixed(column.decimals) : String(value);
  }

  // Missing values go last whichever the direction; names compare as people read them ("run-2" < "run-10").
  function sortRows(rows, sort) {
    if (!sort || !sort.column) { return rows; }
    var direction = sort.descending ? -1 : 1;
    return rows.slice().sort(function (a, b) {
      var x = a[sort.column];
      var y = b[sort.column];
      if (isMissing(x) || isMissing(y)) { return isMissing(x) === isMissing(y) ? 0 : (isMissing(x) ? 1 : -1); }
      if (typeof x === "number" && typeof y === "number") { return (x - y) * direction; }
      return String(x).localeCompare(String(y), undefined, { numeric: true }) * direction;
    });
  }

  function renderTable(containerId, sortStoreId, columns, rows, sort) {
    var container = document.getElementById(containerId);
    if (!container) { return; }
    // Keyboard users keep their place: the header button they sorted with has the focus again.
    var active = document.activeElement;
    var focusedColumn = active && container.contains(active) ? active.dataset.column : null;
    var table = element("table");
    table.className = "grid";
    var headRow = table.createTHead().insertRow();
    columns.forEach(function (column) {
      var sorted = sort && sort.column === column.id;
      var th = element("th");
      th.scope = "col";
      th.setAttribute("aria-sort", sorted ? (sort.descending ? "descending" : "ascending") : "none");
      if (column.decimals !== undefined) { th.className = "number"; }
      var button = element("button", column.name + (sorted ? (sort.descending ? " \u25BC" : " \u25B2") : ""));
      button.type = "button";
      button.className = "sort-button";
      button.title = "Sort by " + column.name;
      button.dataset.store = sortStoreId;
      button.dataset.column = column.id;
      th.appendChild(button);
      headRow.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      columns.forEach(function (column) {
        var td = tr.insertCell();
        if (column.decimals !== undefined) { td.className = "number"; }
        // A column may name a field that, where a row has it, is shown instead of the value it sorts by (a final
        // model's step reads "final").
        var label = column.label && row[column.label];
        td.textContent = label ? label : cellText(row[column.id], column);
      });
    });
    container.replaceChildren(table);
    if (focusedColumn) {
      var again = container.querySelector('.sort-button[data-column="' + CSS.escape(focusedColumn) + '"]');
      if (again) { again.focus(); }
    }
  }

  // A click on a column header sorts by it; a second click reverses the order.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".sort-button");
    if (!button) { return; }
    var ascending = button.parentNode.getAttribute("aria-sort") === "ascending";
    window.dash_clientside.set_props(button.dataset.store, {
      data: { column: button.dataset.column, descending: ascending },
    });
  });

  function dataColumns(table, visible) {
    var toggled = table.metrics || [];
    return table.columns.filter(function (name) {
      return toggled.indexOf(name) < 0 || visible.indexOf(name) >= 0;
    }).map(function (name) {
      if (name === "run") { return { name: "Run", id: "run" }; }
      if (name === "step") { return { name: "Step", id: "step", decimals: 0 }; }
      return { name: name + " (%)", id: name, decimals: 1 };
    });
  }

  function pageCount(rows) {
    return Math.max(1, Math.ceil((rows || []).length / PAGE_SIZE));
  }

  // Summary and table rows arrive for every metric; only the visible metrics' rows are shown. Returns the data
  // table's pager: its label and whether Previous and Next can be used.
  function filterTables(summary, table, visible, summarySort, dataSort, page, summaryColumns) {
    visible = visible || [];
    var summaryRows = (summary || []).filter(function (row) { return visible.indexOf(row.metric) >= 0; });
    var summaryShown = sortRows(summaryRows, summarySort);
    var asTable = Boolean(table && table.columns);
    var pages = asTable ? pageCount(table.rows) : 1;
    var current = Math.min(Math.max(page || 0, 0), pages - 1);
    var sorted = asTable ? sortRows(table.rows, dataSort) : [];
    var shown = sorted.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);
    afterFirstPanel(function () {
      renderTable("summary-table", "summary-sort", summaryColumns || [], summaryShown, summarySort);
      if (asTable) {
        renderTable("data-table", "data-sort", dataColumns(table, visible), shown, dataSort);
      } else {
        var empty = document.getElementById("data-table");
        if (empty) { empty.replaceChildren(); }
      }
    });
    if (!asTable) { return ["", true, true]; }
    var label = sorted.length ?
      "Rows " + (current * PAGE_SIZE + 1) + "\u2013" + (current * PAGE_SIZE + shown.length) + " of " + sorted.length :
      "No rows";
    return [label, current === 0, current >= pages - 1];
  }

  function element(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function miniTable(pairs) {
    var table = element("table");
    table.className = "mini-table";
    var body = table.createTBody();
    pairs.forEach(function (pair) {
      var row = body.insertRow();
      var name = element("th", pair[0]);
      name.scope = "row";
      row.appendChild(name);
      row.insertCell().textContent = pair[1].toFixed(1) + " %";
    });
    return table;
  }

  function runBlock(run, metric) {
    var block = element("div");
    block.className = "best-run";
    var headline = element("p");
    headline.className = "best-headline";
    headline.appendChild(element("strong", run.run));
    var ties = run.tied_steps.length ?
      " Tied with step" + (run.tied_steps.length > 1 ? "s " : " ") + run.tied_steps.join(", ") +
      "; the earliest is picked." : "";
    headline.appendChild(document.createTextNode(
      " \u2014 " + run.place + ": " + metric + " " + run.value.toFixed(1) + " %." + ties
    ));
    block.appendChild(headline);
    block.appendChild(miniTable(run.metrics));
    run.subsets.forEach(function (section) {
      var details = element("details");
      details.appendChild(element("summary", section[0]));
      details.appendChild(miniTable(section[1]));
      block.appendChild(details);
    });
    return block;
  }

  // Several runs: one sortable row per run (best first), each run's subsets folded away below.
  function bestTable(panel, best, sort) {
    var metrics = [];
    best.runs.forEach(function (run) {
      run.metrics.forEach(function (pair) { if (metrics.indexOf(pair[0]) < 0) { metrics.push(pair[0]); } });
    });
    var columns = [{ name: "Run", id: "run" }, { name: "Best step", id: "step", decimals: 0, label: "step_label" }]
      .concat(metrics.map(function (name) { return { name: name + " (%)", id: "metric:" + name, decimals: 1 }; }))
      .concat([{ name: "Tied with steps", id: "ties" }]);
    var rows = best.runs.map(function (run) {
      var row = { run: run.run, step: run.step, step_label: run.final ? "final" : "", ties: run.tied_steps.join(", ") };
      run.metrics.forEach(function (pair) { row["metric:" + pair[0]] = pair[1]; });
      return row;
    });
    var box = element("div");
    box.id = "best-table";
    box.className = "table-scroll";
    panel.appendChild(box);
    var order = sort || { column: "metric:" + best.metric, descending: true };
    renderTable("best-table", "best-sort", columns, sortRows(rows, order), order);
    best.runs.filter(function (run) { return run.subsets.length; }).forEach(function (run) {
      var details = element("details");
      details.className = "best-subsets";
      details.appendChild(element("summary", run.run + ": subsets at " + run.place));
      run.subsets.forEach(function (section) {
        details.appendChild(element("h3", section[0]));
        details.appendChild(miniTable(section[1]));
      });
      panel.appendChild(details);
    });
  }

  // The best checkpoint of each run, with every metric and subset at that step (data from best_panel_data in
  // components/layout.py). Returns whether the panel is hidden.
  function renderBest(best, sort) {
    var panel = document.getElementById("best-panel");
    if (!panel) { return window.dash_clientside.no_update; }
    if (!best || !best.runs || !best.runs.length) {
      afterFirstPanel(function () { panel.replaceChildren(); });
      return true;
    }
    afterFirstPanel(function () {
      panel.replaceChildren(element("h2", "Best checkpoint by " + best.metric));
      if (best.runs.length === 1) {
        panel.appendChild(runBlock(best.runs[0], best.metric));
      } else {
        bestTable(panel, best, sort);
      }
    });
    return false;
  }

  // New rows or a new order start again at the first page.
  function turnPage(_previous, _next, rows, _sort, page) {
    var trigger = window.dash_clientside.callback_context.triggered_id;
    var last = pageCount(rows && rows.rows) - 1;
    if (trigger === "data-previous") { return Math.max((page || 0) - 1, 0); }
    if (trigger === "data-next") { return Math.min((page || 0) + 1, last); }
    return 0;
  }

  function showTable(choice) {
    var asTable = (choice || []).indexOf("table") >= 0;
    return [asTable, !asTable];
  }

  function effectiveTheme(choice) {
    if (choice === "light" || choice === "dark") { return choice; }
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    return dark ? "dark" : "light";
  }

  // An unchanged theme is not sent on: the chart would be drawn again for nothing.
  function applyTheme(choice, current) {
    var theme = effectiveTheme(choice);
    document.documentElement.dataset.theme = theme;
    return theme === current ? window.dash_clientside.no_update : theme;
  }

  // "System" follows the operating system's setting while the page is open, too.
  if (window.matchMedia) {
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function () {
      var checked = document.querySelector("#theme-choice input:checked");
      if (checked && checked.value === "auto") {
        window.dash_clientside.set_props("theme", { data: applyTheme("auto") });
      }
    });
  }

  // The shown panels as one figure, stacked as in the subset chart (components/figures.py, _panels_figure), with
  // the runs' legend and the chart's title.
  function stackedFigure(plots, legend, title) {
    var domains = panelDomains(plots.length);
    var data = [];
    var layout = JSON.parse(JSON.stringify(plots[0].layout));
    layout.annotations = [];
    layout.showlegend = true;
    layout.title = { text: title, x: 0.01, xanchor: "left", font: { size: 18 } };
    layout.margin = { l: 64, r: 24, t: 72, b: 56 };
    layout.xaxis.anchor = "free";
    layout.xaxis.position = 0;
    layout.legend = { x: 1.01, xanchor: "left", y: 1, yanchor: "top", title: { text: "Run" } };
    plots.forEach(function (plot, k) {
      var axis = k === 0 ? "yaxis" : "yaxis" + (k + 1);
      var reference = k === 0 ? "y" : "y" + (k + 1);
      layout[axis] = Object.assign({}, plot.layout.yaxis, { domain: domains[k] });
      (plot.layout.annotations || []).forEach(function (note) {
        layout.annotations.push(Object.assign({}, note, { yref: reference + " domain" }));
      });
      plot.data.forEach(function (trace) { data.push(Object.assign({}, trace, { xaxis: "x", yaxis: reference })); });
    });
    (legend ? legend.data : []).forEach(function (trace) { data.push(Object.assign({}, trace)); });
    return { data: data, layout: layout };
  }

  function downloadImage() {
    var plots = panelPlots().filter(function (plot) { return !plot.closest(".panel-box").hidden; });
    var trigger = window.dash_clientside.callback_context.triggered_id;
    if (!plots.length || !window.Plotly) { return window.dash_clientside.no_update; }
    var single = plots[0].layout.meta && plots[0].layout.meta.view !== "panel";
    var title = (document.querySelector("#" + CHART_ID + " .chart-title") || {}).textContent || "";
    var width = plots[0]._fullLayout.width;
    window.Plotly.downloadImage(single ? plots[0] : stackedFigure(plots, legendPlot(), title), {
      format: trigger === "export-svg" ? "svg" : "png",
      filename: "rewardbench-chart",
      width: single ? width : width + LEGEND_COLUMN_PX,
      height: single ? plots[0]._fullLayout.height : STACKED_TOP_PX + STACKED_PANEL_PX * plots.length,
      scale: trigger === "export-svg" ? 1 : 2,
    });
    return window.dash_clientside.no_update;
  }

  // The shared view in the URL query string. Values that do not fit are ignored, leaving the default.
  var SMOOTHING_CODES = { "ema": "ema", "ma": "moving-average", "off": "off" };

  function optionValues(options) {
    return (options || []).map(function (option) { return option && option.value !== undefined ? option.value : option; });
  }

  function decodeView(search, runOptions, metricOptions) {
    var nc = window.dash_clientside.no_update;
    var params = new URLSearchParams(search || "");
    var knownRuns = optionValues(runOptions);
    var knownMetrics = optionValues(metricOptions);
    var runs = params.getAll("run").filter(function (run) { return knownRuns.indexOf(run) >= 0; });
    var metricParams = params.getAll("metric");
    var metrics = metricParams.filter(function (m) { return knownMetrics.indexOf(m) >= 0; });
    var steps = (params.get("steps") || "").match(/^(\d+)-(\d+)$/);
    var smoothing = SMOOTHING_CODES[params.get("smooth")];
    var weight = parseFloat(params.get("weight"));
    var window_ = parseInt(params.get("window"), 10);
    var best = params.get("best");
    var filter = params.get("filter");
    return [
      nc,
      runs.length ? runs : nc,
      filter !== null && filter.length <= 200 ? filter : nc,
      metricParams.length === 1 && metricParams[0] === "none" ? [] : (metrics.length ? metrics : nc),
      steps && Number(steps[1]) <= Number(steps[2]) ? [Number(steps[1]), Number(steps[2])] : nc,
      smoothing || nc,
      weight >= 0 && weight <= 0.99 ? weight : nc,
      window_ >= 3 && window_ <= 15 && window_ % 2 === 1 ? window_ : nc,
      best === "none" ? null : (best !== null && knownMetrics.indexOf(best) >= 0 ? best : nc),
      params.get("y") === "full" || params.get("y") === "fit" ? params.get("y") : nc,
      params.get("view") === "table" ? ["table"] : (params.get("view") === "chart" ? [] : nc),
      params.get("x") ? params.get("x") : nc,
    ];
  }

  function encodeView(runs, filter, metrics, slider, smoothing, weight, window_, best, yScale, table, xAxis) {
    var params = new URLSearchParams();
    (runs || []).forEach(function (run) { params.append("run", run); });
    if (filter) { params.set("filter", filter); }
    if (metrics && metrics.length) {
      metrics.forEach(function (metric) { params.append("metric", metric); });
    } else {
      params.set("metric", "none");
    }
    if (slider && slider.length === 2) { params.set("steps", slider[0] + "-" + slider[1]); }
    if (smoothing === "ema") { params.set("smooth", "ema"); params.set("weight", String(weight)); }
    if (smoothing === "moving-average") { params.set("smooth", "ma"); params.set("window", String(window_)); }
    params.set("best", best || "none");
    if (yScale === "full") { params.set("y", "full"); }
    if ((table || []).indexOf("table") >= 0) { params.set("view", "table"); }
    if (xAxis && xAxis !== "step") { params.set("x", xAxis); }
    return "?" + params.toString();
  }

  function syncUrl(search) {
    var nc = window.dash_clientside.no_update;
    var args = Array.prototype.slice.call(arguments);
    var controls = args.slice(1, 12);
    var runOptions = args[12];
    var metricOptions = args[13];
    var context = window.dash_clientside.callback_context;
    var trigger = context.triggered_id;
    var unchanged = [nc, nc, nc, nc, nc, nc, nc, nc, nc, nc, nc, nc];
    if (trigger === undefined || trigger === null || trigger === "url") {
      return search ? decodeView(search, runOptions, metricOptions) : unchanged;
    }
    var encoded = encodeView.apply(null, controls);
    if (encoded === search) { return unchanged; }
    unchanged[0] = encoded;
    return unchanged;
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

  // Dash's sliders render their number boxes and handles without names; give each a name to be read out.
  var SLIDER_NAMES = {
    "step-range": ["First training step shown", "Last training step shown"],
    "ema-weight": ["Smoothing weight"],
    "ma-window": ["Moving average window, in checkpoints"],
  };

  function nameSliderParts() {
    Object.keys(SLIDER_NAMES).forEach(function (id) {
      var root = document.getElementById(id);
      if (!root) { return; }
      var names = SLIDER_NAMES[id];
      root.querySelectorAll("input[type=number]").forEach(function (input, i) {
        if (!input.getAttribute("aria-label")) { input.setAttribute("aria-label", names[i % names.length]); }
      });
      root.querySelectorAll("[role=slider]").forEach(function (thumb, i) {
        if (!thumb.getAttribute("aria-label")) { thumb.setAttribute("aria-label", names[i % names.length]); }
      });
    });
  }

  new MutationObserver(nameSliderParts).observe(document.documentElement, { childList: true, subtree: true });

  // Plotly's bundle is fetched from the page's head (components/page.py) but run only once Dash has asked the
  // server for the layout: the browser evaluates Plotly while the server answers. dcc.Graph loads Plotly from
  // _dashPlotlyJSURL when window.Plotly is not there yet; that must be this bundle, not Dash's full one.
  function startPlotly() {
    var link = document.getElementById("plotly-bundle");
    if (!link) { return; }
    Object.defineProperty(window, "_dashPlotlyJSURL", {
      configurable: true,
      get: function () { return link.href; },
      set: function () {},
    });
    document.addEventListener("DOMContentLoaded", function () {
      setTimeout(function () {
        if (window.Plotly) { return; }
        var script = document.createElement("script");
        script.src = link.href;
        document.head.appendChild(script);
      }, 0);
    });
  }

  startPlotly();

  // A new page's first drawings take turns, one per frame: the chart's panels in page order (Overall first), the
  // legend of runs right after the first, then the tables (afterFirstPanel), then the other panels. Done in one go,
  // none of them would be on screen before the last was done: seconds for a hundred runs.
  var TURN_LEGEND = 0;
  var TURN_TABLES = 1;
  var TURN_PANEL = 2;
  var turns = [];
  var turnTaken = false;
  var firstPanelDrawn = false;

  function nextTurn() {
    var turn = turns.shift();
    if (!turn) { turnTaken = false; return; }
    afterNextFrame().then(turn.run).then(nextTurn, nextTurn);
  }

  // Resolves with what work returns once it has had its turn: at once when startsNow and nothing else is being
  // done, else after the waiting work of a lower rank.
  function inTurn(rank, work, startsNow) {
    return new Promise(function (resolve) {
      var run = function () { var done = attempt(work); resolve(done); return done; };
      if (startsNow && !turnTaken) {
        turnTaken = true;
        run().then(nextTurn, nextTurn);
        return;
      }
      var later = turns.findIndex(function (turn) { return turn.rank > rank; });
      turns.splice(later < 0 ? turns.length : later, 0, { rank: rank, run: run });
    });
  }

  // A zoom changes only the axes' ranges (zoom_patch in components/callbacks.py). Plotly.react would work out
  // every trace's defaults again to find that out; Plotly.update redraws just the axes and the lines, in half the
  // time. It also does not send plotly_relayout, which dcc.Graph would take for a zoom by the user.
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
      var drawing = inTurn(isLegend ? TURN_LEGEND : TURN_PANEL, draw, true);
      var done = function () {
        delete gd.firstDrawing;
        firstPanelDrawn = firstPanelDrawn || !isLegend;
      };
      gd.firstDrawing = drawing;
      drawing.then(done, done);
      return drawing;
    };
  }

  // Work on the page's tables. A new page does it after the chart's first panel is on screen (the summary of twenty
  // runs is a hundred rows to lay out), or after a while should Plotly never draw; from then on at once, so that
  // the rows come with their pager's label, which Dash shows from the same callback's return.
  function afterFirstPanel(work) {
    if (firstPanelDrawn || !document.querySelector("#" + CHART_ID + " .panel-box")) {
      work();
      return;
    }
    var done = false;
    var once = function () {
      if (!done) { done = true; work(); }
    };
    inTurn(TURN_TABLES, once, false);
    setTimeout(once, TABLES_AT_THE_LATEST_MS);
  }

  // A drawing that throws becomes a rejected promise: the queue goes on to the next panel either way.
  function attempt(draw) {
    return new Promise(function (resolve) { resolve(draw()); });
  }

  // After the next frame, and after the page's other waiting work (React mounting the controls, Dash's first
  // callbacks): a turn is background work where the browser can tell (scheduler.postTask).
  function afterNextFrame() {
    return new Promise(function (resolve) {
      requestAnimationFrame(function () {
        if (window.scheduler && window.scheduler.postTask) {
          window.scheduler.postTask(resolve, { priority: "background" });
        } else {
          setTimeout(resolve, 0);
        }
      });
    });
  }

  // Plotly's bundle ends with window.Plotly = Plotly, whichever script tag loaded it.
  function whenPlotlyArrives(use) {
    var plotly = window.Plotly;
    if (plotly) { use(plotly); return; }
    Object.defineProperty(window, "Plotly", {
      configurable: true,
      enumerable: true,
      get: function () { return plotly; },
      set: function (value) { plotly = value; use(value); },
    });
  }

  // dcc.Graph's drawing part is a React.lazy component that waits for Plotly. Left to React, it is resolved
  // during the layout's first render and mounted one render later, after Dash's first callbacks (tables, URL,
  // theme: 0.1-0.25 s for twenty runs). Resolved as soon as Plotly is here, the chart mounts with the layout.
  // The lazy component sits behind dcc.Graph's wrappers, which are rendered by hand to reach it; should they change
  // shape, React resolves it as before.
  function resolveGraphEarly() {
    try {
      var wrapper = new window.dash_core_components.Graph({}).render().type;
      var lazy = wrapper.type({}).props.children.type;
      lazy._init(lazy._payload);
    } catch (pendingOrOtherShape) {
      return;
    }
  }

  whenPlotlyArrives(function (plotly) {
    drawPanelsInTurn(plotly);
    resolveGraphEarly();
  });

  // Extend the object in place: dash-renderer keeps its own reference to it.
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.rewardbench = {
    toggleMetrics: toggleMetrics,
    hideRuns: hideRuns,
    stepAxisChange: stepAxisChange,
    redrawIfStale: redrawIfStale,
    filterTables: filterTables,
    turnPage: turnPage,
    renderBest: renderBest,
    showTable: showTable,
    applyTheme: applyTheme,
    downloadImage: downloadImage,
    syncUrl: syncUrl,
  };
})();
