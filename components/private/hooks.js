// Shared by the hooks in this folder (served first, with the others after it as one script: page.py): how a hook
// says that the internal it relies on is not there (once, in the console), and Plotly's arrival.
(function () {
  "use strict";
  var rb = (window.rewardbench = window.rewardbench || {});
  var warned = {};
  var waiting = [];
  var plotly = window.Plotly;

  // Records a hook's state for the canary test (tests/e2e/test_private_hooks.py) and warns once when it failed.
  function report(hook, problem) {
    rb.hooks[hook] = problem ? "missing: " + problem : "active";
    if (problem && !warned[hook]) {
      warned[hook] = true;
      console.warn("[rewardbench] the " + hook + " hook is off: " + problem + " (checked with " + rb.hooks.checked +
        "; REWARDBENCH_PRIVATE_HOOKS=off turns every hook off)");
    }
  }

  // Plotly's bundle ends with window.Plotly = Plotly, whichever script tag loaded it.
  function whenPlotlyArrives(use) {
    if (plotly) { use(plotly); return; }
    waiting.push(use);
  }

  if (!plotly) {
    Object.defineProperty(window, "Plotly", {
      configurable: true,
      enumerable: true,
      get: function () { return plotly; },
      set: function (value) {
        plotly = value;
        waiting.splice(0).forEach(function (use) { use(value); });
      },
    });
  }

  rb.hooks = { checked: document.currentScript ? document.currentScript.dataset.checked : "" };
  rb.privateHooks = { report: report, whenPlotlyArrives: whenPlotlyArrives };
})();
