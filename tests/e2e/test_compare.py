"""Comparing two checkpoints in a real browser: opened from a click on the chart and from the best-checkpoint panel,
its rows and the prompts that flipped, sorted and downloaded, and its state in the URL; on checkpoints evaluated by
RewardBench's scripts/run_rm.py (tests/rewardbench_tools.py writes its files)."""

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from tests import rewardbench_tools as tools
from tests.e2e.conftest import dashboard_server, downloaded_text

STEPS = (100, 200, 300, 400)


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    directory = tmp_path_factory.mktemp("evaluated")
    for number, step in enumerate(STEPS):
        tools.run_rm(
            directory,
            f"rm/checkpoint-{step}",
            tools.Evaluation(skill=0.6 + 0.05 * number, seed=step, difficulty_seed=1),
        )
    with dashboard_server(directory) as url:
        yield directory, url


def flipped_between(directory: Path, first: int, second: int) -> set[str]:
    scores = directory / "results/eval-set-scores/rm"
    a, b = (json.loads((scores / f"checkpoint-{step}.json").read_text()) for step in (first, second))
    return {str(i) for i, x, y in zip(a["id"], a["results"], b["results"], strict=True) if x != y}


def click_point(page, step):
    """Click the chart's Overall line at ``step`` (the one-run chart: Overall is drawn last)."""
    page.locator("#rewardbench-chart").scroll_into_view_if_needed()  # a pick scrolls to the comparison
    x, y = page.evaluate(
        """(step) => {
            const plot = document.querySelector('#rewardbench-chart .js-plotly-plot');
            const trace = plot._fullData.find(t => t.meta && t.meta.metric === 'Overall' && !t.meta.band
                                                   && !t.meta.best && !t.meta.near_best);
            const index = trace.x.indexOf(step);
            const xa = plot._fullLayout.xaxis, ya = plot._fullLayout.yaxis;
            const box = plot.querySelector('.nsewdrag').getBoundingClientRect();
            return [box.left + xa.l2p(step), box.top + ya.l2p(trace.y[index])];
        }""",
        step,
    )
    page.mouse.move(x, y)
    page.wait_for_timeout(200)
    page.mouse.click(x, y)


def test_a_click_on_the_chart_opens_the_comparison_with_the_last_checkpoint_and_a_second_changes_b(
    open_page, evaluated
):
    directory, url = evaluated
    page = open_page(url)
    click_point(page, 100)
    page.wait_for_function("() => /a=rm%40100/.test(location.search) && /b=rm%40400/.test(location.search)")
    result = page.locator("#compare-result")
    result.get_by_text("A: rm at step 100. B: rm at step 400.").wait_for()
    assert "Paired on the 2,985 prompts both were evaluated on." in result.inner_text()
    table = page.locator("#compare-table")
    overall = table.locator("tr", has=page.locator("td", has_text=re.compile("^Overall$")))
    cells = overall.locator("td").all_inner_texts()
    assert re.fullmatch(r"[+-]?\d+\.\d\n[+-]\d+\.\d–[+-]\d+\.\d", cells[4]), cells  # B - A over its interval
    assert cells[7] == "paired bootstrap"
    assert table.locator("tr.significant").count() >= 1  # 0.6 -> 0.75 of skill: Overall moves by far more than noise
    flipped = page.locator("#flipped-table")
    shown = set(flipped.locator("tbody tr td:first-child").all_inner_texts())
    assert shown == flipped_between(directory, 100, 400)
    click_point(page, 300)
    page.wait_for_function("() => /a=rm%40100/.test(location.search) && /b=rm%40300/.test(location.search)")
    result.get_by_text("A: rm at step 100. B: rm at step 300.").wait_for()
    page.wait_for_function(
        "(count) => document.querySelectorAll('#flipped-table tbody tr').length === count",
        arg=len(flipped_between(directory, 100, 300)),
    )


def test_the_flipped_prompts_sort_and_download_as_csv_with_both_margins(open_page, evaluated):
    directory, url = evaluated
    page = open_page(f"{url}/?a=rm%40200&b=rm%40300")
    page.locator("#flipped-table tbody tr").first.wait_for()
    page.locator("#flipped-table").get_by_role("button", name="A: chosen − rejected", exact=True).click()
    page.wait_for_function(
        """() => {
            const values = [...document.querySelectorAll('#flipped-table tbody tr td:nth-child(5)')]
                .map(cell => Number(cell.textContent));
            return values.length > 1 && values.every((value, i) => i === 0 || values[i - 1] <= value);
        }"""
    )
    exported = pd.read_csv(io.StringIO(downloaded_text(page, "Download the flipped prompts (CSV)")), dtype={"id": str})
    assert list(exported.columns) == [
        "id", "subset", "outcome at A (rm at step 200)", "outcome at B (rm at step 300)",
        "chosen - rejected at A (rm at step 200)", "chosen - rejected at B (rm at step 300)",
    ]  # fmt: skip
    assert set(exported["id"]) == flipped_between(directory, 200, 300)
    right_at_a = exported["outcome at A (rm at step 200)"] == 1
    assert (exported.loc[right_at_a, "chosen - rejected at A (rm at step 200)"] > 0).all()


def test_the_best_panel_compares_the_best_with_the_last_checkpoint_and_a_link_keeps_the_comparison(
    open_page, evaluated
):
    _, url = evaluated
    page = open_page(url)
    button = page.locator("#best-panel .compare-last")
    label = button.inner_text()
    assert label in ("Compare with the last checkpoint", "Compare with the first checkpoint")
    button.click()
    page.wait_for_function("() => /a=rm%40/.test(location.search) && /b=rm%40/.test(location.search)")
    page.locator("#compare-table tbody tr").first.wait_for()
    again = open_page(page.url)
    again.locator("#compare-table tbody tr").first.wait_for()
    assert again.locator("#compare-result").inner_text() == page.locator("#compare-result").inner_text()
    again.get_by_role("button", name="Swap").click()
    heading = page.locator("#compare-result strong").inner_text()
    swapped = re.sub(r"A: (.*)\. B: (.*)\.", r"A: \2. B: \1.", heading)
    again.locator("#compare-result").get_by_text(swapped).wait_for()
    again.get_by_role("button", name="Clear").click()
    again.wait_for_function("() => !/[?&]a=/.test(location.search)")
    again.wait_for_function("() => !document.querySelector('#compare-table tbody tr')")
    assert again.locator("#compare-result").inner_text() == ""


def test_checkpoints_picked_by_typing_in_the_pickers_are_compared_and_the_shipped_run_says_it_cannot_test(page):
    for picker, typed in (("#compare-a", "step 0"), ("#compare-b", "600")):
        page.locator(picker).click()
        page.keyboard.type(typed)
        page.get_by_role("option", name=f"seed-run at step {typed.split()[-1]}", exact=True).click()
    page.wait_for_function("() => /a=seed-run%400&b=seed-run%40600/.test(location.search)")
    note = page.locator("#compare-result")
    note.get_by_text("A: seed-run at step 0. B: seed-run at step 600.").wait_for()
    assert "Not paired (not both have per-prompt files) and without intervals" in note.inner_text()
    overall = page.locator("#compare-table tr", has=page.locator("td", has_text=re.compile("^Overall$")))
    assert overall.locator("td").nth(4).inner_text() == "5.0"  # 81.0 -> 86.0, and no interval under it
    assert page.locator("#flipped-table tbody tr").count() == 0
