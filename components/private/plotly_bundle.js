// Internal: window._dashPlotlyJSURL, the URL from which dcc.Graph loads Plotly when window.Plotly is not there yet
// (dash/dcc/src/utils/LazyLoader/plotly.js). Checked with Dash 4.4.1.
//
// Plotly's basic bundle is fetched from the page's head (components/private/page.py) but run only once Dash has
// asked the server for the layout: the browser evaluates Plotly while the server answers. Should dcc.Graph get
// there first, it must load this bundle, not Dash's full one (four times the size).
(function () {
  "use strict";
  var rb = window.rewardbench;
  var link = document.getElementById("plotly-bundle");
  if (!link) {
    rb.privateHooks.report("plotly-bundle", "the page has no preloaded Plotly bundle");
    return;
  }
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
  // Once Plotly is here, Dash should not have fetched its own bundle (from the plotly package's component suite).
  rb.privateHooks.whenPlotlyArrives(function () {
    setTimeout(function () {
      var others = Array.prototype.filter.call(document.scripts, function (script) {
        return script.src.indexOf("_dash-component-suites/plotly/") >= 0;
      });
      rb.privateHooks.report("plotly-bundle", others.length ? "Dash loaded its own Plotly bundle too" : null);
    }, 0);
  });
})();
