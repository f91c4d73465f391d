// Internal: dcc.Graph's drawing part is a React.lazy component behind two wrappers (dash/dcc/src/components/
// Graph.react.js renders ControlledPlotlyGraph, which renders the lazy RealGraph), resolved by calling the lazy
// component's _init with its _payload (React 18's lazy, react/src/ReactLazy.js). Checked with Dash 4.4.1 and
// React 18.3.1.
//
// Left to React, the lazy part is resolved during the layout's first render and mounted one render later, after
// Dash's first callbacks (tables, URL, theme: 0.1-0.25 s for twenty runs). Resolved as soon as Plotly is here, the
// chart mounts with the layout. Should the wrappers change shape, React resolves it as before, and this says so.
(function () {
  "use strict";
  var rb = window.rewardbench;

  function resolveGraphEarly() {
    try {
      var wrapper = new window.dash_core_components.Graph({}).render().type;
      var lazy = wrapper.type({}).props.children.type;
      lazy._init(lazy._payload);
    } catch (thrown) {
      // A lazy component still loading throws the promise it waits for: that is its usual shape.
      var pending = thrown && typeof thrown.then === "function";
      rb.privateHooks.report("graph-early", pending ? null : "dcc.Graph's parts have another shape (" + thrown + ")");
      return;
    }
    rb.privateHooks.report("graph-early", null);
  }

  rb.privateHooks.whenPlotlyArrives(resolveGraphEarly);
})();
