"""Intervals in a real browser: bands, the hover, the summary, the best checkpoint's neighbours within noise, on
checkpoints evaluated by RewardBench's scripts/run_rm.py (tests/rewardbench_tools.py writes its files)."""

import re

import pytest

from tests import rewardbench_tools as tools
from tests.e2e.conftest import dashboard_server

PLOT = "document.querySelector('#rewardbench-chart .js-plotly-plot')"
BANDS = f"{PLOT}.data.filter(t => t.meta.band && t.visible === true).map(t => t.meta.metric)"
INTERVAL = re.compile(r"\d+\.\d–\d+\.\d")


@pytest.fixture(scope="module")
def evaluated_url(tmp_path_factory):
    directory = tmp_path_factory.mktemp("evaluated")
    for number, step in enumerate((100, 200, 300)):
        tools.run_rm(directory, f"rm/checkpoint-{step}", tools.Evaluation(skill=0.68 + 0.01 * number, seed=step))
    with dashboard_server(directory) as url:
        yield url


def summary_interval(page, metric="Overall", column=2):
    row = page.locator("#summary-table tr", has=page.locator("td", has_text=re.compile(f"^{metric}$")))
    return row.locator("td").nth(column).locator(".interval").inner_text()


def width(label):
    low, high = (float(part) for part in label.lstrip("≈").split("–"))
    return high - low


def test_every_line_has_its_band_and_the_hover_the_summary_and_the_best_panel_give_intervals(open_page, evaluated_url):
    page = open_page(evaluated_url)
    assert sorted(page.evaluate(BANDS)) == ["Chat", "Chat Hard", "Overall", "Reasoning", "Safety"]
    box = page.locator("#rewardbench-chart .nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator(".hoverlayer .legend").wait_for()
    hover = page.locator(".hoverlayer").text_content()
    assert re.search(r"Chat Hard : \d+\.\d% \(\d+\.\d–\d+\.\d\)", hover), hover
    assert INTERVAL.fullmatch(summary_interval(page))
    assert page.locator("#summary-table").inner_text().count("–") >= 5 * 4  # first, last, change, peak per metric
    panel = page.locator("#best-panel").inner_text()
    assert re.search(r"step \d+: Overall \d+\.\d % \(\d+\.\d–\d+\.\d\)\.", panel), panel
    assert "(paired, on the same prompts, at 95 %)" in panel and "overstates" in panel
    assert "95 % intervals: bootstrap over prompts." in page.locator("#interval-note").inner_text()


def test_bands_switch_off_and_a_higher_level_widens_every_interval_and_both_are_in_the_url(open_page, evaluated_url):
    page = open_page(evaluated_url)
    before = width(summary_interval(page))
    page.get_by_label("Shade each line's interval").uncheck()
    page.wait_for_function(f"() => {BANDS}.length === 0")
    page.get_by_label("99 %").check()
    page.wait_for_function("() => /bands=off/.test(location.search) && /level=99/.test(location.search)")
    page.wait_for_function(
        f"""() => {{
            const cell = [...document.querySelectorAll('#summary-table tr')]
                .find(row => row.cells[1] && row.cells[1].textContent === 'Overall');
            const label = cell && cell.cells[2].querySelector('.interval');
            if (!label) return false;
            const [low, high] = label.textContent.split('–').map(Number);
            return high - low > {before} + 0.5;
        }}"""
    )
    page.locator("#interval-note").get_by_text(re.compile("^99 % intervals")).wait_for()
    again = open_page(page.url)  # a shared link opens with the same choices
    assert again.get_by_label("99 %").is_checked() and not again.get_by_label("Shade each line's interval").is_checked()
    again.wait_for_function(f"() => {BANDS}.length === 0")


def test_a_run_without_intervals_says_why_and_draws_no_band(page):
    note = page.locator("#interval-note").inner_text()
    assert note.startswith("No intervals: no per-prompt outcomes and no bounds in its file")
    assert page.evaluate(BANDS) == []


@pytest.fixture(scope="module")
def referenced_url(tmp_path_factory):
    data, published = tmp_path_factory.mktemp("run"), tmp_path_factory.mktemp("published")
    for step in (100, 200):
        tools.run_rm(data, f"rm/checkpoint-{step}", tools.Evaluation(skill=0.6, seed=step))
    tools.run_rm(published, "org/published-rm", tools.Evaluation(skill=0.8, seed=7))
    with dashboard_server(data, REWARDBENCH_REFERENCES=str(published)) as url:
        yield url


REFERENCE_LINES = f"{PLOT}.layout.shapes.filter(s => s.type === 'line' && s.visible !== false).map(s => s.name)"


def test_a_published_result_is_a_line_in_the_chart_that_follows_its_metric_and_chance_comes_on_request(
    open_page, referenced_url
):
    page = open_page(referenced_url)
    assert sorted(page.evaluate(REFERENCE_LINES)) == ["ref:Chat", "ref:Chat Hard", "ref:Overall", "ref:Reasoning",
                                                       "ref:Safety"]  # fmt: skip
    assert "org/published-rm Overall" in page.locator("#rewardbench-chart .annotation").all_text_contents().__str__()
    top = page.evaluate(f"{PLOT}.layout.yaxis.range[1]")
    line = page.evaluate(f"{PLOT}.layout.shapes.find(s => s.name === 'ref:Overall' && s.type === 'line').y0")
    assert top > line  # the axis reaches the reference (the run is far below it)
    page.locator("#metric-picker").get_by_label("Overall").uncheck()
    page.wait_for_function(f"() => !{REFERENCE_LINES}.includes('ref:Overall')")
    page.get_by_label("Chance lines (50 %; RewardBench 2: 25 %)").check()
    page.wait_for_function(f"() => {REFERENCE_LINES}.includes('chance')")
    assert page.evaluate(f"{PLOT}.layout.yaxis.range[0]") < 50
