"""Many runs in a real browser: pick runs, panels per metric, regex filter, upload, live reload."""

import json
import shutil

import pytest

from tests.e2e.conftest import dashboard_server, downloaded_text
from tests.support import REPO

FIXTURES = REPO / "tests" / "fixtures"
PLOT = "document.querySelector('#rewardbench-chart .js-plotly-plot')"
# With several runs: a plot per metric panel, and the legend of runs in a plot of its own.
PANEL_PLOTS = "[...document.querySelectorAll('#rewardbench-chart .panel-box:not([hidden]) .js-plotly-plot')]"
# The panels are drawn one per frame: every shown panel box holds a drawn plot.
PANELS_DRAWN = (
    "[...document.querySelectorAll('#rewardbench-chart .panel-box:not([hidden])')]"
    ".every(box => box.querySelector('.js-plotly-plot'))"
)
LEGEND = "document.querySelector('#rewardbench-chart .run-legend .js-plotly-plot')"
LEGEND_RUNS = f"({LEGEND} ? {LEGEND}.data.map(t => t.name).join() : '')"


@pytest.fixture(scope="module")
def runs_url(tmp_path_factory, runs_dir):
    runs = tmp_path_factory.mktemp("data") / "runs"
    shutil.copytree(runs_dir, runs)
    shutil.copy(FIXTURES / "bad" / "not-a-number.csv", runs)
    with dashboard_server(runs) as url:
        yield url


def panels(page):
    """The panels shown, each with the runs drawn in it, and the runs the legend lists."""
    page.wait_for_function(f"() => {PANELS_DRAWN}")
    return page.evaluate(
        f"""() => {{
            const shown = {{}};
            {PANEL_PLOTS}.forEach(gd => {{
                const metric = gd.layout.meta.panels[0];
                shown[metric] = gd._fullData.filter(t => !t.meta.best && t.visible === true).map(t => t.meta.run);
            }});
            return {{shown: shown, legend: {LEGEND}.data.map(t => t.name)}};
        }}"""
    )


def pick_runs(page, *names):
    page.click("#run-picker")
    page.get_by_role("button", name="Deselect All").click()
    for name in names:
        page.locator(".dash-dropdown-option", has_text=name).first.click()
    page.keyboard.press("Escape")


def choose(page, dropdown, option):
    page.click(dropdown)
    page.locator(".dash-dropdown-option", has_text=option).first.click()


def changed_props(request) -> list[str]:
    """What set off a Dash callback request (none for other requests)."""
    if "_dash-update-component" not in request.url:
        return []
    return json.loads(request.post_data or "{}").get("changedPropIds", [])


def wait_until(page, condition_js):
    """Until every shown panel is drawn and ``condition_js`` holds (``gd`` is the first plot)."""
    page.wait_for_function(
        f"() => {{ if (!({PANELS_DRAWN})) return false; const gd = {PLOT}; return Boolean(gd) && ({condition_js}); }}",
        timeout=15_000,
    )


# Records each panel's first drawing, and the summary table's, with the number of frames the page had shown by then.
RECORD_PANEL_DRAWINGS = """
window.panelDrawings = [];
window.summaryDrawn = null;
let frames = 0;
const count = () => { frames += 1; requestAnimationFrame(count); };
requestAnimationFrame(count);
new MutationObserver(() => {
    document.querySelectorAll('#rewardbench-chart .panel-box .js-plotly-plot').forEach(gd => {
        const metric = JSON.parse(gd.closest('.panel-box').id).metric;
        if (!window.panelDrawings.some(([drawn]) => drawn === metric)) window.panelDrawings.push([metric, frames]);
        if (window.themeAtFirstPanel === undefined) {
            window.themeAtFirstPanel = document.documentElement.dataset.theme || null;
        }
    });
    if (window.summaryDrawn === null && document.querySelector('#summary-table table')) window.summaryDrawn = frames;
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['class']});
"""


def test_a_new_chart_shows_its_panels_one_frame_after_another_overall_first(browser, runs_url):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.add_init_script(RECORD_PANEL_DRAWINGS)
    page = context.new_page()
    page.goto(runs_url)
    page.wait_for_function(f"() => {PANELS_DRAWN} && {PANEL_PLOTS}.length > 1")
    drawings = page.evaluate("window.panelDrawings")
    summary_drawn = page.evaluate("window.summaryDrawn")
    theme_at_first_panel = page.evaluate("window.themeAtFirstPanel")
    page.wait_for_function("() => document.documentElement.dataset.theme === 'light'")
    boxes = page.locator("#rewardbench-chart .panel-box").count()
    context.close()
    assert [metric for metric, _ in drawings][:2] == ["Overall", "Chat"] and len(drawings) == boxes
    frames = [frame for _, frame in drawings]
    assert frames == sorted(set(frames))  # strictly later: a frame was shown between each two
    # The tables below the chart are built once the first panel is on screen, not after every panel.
    assert frames[0] < summary_drawn < frames[-1]
    # The first panel is drawn with the page's first render, before Dash's first callbacks (the theme's among them).
    assert theme_at_first_panel is None


def test_picking_two_runs_shows_a_panel_per_metric_with_both(open_page, runs_url):
    page = open_page(runs_url)
    pick_runs(page, "wide", "evals")
    wait_until(page, f"{LEGEND_RUNS} === 'evals,wide'")
    state = panels(page)
    assert list(state["shown"]) == ["Overall", "Chat", "Chat Hard", "Safety", "Reasoning"]
    assert all(sorted(runs) == ["evals", "wide"] for runs in state["shown"].values())
    assert page.locator("#rewardbench-chart .chart-title").text_content() == "RewardBench over training: 2 runs"
    assert page.locator("#metric-picker .swatch").count() == 0  # a colour is a run here, not a metric

    page.get_by_label("Safety").uncheck()
    wait_until(page, f"{PANEL_PLOTS}.length === 4")
    assert list(panels(page)["shown"]) == ["Overall", "Chat", "Chat Hard", "Reasoning"]

    box = page.locator("#step-range .dash-range-slider-min-input")
    box.fill("100")
    box.press("Enter")
    wait_until(
        page, f"{PANEL_PLOTS}.every(p => p._fullLayout.xaxis.range[0] > 90 && p._fullLayout.xaxis.range[0] < 100)"
    )
    assert "Safety" not in panels(page)["shown"]  # zooming keeps the hidden panel hidden

    page.get_by_label("Safety").check()
    wait_until(page, f"{PANEL_PLOTS}.length === 5")
    safety = page.evaluate(f"() => {PANEL_PLOTS}[3]._fullLayout.xaxis.range[0]")
    assert 90 < safety < 100  # the panel that was hidden shows the same steps as the others


def test_a_step_range_change_redraws_the_axes_and_lines_without_working_out_the_traces_again(open_page, runs_url):
    page = open_page(runs_url)
    pick_runs(page, "wide", "evals")
    wait_until(page, f"{LEGEND_RUNS} === 'evals,wide'")
    page.wait_for_timeout(500)  # dcc.Graph fits each new panel to its box a moment after drawing it
    # Plotly.react builds a panel's traces anew (_fullData) even when only the axes changed; a zoom need not.
    page.evaluate(f"() => {PANEL_PLOTS}.forEach(gd => {{ gd.tracesBeforeZoom = gd._fullData[0]; }})")
    changes = []
    page.on("request", lambda request: changes.extend(changed_props(request)))
    box = page.locator("#step-range .dash-range-slider-min-input")
    box.fill("100")
    box.press("Enter")
    wait_until(page, f"{PANEL_PLOTS}.every(p => p._fullLayout.xaxis.range[0] > 90 && p._fullLayout.yaxis.range[0] > 0)")
    page.wait_for_timeout(500)
    assert page.evaluate(f"() => {PANEL_PLOTS}.every(gd => gd._fullData[0] === gd.tracesBeforeZoom)")
    lines = page.evaluate(f"() => {PANEL_PLOTS}.map(gd => gd.querySelectorAll('.scatterlayer path.js-line').length)")
    assert all(count >= 2 for count in lines)  # both runs' lines still drawn
    # The redraw is not taken for a zoom of the user's: no second round trip for the chart.
    assert '{"reader":"chart","type":"view-part"}.data' in changes
    assert not [prop for prop in changes if prop.startswith("zoom-event") or "relayoutData" in prop]

    page.get_by_label("Exponential (TensorBoard)").check()  # a change beyond the axes still redraws the lines
    wait_until(page, f"{PANEL_PLOTS}.every(p => p._fullData.some(t => t.meta.raw))")
    ranges = page.evaluate(f"() => {PANEL_PLOTS}.map(p => p._fullLayout.xaxis.range[0])")
    assert all(90 < low < 100 for low in ranges)  # and keeps the zoom


def test_a_zoom_dragged_on_one_panel_zooms_them_all_and_moves_the_slider(open_page, runs_url):
    page = open_page(runs_url)
    pick_runs(page, "wide", "evals")
    wait_until(page, f"{LEGEND_RUNS} === 'evals,wide'")
    drag = page.locator("#rewardbench-chart .panel-box .nsewdrag").nth(2).bounding_box()
    page.mouse.move(drag["x"] + drag["width"] * 0.25, drag["y"] + 20)
    page.mouse.down()
    page.mouse.move(drag["x"] + drag["width"] * 0.75, drag["y"] + 40, steps=5)
    page.mouse.up()
    wait_until(page, f"{PANEL_PLOTS}.every(p => p._fullLayout.xaxis.range[0] > 20)")
    ranges = page.evaluate(f"() => {PANEL_PLOTS}.map(p => p._fullLayout.xaxis.range.map(Math.round))")
    assert len(ranges) == 5 and all(each == ranges[2] for each in ranges)
    low = page.locator("#step-range .dash-range-slider-min-input")
    page.wait_for_function("([box, low]) => Number(box.value) === low", arg=[low.element_handle(), ranges[2][0]])


def test_a_run_clicked_in_the_legend_is_hidden_in_every_panel_until_clicked_again(open_page, runs_url):
    page = open_page(runs_url)
    pick_runs(page, "wide", "evals")
    wait_until(page, f"{LEGEND_RUNS} === 'evals,wide'")
    safety_y = f"() => {PANEL_PLOTS}.find(p => p.layout.meta.panels[0] === 'Safety')._fullLayout.yaxis.range[0]"
    before = page.evaluate(safety_y)
    page.locator("#rewardbench-chart .run-legend .legend .traces", has_text="evals").click()
    wait_until(page, f"{PANEL_PLOTS}.every(p => !p._fullData.some(t => t.meta.run === 'evals' && t.visible === true))")
    assert all(runs == ["wide"] for runs in panels(page)["shown"].values())
    page.wait_for_function(f"() => ({safety_y})() > {before}")  # evals' lower Safety no longer stretches the axis

    page.get_by_label("Exponential (TensorBoard)").check()  # a redraw from the server keeps it hidden
    wait_until(page, f"{PANEL_PLOTS}.every(p => p._fullData.some(t => t.meta.raw))")
    assert all(set(runs) == {"wide"} for runs in panels(page)["shown"].values())
    hidden = page.evaluate(f"() => {LEGEND}._fullData.filter(t => t.visible === 'legendonly').map(t => t.name)")
    assert hidden == ["evals"]

    page.locator("#rewardbench-chart .run-legend .legend .traces", has_text="evals").click()
    wait_until(
        page, f"{PANEL_PLOTS}.every(p => p._fullData.filter(t => t.visible === true && !t.meta.raw).length >= 2)"
    )
    assert all(sorted(set(runs)) == ["evals", "wide"] for runs in panels(page)["shown"].values())


def best_table(page):
    """The best-checkpoint table as read: the header and each row's cells."""
    return page.evaluate(
        """() => {
            const table = document.querySelector('#best-table table');
            const text = cells => [...cells].map(cell => cell.innerText.replace(/[\u25b2\u25bc]/g, '').trim());
            return {
                header: text(table.querySelectorAll('th')),
                rows: [...table.querySelectorAll('tbody tr')].map(row => text(row.children)),
            };
        }"""
    )


def test_several_runs_list_their_best_checkpoints_in_one_table_best_first(open_page, runs_url):
    page = open_page(runs_url)
    page.locator("#best-table table").wait_for()
    table = best_table(page)
    assert table["header"][:2] == ["Run", "Best step"] and "Overall (%)" in table["header"]
    # A best value's interval is under it, on a line of its own.
    overall = [float(row[table["header"].index("Overall (%)")].split("\n")[0]) for row in table["rows"]]
    assert overall == sorted(overall, reverse=True) and len(overall) >= 2
    runs = [row[0] for row in table["rows"]]
    assert {"cli-steps", "rm-checkpoints"} <= set(runs)

    page.locator("#best-panel").get_by_role("button", name="Run").click()
    page.wait_for_function("() => document.querySelector('#best-panel th[aria-sort=ascending]')")
    assert [row[0] for row in best_table(page)["rows"]] == sorted(runs)
    page.locator("#best-panel").get_by_text("rm-checkpoints: subsets at step 300").click()
    assert page.locator("#best-panel details[open] h3").first.inner_text() == "Chat subsets"


def test_hovering_a_panel_shows_every_selected_run(open_page, runs_url):
    page = open_page(runs_url)
    pick_runs(page, "wide", "evals")
    wait_until(page, f"{LEGEND_RUNS} === 'evals,wide'")
    x, y = page.evaluate(
        f"""() => {{
            const gd = {PANEL_PLOTS}.find(p => p.layout.meta.panels[0] === 'Chat');
            const box = gd.getBoundingClientRect();
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            return [box.left + xa._offset + xa.l2p(100), box.top + ya._offset + ya._length / 2];
        }}"""
    )
    page.mouse.move(x, y)
    label = page.locator("#rewardbench-chart .hoverlayer .legend")
    label.wait_for()
    text = label.text_content()
    assert "evals : 84.5% (step 100)" in text and "wide : 84.0% (step 100)" in text


def test_the_regex_filter_narrows_the_shown_runs_and_reports_a_bad_pattern(open_page, runs_url):
    page = open_page(runs_url)
    page.fill("#run-filter", "^long-")
    wait_until(page, f"{LEGEND_RUNS} === 'long-a,long-b'")
    page.fill("#run-filter", "long-(")
    page.locator("#run-filter-message", has_text="is not a valid regular expression").wait_for()


def test_unreadable_files_are_listed_and_the_rest_is_shown(open_page, runs_url):
    page = open_page(runs_url)
    problems = page.locator("#data-problems")
    assert "not-a-number.csv line 3: column Chat: not a number" in problems.text_content()
    chart = page.locator("#rewardbench-chart").bounding_box()
    assert problems.bounding_box()["y"] + problems.bounding_box()["height"] <= chart["y"]  # read first, above the chart
    page.wait_for_function(f"() => {LEGEND_RUNS}.split(',').length === 8")  # the legend of every readable run


def test_a_section_opens_to_show_its_subsets(open_page, runs_url):
    page = open_page(runs_url)
    pick_runs(page, "rm-checkpoints")
    wait_until(page, "gd.layout.meta.view === 'lines'")
    choose(page, "#section-picker", "Chat Hard")
    page.wait_for_function(
        "() => { const g = document.querySelector('#subset-chart .js-plotly-plot');"
        " return g && g.data && g.data.filter(t => !t.meta.band).length === 6; }"
    )
    lines = "document.querySelector('#subset-chart .js-plotly-plot').data"
    names = page.evaluate(f"() => {lines}.filter(t => !t.meta.band).map(t => t.name)")
    assert names[0] == "mt-bench-hard" and "llmbar-adver-manual" in names
    # Each subset's interval, from the per-prompt files run_rm.py wrote beside the summaries.
    assert page.evaluate(f"() => {lines}.filter(t => t.meta.band).length") == 6


def chart_signature(page):
    return page.evaluate(f"() => JSON.stringify({PANEL_PLOTS}.map(p => p.data.map(t => [t.name, t.y])))")


def test_uploading_a_file_adds_its_run_and_a_broken_file_changes_nothing(open_page, runs_url, tmp_path):
    page = open_page(runs_url)
    pick_runs(page, "wide")
    wait_until(page, "gd.layout.meta.view === 'lines'")
    good = tmp_path / "my-upload.jsonl"
    good.write_text('{"step": 0, "Chat": 70.5}\n{"step": 100, "Chat": 75.25}\n')
    page.set_input_files("#upload input[type=file]", str(good))
    page.locator("#upload-message", has_text="Added my-upload (2 checkpoints)").wait_for()
    wait_until(page, f"{LEGEND_RUNS}.split(',').sort().join() === 'my-upload,wide'")
    wait_until(page, f"{PANEL_PLOTS}.some(p => p.data.some(t => t.name === 'my-upload'))")
    before = chart_signature(page)

    broken = tmp_path / "broken.csv"
    broken.write_text("step,Chat\n0,80\n25,abc\n")
    page.set_input_files("#upload input[type=file]", str(broken))
    page.locator("#upload-message", has_text="Not added: broken.csv line 3: column Chat: not a number").wait_for()
    page.wait_for_timeout(500)
    assert chart_signature(page) == before


def test_an_upload_over_the_limit_is_refused_with_a_message(open_page, runs_url, tmp_path):
    page = open_page(runs_url)
    big = tmp_path / "big.csv"
    big.write_bytes(b"step,Chat\n" + b"0,80.000000\n" * (21 * 1024 * 1024 // 12 + 1))
    page.set_input_files("#upload input[type=file]", str(big))
    page.locator("#upload-message", has_text="is over the upload limit of 20 MB").wait_for()


def test_a_new_checkpoint_appears_while_the_page_is_open_and_the_zoom_is_kept(open_page, tmp_path):
    runs = tmp_path / "live"
    runs.mkdir()
    growing = runs / "growing.csv"
    growing.write_text("step,Chat,Safety\n0,80,70\n100,82,71\n200,84,72\n300,85,73\n")
    (runs / "steady.jsonl").write_text('{"step": 0, "Chat": 75}\n{"step": 300, "Chat": 79}\n')
    with dashboard_server(runs, REWARDBENCH_RELOAD_SECONDS="1") as url:
        page = open_page(url)
        pick_runs(page, "growing")
        wait_until(page, "gd.layout.meta.view === 'lines' && gd.data[0].x.length === 4")
        box = page.locator("#step-range .dash-range-slider-min-input")
        box.fill("100")
        box.press("Enter")
        wait_until(page, "gd._fullLayout.xaxis.range[0] > 90")
        zoom = page.evaluate(f"() => {PLOT}._fullLayout.xaxis.range.slice()")

        with growing.open("a") as handle:
            handle.write("400,86.5,74\n")
        wait_until(page, "gd.data[0].x.length === 5")
        assert page.evaluate(f"() => {PLOT}.data[0].y[4]") == 86.5
        after = page.evaluate(f"() => {PLOT}._fullLayout.xaxis.range.slice()")
        assert after[0] == pytest.approx(zoom[0], abs=1)
        assert page.evaluate("() => document.querySelector('#step-range .dash-range-slider-min-input').value") == "100"
        page.close()  # before its server stops, so no poll fails


def test_the_x_axis_can_show_epochs_when_the_run_carries_them(open_page, runs_url):
    page = open_page(runs_url)
    pick_runs(page, "wide")
    wait_until(page, "gd.layout.meta.view === 'lines'")
    choose(page, "#x-axis", "Epoch")
    wait_until(page, "gd._fullLayout.xaxis.title.text === 'Epoch'")
    assert page.evaluate(f"() => {PLOT}.data[0].x") == [0, 0.5, 1]
    box = page.locator("#step-range .dash-range-slider-min-input")
    box.fill("100")
    box.press("Enter")
    wait_until(page, "gd._fullLayout.xaxis.range[0] > 0.4 && gd._fullLayout.xaxis.range[0] < 0.5")


def test_markup_in_a_run_name_is_shown_as_text(open_page, tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    name = "<img src=x onerror=alert(1)>"
    (runs / f"{name}.csv").write_text("step,Chat\n0,80\n100,82\n")
    with dashboard_server(runs) as url:
        page = open_page(url)
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.wait_for_timeout(1000)
        assert page.locator("#run-picker").inner_text().strip().startswith(name)
        assert page.locator("#rewardbench-chart .gtitle").text_content() == f"RewardBench over training: {name}"
        assert page.locator("img[src=x]").count() == 0 and dialogs == []
        page.close()


def test_the_panels_download_as_one_svg_of_the_shown_panels_with_the_runs(open_page, runs_url):
    page = open_page(runs_url)
    pick_runs(page, "wide", "evals")
    wait_until(page, f"{LEGEND_RUNS} === 'evals,wide'")
    page.get_by_label("Safety").uncheck()
    wait_until(page, f"{PANEL_PLOTS}.length === 4")
    svg = downloaded_text(page, "SVG")
    assert svg.lstrip().startswith("<svg")
    for text in ("RewardBench over training: 2 runs", "Training steps", ">evals<", ">wide<"):
        assert text in svg
    assert [metric for metric in ("Overall", "Chat", "Chat Hard", "Safety", "Reasoning") if f">{metric}<" in svg] == [
        "Overall", "Chat", "Chat Hard", "Reasoning"
    ]  # fmt: skip


def test_a_runs_final_model_reads_final_on_the_axis_and_in_the_best_table(open_page, tmp_path):
    from tests import rewardbench_tools as tools

    for step, skill in ((100, 0.5), (200, 0.6)):
        tools.run_rm(tmp_path, f"runs/rm/checkpoint-{step}", tools.Evaluation(skill=skill, seed=step, text_bytes=5))
        tools.run_rm(tmp_path, f"runs/b/checkpoint-{step}", tools.Evaluation(skill=skill, seed=step, text_bytes=5))
    tools.run_rm(tmp_path, "runs/rm", tools.Evaluation(skill=0.9, seed=3, text_bytes=5))  # the Trainer's output_dir
    with dashboard_server(tmp_path / "results") as url:
        page = open_page(url)
        page.wait_for_function(f"() => {PANELS_DRAWN}")
        ticks = page.evaluate(f"() => [...{PANEL_PLOTS}[0].querySelectorAll('.xtick text')].map(t => t.textContent)")
        assert ticks[-1] == "final" and "300" not in ticks
        page.locator("#best-table table").wait_for()
        table = best_table(page)
        steps = {row[0]: row[table["header"].index("Best step")] for row in table["rows"]}
        assert steps == {"runs/rm": "final", "runs/b": "200"}


def test_names_that_would_disguise_a_run_are_shown_with_their_hidden_characters(open_page, tmp_path):
    (tmp_path / "names.csv").write_text(
        "run,step,metric,value\n"
        "rm-final\u202e5e-1rl,0,Chat,80\nrm-final\u202e5e-1rl,10,Chat,82\n"  # reads as another run's name
        "rm\u200bbase,0,Chat,70\nrm\u200bbase,10,Chat,71\n"
        + "".join(f"{'r' * 5000},{step},Chat,60\n" for step in (0, 10))
    )
    with dashboard_server(tmp_path) as url:
        page = open_page(url)
        page.wait_for_function(f"() => {PANELS_DRAWN} && {LEGEND} && {LEGEND}.querySelectorAll('.legendtext').length")
        legend = page.evaluate(f"() => [...{LEGEND}.querySelectorAll('.legendtext')].map(t => t.textContent)")
        assert "rm-final\\u202e5e-1rl" in legend and "rm\\u200bbase" in legend
        assert max(len(name) for name in legend) <= 200
