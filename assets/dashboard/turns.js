// The order of a new page's first drawings. The chart's panels take turns, one per frame, in page order (Overall
// first), the legend of runs right after the first panel, then the tables, then the other panels: done in one go,
// none of them would be on screen before the last was done (seconds for a hundred runs). The panels join the queue
// through a hook on Plotly (components/private/plotly_react.js); without it everything is drawn at once.
(function () {
  "use strict";
  var rb = (window.rewardbench = window.rewardbench || {});

  var TABLES_AT_THE_LATEST_MS = 10000;
  var turns = [];
  var turnTaken = false;
  var firstPanelDrawn = false;

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

  // A drawing that throws becomes a rejected promise: the queue goes on to the next one either way.
  function attempt(work) {
    return new Promise(function (resolve) { resolve(work()); });
  }

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

  // Work on the page's tables. A new page does it after the chart's first panel is on screen (the summary of twenty
  // runs is a hundred rows to lay out), or after a while should Plotly never draw; from then on at once, so that
  // the rows come with their pager's label, which Dash shows from the same callback's return.
  function afterFirstPanel(work) {
    if (!rb.turns.panelsTakeTurns || firstPanelDrawn || !document.querySelector("#" + rb.ids.CHART + " .panel-box")) {
      work();
      return;
    }
    var done = false;
    var once = function () {
      if (!done) { done = true; work(); }
    };
    inTurn(rb.turns.TABLES, once, false);
    setTimeout(once, TABLES_AT_THE_LATEST_MS);
  }

  rb.turns = {
    LEGEND: 0,
    TABLES: 1,
    PANEL: 2,
    panelsTakeTurns: false,  // set by the hook that queues the panels' first drawings
    inTurn: inTurn,
    afterFirstPanel: afterFirstPanel,
    firstPanelDrawn: function () { firstPanelDrawn = true; },
  };
})();
