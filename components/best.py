"""The best checkpoints as the page shows them: which metric is marked, and what the panel lists for each run."""

from __future__ import annotations

from components.analysis import Best, best_checkpoints
from components.figures import best_place, final_steps
from components.metrics import DETAIL_PARENTS, main_metrics, subsets_of
from components.view import View


def best_metric_choice(options: list[str], current: str | None) -> str | None:
    """The metric whose best checkpoint is marked: the user's choice (None: no marker) while the shown runs have
    it, else Overall, else the first metric."""
    if current is None or current in options:
        return current
    return "Overall" if "Overall" in options else (options[0] if options else None)


def best_rows(frame, view: View, best_metric: str | None) -> list[Best]:
    """The best checkpoint of each shown run by ``best_metric`` (none when the runs lack it)."""
    return best_checkpoints(frame, view.runs, best_metric) if best_metric in view.metrics else []


def best_panel_data(frame, bests: list[Best]) -> dict:
    """What the best-checkpoint panel lists for each run: the step, its value, tied steps, and every metric (and
    subset) at that step. The browser draws it (assets/dashboard/best.js, renderBest): as components, a hundred runs'
    panels took seconds to mount."""
    if not bests:
        return {"metric": None, "runs": []}
    runs = {best.run for best in bests}
    by_run = dict(list(frame[frame["run"].isin(runs)].groupby("run", sort=False, observed=True)))
    finals = final_steps(frame, runs)
    listed = []
    for best in bests:
        rows_of_run = by_run[best.run]
        at_step = rows_of_run[rows_of_run["step"] == best.step].dropna(subset=["value"])
        values = dict(zip(at_step["metric"], at_step["value"], strict=True))
        headline = [m for m in main_metrics(values) if m in values]
        listed.append(
            {
                "run": best.run,
                "step": best.step,
                "final": finals.get(best.run) == best.step,
                "place": best_place(best, finals),
                "value": best.value,
                "tied_steps": list(best.tied_steps),
                "metrics": [[m, float(values[m])] for m in headline],
                "subsets": [
                    [f"{parent} subsets", [[s, float(values[s])] for s in names]]
                    for parent in DETAIL_PARENTS
                    if (names := subsets_of(parent, values))
                ],
            }
        )
    return {"metric": bests[0].metric, "runs": listed}
