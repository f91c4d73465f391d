// The view state's owner (components/features/url.py): the one place that writes the view, the controls that show
// it and the URL that shares it. Its fields, defaults, ranges and URL names come from the schema the server hands
// over (components/viewstate.py); nothing here names a field.
(function () {
  "use strict";
  var rb = (window.rewardbench = window.rewardbench || {});

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function isNumber(value) {
    return typeof value === "number" && isFinite(value);
  }

  // The rule of Field.accepts in components/viewstate.py (tests/e2e/test_browser_rules.py runs both on shared
  // cases). Lengths count characters as Python does, not UTF-16 units.
  function accepts(field, value) {
    switch (field.kind) {
      case "list":
        return Array.isArray(value) && value.every(function (item) { return typeof item === "string"; });
      case "text":
        return typeof value === "string" && Array.from(value).length <= (field.max_length || Infinity);
      case "range":
        return Array.isArray(value) && value.length === 2 && value.every(isNumber) && value[0] <= value[1];
      case "choice":
        return field.choices.some(function (choice) { return same(choice[1], value); });
      case "number":
        if (!isNumber(value) || value < field.low || value > field.high) { return false; }
        var steps = (value - field.low) / field.step;
        return Math.abs(steps - Math.round(steps)) < 1e-6;
      default:
        return value === null || typeof value === "string";
    }
  }

  function optionValues(options) {
    return (options || []).map(function (option) {
      return option && option.value !== undefined ? option.value : option;
    });
  }

  // A field's value as a link gives it; undefined when the link does not give one that fits.
  function decodeField(field, params, known) {
    if (!params.has(field.param)) { return undefined; }
    var all = params.getAll(field.param);
    var one = params.get(field.param);
    var options = known[field.known] || [];
    if (field.kind === "list") {
      if (field.none && all.length === 1 && all[0] === field.none) { return []; }
      var kept = all.filter(function (item) { return options.indexOf(item) >= 0; });
      return kept.length ? kept : undefined;
    }
    if (field.kind === "metric-or-none") {
      if (field.none && one === field.none) { return null; }
      return options.indexOf(one) >= 0 ? one : undefined;
    }
    var value = one;
    if (field.kind === "range") {
      var ends = /^(\d+)-(\d+)$/.exec(one);
      value = ends ? [Number(ends[1]), Number(ends[2])] : undefined;
    } else if (field.kind === "choice") {
      var choice = field.choices.filter(function (each) { return each[0] === one; })[0];
      value = choice ? choice[1] : undefined;
    } else if (field.kind === "number") {
      value = /^\d+(\.\d+)?$/.test(one) ? Number(one) : undefined;
    }
    return value !== undefined && accepts(field, value) ? value : undefined;
  }

  // The view a query string shows: each field the link gives, else the fallback's value.
  function decode(schema, search, known, fallback) {
    var params = new URLSearchParams(search || "");
    var view = {};
    schema.forEach(function (field) {
      var value = field.param ? decodeField(field, params, known) : undefined;
      view[field.key] = value === undefined ? fallback[field.key] : value;
    });
    return view;
  }

  // The query string that shares a view: values that depend on the data always, a setting only when it differs
  // from its default, and a setting of one mode only while that mode is chosen.
  function encode(schema, view) {
    var params = new URLSearchParams();
    schema.forEach(function (field) {
      var value = view[field.key];
      if (!field.param) { return; }
      if (field.only_with && !same(view[field.only_with[0]], field.only_with[1])) { return; }
      if (field.kind === "list") {
        if (value && value.length) {
          value.forEach(function (item) { params.append(field.param, item); });
        } else if (field.none) {
          params.set(field.param, field.none);
        }
      } else if (field.kind === "metric-or-none") {
        params.set(field.param, value === null || value === undefined ? field.none : value);
      } else if (field.kind === "range") {
        if (value) { params.set(field.param, Math.round(value[0]) + "-" + Math.round(value[1])); }
      } else if (field.only_with || !same(value, field.default)) {
        if (field.kind === "choice") {
          var choice = field.choices.filter(function (each) { return same(each[1], value); })[0];
          if (choice) { params.set(field.param, choice[0]); }
        } else if (value !== null && value !== undefined && value !== "") {
          params.set(field.param, String(value));
        }
      }
    });
    return "?" + params.toString();
  }

  // What a field falls back to when a link (or Back to the first page) does not give it: every run, every metric,
  // every step, or the field's default.
  function defaults(schema, known, bounds) {
    var view = {};
    schema.forEach(function (field) {
      if (field.kind === "list") {
        view[field.key] = (known[field.known] || []).slice();
      } else if (field.kind === "range") {
        view[field.key] = bounds;
      } else {
        view[field.key] = field.default === undefined ? null : field.default;
      }
    });
    return view;
  }

  // A component id as Dash writes it in prop ids: a pattern-matching id as JSON with its keys in order.
  function idString(id) {
    if (typeof id === "string") { return id; }
    var sorted = {};
    Object.keys(id).sort().forEach(function (key) { sorted[key] = id[key]; });
    return JSON.stringify(sorted);
  }

  function byId(entries) {
    var values = {};
    (entries || []).forEach(function (entry) {
      if (!Array.isArray(entry)) { values[entry.id + "." + entry.property] = entry.value; }
    });
    return values;
  }

  function syncView() {
    var context = window.dash_clientside.callback_context;
    var inputs = byId(context.inputs_list);
    var states = byId(context.states_list);
    var schema = states[rb.ids.VIEW_SCHEMA + ".data"] || [];
    var previous = states[rb.ids.VIEW + ".data"] || {};
    var known = {
      runs: optionValues(states[rb.ids.RUN_PICKER + ".options"]),
      metrics: optionValues(states[rb.ids.METRIC_PICKER + ".options"]),
    };
    var bounds = [states[rb.ids.STEP_SLIDER + ".min"], states[rb.ids.STEP_SLIDER + ".max"]];
    var search = inputs[rb.ids.URL + ".search"];
    var triggered = (context.triggered || []).map(function (item) { return item.prop_id; });
    var first = !triggered.length || triggered[0] === ".";
    var view = Object.assign({}, previous);
    var fromUrl = false;

    if (first || triggered.indexOf(rb.ids.URL + ".search") >= 0) {
      // A page opened from a link keeps what the link does not say as the server drew it; Back and Forward
      // restore every field, the ones the link leaves out to their defaults.
      if (first && !search) { return unchanged(context); }
      view = decode(schema, search, known, first ? previous : defaults(schema, known, bounds));
      fromUrl = true;
    }
    schema.forEach(function (field) {
      if (field.control && triggered.indexOf(field.control + ".value") >= 0 && !fromUrl) {
        view[field.key] = inputs[field.control + ".value"];
      }
    });
    var fixes = inputsOf(context, "data").filter(function (entry) {
      return entry.id.type === rb.ids.VIEW_FIX && triggered.indexOf(idString(entry.id) + ".data") >= 0 && entry.value;
    });
    fixes.forEach(function (entry) {
      var drawnFor = entry.value.for || {};
      var current = Object.keys(drawnFor).every(function (key) { return same(drawnFor[key], previous[key]); });
      if (current) { Object.assign(view, entry.value.patch); }
    });
    var metricsField = schema.filter(function (field) { return field.control === rb.ids.METRIC_PICKER; })[0];
    if (metricsField) {
      if (triggered.indexOf(rb.ids.ALL_METRICS_BUTTON + ".n_clicks") >= 0) { view[metricsField.key] = known.metrics; }
      if (triggered.indexOf(rb.ids.NO_METRICS_BUTTON + ".n_clicks") >= 0) { view[metricsField.key] = []; }
      var restyle = triggered.filter(function (prop) { return /restyleData$/.test(prop); })[0];
      var figure = (statesOf(context, "figure")[0] || {}).value;
      if (restyle && figure && figure.layout && figure.layout.meta && figure.layout.meta.view === "lines") {
        var restyleData = (inputsOf(context, "restyleData")[0] || {}).value;
        var shown = rb.lines.shownAfterRestyle(figure.data, restyleData);
        if (shown) { view[metricsField.key] = known.metrics.filter(function (m) { return shown.indexOf(m) >= 0; }); }
      }
    }
    return outputs(context, schema, previous, view, search, fromUrl);
  }

  function partOf(schema, view, reader) {
    var part = {};
    schema.forEach(function (field) {
      if ((field.readers || []).indexOf(reader) >= 0) { part[field.key] = view[field.key]; }
    });
    return part;
  }

  // The entries of a pattern-matching input or state for a property (the chart's panels).
  function inputsOf(context, property) {
    return [].concat.apply([], context.inputs_list.filter(Array.isArray)).filter(function (entry) {
      return entry.property === property;
    });
  }

  function statesOf(context, property) {
    return [].concat.apply([], context.states_list.filter(Array.isArray)).filter(function (entry) {
      return entry.property === property;
    });
  }

  function unchanged(context) {
    var nc = window.dash_clientside.no_update;
    return context.outputs_list.map(function (output) {
      return Array.isArray(output) ? output.map(function () { return nc; }) : nc;
    });
  }

  // The view, the URL (unless the URL is what changed), the parts of the view each reader depends on (only those
  // that changed: a server callback is sent only for its part), and each control whose value is not the view's.
  function outputs(context, schema, previous, view, search, fromUrl) {
    var nc = window.dash_clientside.no_update;
    var encoded = encode(schema, view);
    return context.outputs_list.map(function (output) {
      if (Array.isArray(output)) {
        return output.map(function (part) {
          var now = partOf(schema, view, part.id.reader);
          return same(now, partOf(schema, previous, part.id.reader)) ? nc : now;
        });
      }
      if (output.id === rb.ids.VIEW) { return same(view, previous) ? nc : view; }
      if (output.id === rb.ids.URL) { return fromUrl || encoded === search ? nc : encoded; }
      var field = schema.filter(function (each) { return each.control === output.id; })[0];
      if (!field) { return nc; }
      var value = view[field.key];
      var shown = context.inputs_list.filter(function (entry) {
        return !Array.isArray(entry) && entry.id === output.id && entry.property === "value";
      })[0];
      return shown && same(shown.value, value) ? nc : value;
    });
  }

  rb.view = { accepts: accepts, decode: decode, encode: encode, defaults: defaults, idString: idString };
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.rewardbench = Object.assign(window.dash_clientside.rewardbench || {}, {
    syncView: syncView,
  });
})();
