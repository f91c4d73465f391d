// The theme: applied to the page at once, and put into the view (components/features/theme.py) for the chart.
(function () {
  "use strict";
  var rb = (window.rewardbench = window.rewardbench || {});

  function effectiveTheme(choice) {
    if (choice === "light" || choice === "dark") { return choice; }
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    return dark ? "dark" : "light";
  }

  // Returns the view's correction; the view's owner leaves an unchanged theme unchanged.
  function applyTheme(choice) {
    var theme = effectiveTheme(choice);
    document.documentElement.dataset.theme = theme;
    return { patch: { theme: theme } };
  }

  // "System" follows the operating system's setting while the page is open, too.
  if (window.matchMedia) {
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function () {
      var checked = document.querySelector("#" + rb.ids.THEME_CHOICE + " input:checked");
      if (checked && checked.value === "auto") {
        window.dash_clientside.set_props({ type: rb.ids.VIEW_FIX, source: "theme" }, { data: applyTheme("auto") });
      }
    });
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.rewardbench = Object.assign(window.dash_clientside.rewardbench || {}, {
    applyTheme: applyTheme,
  });
})();
