// Small fixes to Dash's controls for keyboard and screen-reader users.
(function () {
  "use strict";
  var rb = (window.rewardbench = window.rewardbench || {});

  // Dash's slider number boxes apply a typed value only when they lose focus; Enter should apply it too.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.classList && target.classList.contains("dash-range-slider-input")) {
      target.blur();
    }
  });

  // Dash's sliders render their number boxes and handles without names; give each a name to be read out.
  function sliderNames() {
    var names = {};
    names[rb.ids.STEP_SLIDER] = ["First training step shown", "Last training step shown"];
    names[rb.ids.EMA_WEIGHT] = ["Smoothing weight"];
    names[rb.ids.MA_WINDOW] = ["Moving average window, in checkpoints"];
    return names;
  }

  function nameSliderParts() {
    if (!rb.ids) { return; }  // the page's scripts are still loading (ids.js comes after this file)
    var names = sliderNames();
    Object.keys(names).forEach(function (id) {
      var root = document.getElementById(id);
      if (!root) { return; }
      root.querySelectorAll("input[type=number]").forEach(function (input, i) {
        if (!input.getAttribute("aria-label")) { input.setAttribute("aria-label", names[id][i % names[id].length]); }
      });
      root.querySelectorAll("[role=slider]").forEach(function (thumb, i) {
        if (!thumb.getAttribute("aria-label")) { thumb.setAttribute("aria-label", names[id][i % names[id].length]); }
      });
    });
  }

  new MutationObserver(nameSliderParts).observe(document.documentElement, { childList: true, subtree: true });
})();
