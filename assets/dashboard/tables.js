// Tables: drawn here from the rows the server sent, so sorting, paging and toggling metrics need no request.
// They are plain DOM, not Dash components: a thousand cells as components take seconds to mount.
(function () {
  "use strict";
  var rb = (window.rewardbench = window.rewardbench || {});
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
      if (row._class) { tr.className = row._class; }
      columns.forEach(function (column) {
        var td = tr.insertCell();
        if (column.decimals !== undefined) { td.className = "number"; }
        // A column may name a field that, where a row has it, is shown instead of the value it sorts by (a final
        // model's step reads "final").
        var label = column.label && row[column.label];
        td.textContent = label ? label : cellText(row[column.id], column);
        // And one that gives the value's interval under it.
        var interval = column.interval && row[column.interval];
        if (interval) { td.appendChild(element("span", interval)).className = "interval"; }
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

  // A metric's bounds ("Chat Hard lo") show and hide with it; text columns (where intervals come from) have no unit.
  function dataColumns(table, visible) {
    var toggled = table.metrics || [];
    var follows = table.follows || {};
    var text = table.text || [];
    return table.columns.filter(function (name) {
      var metric = follows[name] || name;
      return toggled.indexOf(metric) < 0 || visible.indexOf(metric) >= 0;
    }).map(function (name) {
      if (name === "run") { return { name: "Run", id: "run" }; }
      if (name === "step") { return { name: "Step", id: "step", decimals: 0 }; }
      if (text.indexOf(name) >= 0) { return { name: name.charAt(0).toUpperCase() + name.slice(1), id: name }; }
      return { name: name + " (%)", id: name, decimals: 1 };
    });
  }

  function pageCount(rows) {
    return Math.max(1, Math.ceil((rows || []).length / PAGE_SIZE));
  }

  // Summary and table rows arrive for every metric; only the visible metrics' rows are shown. Returns the data
  // table's pager: its label and whether Previous and Next can be used.
  function filterTables(summary, table, linesPart, summarySort, dataSort, page, summaryColumns) {
    var visible = (linesPart && linesPart.metrics) || [];
    var summaryRows = (summary || []).filter(function (row) { return visible.indexOf(row.metric) >= 0; });
    var summaryShown = sortRows(summaryRows, summarySort);
    var asTable = Boolean(table && table.columns);
    var pages = asTable ? pageCount(table.rows) : 1;
    var current = Math.min(Math.max(page || 0, 0), pages - 1);
    var sorted = asTable ? sortRows(table.rows, dataSort) : [];
    var shown = sorted.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);
    rb.turns.afterFirstPanel(function () {
      renderTable(rb.ids.SUMMARY_TABLE, rb.ids.SUMMARY_SORT, summaryColumns || [], summaryShown, summarySort);
      if (asTable) {
        renderTable(rb.ids.DATA_TABLE, rb.ids.DATA_SORT, dataColumns(table, visible), shown, dataSort);
      } else {
        var empty = document.getElementById(rb.ids.DATA_TABLE);
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

  // New rows or a new order start again at the first page.
  function turnPage(_previous, _next, rows, _sort, page) {
    var trigger = window.dash_clientside.callback_context.triggered_id;
    var last = pageCount(rows && rows.rows) - 1;
    if (trigger === rb.ids.DATA_PREVIOUS) { return Math.max((page || 0) - 1, 0); }
    if (trigger === rb.ids.DATA_NEXT) { return Math.min((page || 0) + 1, last); }
    return 0;
  }

  function showTable(tablesPart) {
    var asTable = ((tablesPart && tablesPart.table) || []).indexOf("table") >= 0;
    return [asTable, !asTable];
  }

  rb.tables = { element: element, renderTable: renderTable, sortRows: sortRows };
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.rewardbench = Object.assign(window.dash_clientside.rewardbench || {}, {
    filterTables: filterTables,
    turnPage: turnPage,
    showTable: showTable,
  });
})();
