"""The best checkpoints as the page shows them: which metric is marked, and what the panel lists for each run."""

from __future__ import annotations

from dataclasses import dataclass

from components.analysis import Best, best_checkpoints
from components.figures import best_place, final_steps
from components.intervals import interval_label, unpaired_p
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


PAIRED, UNPAIRED = "paired", "approximate"


@dataclass(frozen=True)
class NearBest:
    """The checkpoints of a run whose difference from its best is not significant at the level: ``method`` says
    how that was tested (paired on the same prompts, else the approximate unpaired test from the two intervals;
    "approximate" when any pair was); ``interval`` is the best's own."""

    steps: tuple[int, ...]
    method: str
    interval: tuple[float, float, str] | None = None


def near_best(frame, bests: list[Best], intervals, level: int, paired_difference=None) -> dict[str, NearBest]:
    """For each run's best checkpoint, the checkpoints within noise of it (NearBest), for the runs whose best has
    an interval. ``paired_difference(run, step_a, run, step_b, level)`` gives the paired test where it can
    (DataProvider.paired_difference)."""
    if intervals is None or not len(intervals) or not bests:
        return {}
    alpha = 1 - level / 100
    found = {}
    for best in bests:
        line = frame[(frame["run"] == best.run) & (frame["metric"] == best.metric)].dropna(subset=["value"])
        own = intervals[(intervals["run"] == best.run) & (intervals["metric"] == best.metric)]
        by_step = dict(zip(own["step"].tolist(), zip(own["lo"], own["hi"], own["kind"], strict=True), strict=True))
        if best.step not in by_step:
            continue
        steps, methods = [], set()
        for step, value in zip(line["step"].tolist(), line["value"].tolist(), strict=True):
            if step == best.step:
                continue
            paired = paired_difference(best.run, step, best.run, best.step, level) if paired_difference else None
            if paired and best.metric in paired:
                p, method = paired[best.metric][2], PAIRED
            elif step in by_step:
                p = unpaired_p(best.value, by_step[best.step][:2], value, by_step[step][:2], level)
                method = UNPAIRED
            else:
                continue
            methods.add(method)
            if p >= alpha:
                steps.append(step)
        method = UNPAIRED if UNPAIRED in methods else PAIRED
        found[best.run] = NearBest(tuple(steps), method, by_step[best.step])
    return found


def best_panel_data(frame, bests: list[Best], near: dict[str, NearBest] | None = None, level: int = 95) -> dict:
    """What the best-checkpoint panel lists for each run: the step, its value (and interval), tied steps, the steps
    within noise of it (``near``: near_best), and every metric (and subset) at that step. The browser draws it
    (assets/dashboard/best.js, renderBest): as components, a hundred runs' panels took seconds to mount."""
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
                # What the panel's button compares the best with (components/features/compare.py picked).
                "compare_with": f"the {'first' if best.step == rows_of_run['step'].max() else 'last'} checkpoint",
                **_near_fields(near.get(best.run) if near else None, level),
                "metrics": [[m, float(values[m])] for m in headline],
                "subsets": [
                    [f"{parent} subsets", [[s, float(values[s])] for s in names]]
                    for parent in DETAIL_PARENTS
                    if (names := subsets_of(parent, values))
                ],
            }
        )
    return {"metric": bests[0].metric, "runs": listed, "level": level}


def _near_fields(near: NearBest | None, level: int) -> dict:
    if near is None:
        return {}
    return {
        "interval": interval_label(*near.interval),
        "within_noise": list(near.steps),
        "test": (
            f"paired, on the same prompts, at {level} %"
            if near.method == PAIRED
            else f"approximate, from the checkpoints' intervals, at {level} %"
        ),
    }


def near_best_steps(frame, view: View, metric: str | None, intervals, level: int, paired_difference=None) -> dict:
    """The chart's rings: run -> the steps within noise of its best by ``metric``."""
    near = near_best(frame, best_rows(frame, view, metric), intervals, level, paired_difference)
    return {run: found.steps for run, found in near.items() if found.steps}
