// The best checkpoint of each run, with every metric and subset at that step (data from best_panel_data in
// components/best.py), drawn as plain DOM like the other tables.
(function () {
  "use strict";
  var rb = (window.rewardbench = window.rewardbench || {});

  function element(tag, text) { return rb.tables.element(tag, text); }

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

  function stepList(steps) {
    if (steps.length === 1) { return "step " + steps[0]; }
    return "steps " + steps.slice(0, -1).join(", ") + " and " + steps[steps.length - 1];
  }

  // Which checkpoints the best one is not told apart from, and that the highest of many noisy points flatters.
  function noiseSentence(run) {
    var near = run.within_noise.length ?
      stepList(run.within_noise).replace(/^s/, "S") + (run.within_noise.length > 1 ? " are" : " is") +
        " within noise of it" :
      "No other checkpoint is within noise of it";
    return near + " (" + run.test + "). The highest of many noisy points overstates how good it is.";
  }

  // Opens the comparison of this best checkpoint with its run's last one (compare.js picks it up).
  function compareButton(run) {
    var button = element("button", "Compare with " + run.compare_with);
    button.type = "button";
    button.className = "button compare-last";
    button.dataset.run = run.run;
    button.dataset.step = String(run.step);
    button.title = "Compare " + run.run + " at " + run.place + " with " + run.compare_with + ", prompt by prompt";
    return button;
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
    var interval = run.interval ? " (" + run.interval + ")" : "";
    headline.appendChild(document.createTextNode(
      " \u2014 " + run.place + ": " + metric + " " + run.value.toFixed(1) + " %" + interval + "." + ties
    ));
    block.appendChild(headline);
    if (run.within_noise) { block.appendChild(element("p", noiseSentence(run))).className = "best-noise"; }
    block.appendChild(compareButton(run));
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
      .concat(metrics.map(function (name) {
        return { name: name + " (%)", id: "metric:" + name, decimals: 1,
          interval: name === best.metric ? "interval" : undefined };
      }))
      .concat([{ name: "Tied with steps", id: "ties" }]);
    var noise = best.runs.some(function (run) { return run.within_noise; });
    if (noise) { columns.push({ name: "Within noise of it", id: "noise" }); }
    var rows = best.runs.map(function (run) {
      var row = { run: run.run, step: run.step, step_label: run.final ? "final" : "", ties: run.tied_steps.join(", "),
        noise: run.within_noise ? (run.within_noise.join(", ") || "none") : "", interval: run.interval };
      run.metrics.forEach(function (pair) { row["metric:" + pair[0]] = pair[1]; });
      return row;
    });
    var box = element("div");
    box.id = "best-table";
    box.className = "table-scroll";
    panel.appendChild(box);
    var order = sort || { column: "metric:" + best.metric, descending: true };
    rb.tables.renderTable("best-table", rb.ids.BEST_SORT, columns, rb.tables.sortRows(rows, order), order);
    if (noise) {
      var tests = [];
      best.runs.forEach(function (run) { if (run.test && tests.indexOf(run.test) < 0) { tests.push(run.test); } });
      panel.appendChild(element("p", "Within noise: not significantly below the run's best (" + tests.join("; ") +
        "). The highest of many noisy points overstates how good it is.")).className = "hint";
    }
    var compare = element("p");
    compare.className = "best-compare";
    compare.appendChild(document.createTextNode("Compare a run's best, prompt by prompt: "));
    best.runs.forEach(function (run) {
      var button = compareButton(run);
      button.textContent = run.run;
      compare.appendChild(button);
    });
    panel.appendChild(compare);
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
  // components/best.py). Returns whether the panel is hidden.
  function renderBest(best, sort) {
    var panel = document.getElementById(rb.ids.BEST_PANEL);
    if (!panel) { return window.dash_clientside.no_update; }
    if (!best || !best.runs || !best.runs.length) {
      rb.turns.afterFirstPanel(function () { panel.replaceChildren(); });
      return true;
    }
    rb.turns.afterFirstPanel(function () {
      panel.replaceChildren(element("h2", "Best checkpoint by " + best.metric));
      if (best.runs.length === 1) {
        panel.appendChild(runBlock(best.runs[0], best.metric));
      } else {
        bestTable(panel, best, sort);
      }
    });
    return false;
  }


  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.rewardbench = Object.assign(window.dash_clientside.rewardbench || {}, {
    renderBest: renderBest,
  });
})();
