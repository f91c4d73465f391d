"""Deciding which checkpoint to ship, in a real browser: summary, best checkpoint, smoothing, export, shared views."""

import io
import re

import pandas as pd
import pytest

from tests.e2e.conftest import dashboard_server, downloaded_text
from tests.support import SHIPPED_RUN

PLOT = "document.querySelector('#rewardbench-chart .js-plotly-plot')"
METRICS = ["Chat", "Chat Hard", "Safety", "Reasoning", "Overall"]


def wait_until(page, condition_js, timeout=15_000):
    """Until the chart's plot is there (a chart being redrawn may have none for a moment) and ``condition_js``
    holds for it (``gd``)."""
    page.wait_for_function(f"() => {{ const gd = {PLOT}; return Boolean(gd) && ({condition_js}); }}", timeout=timeout)


def summary(page):
    """The summary table as the user reads it: {metric: {column header: cell text}}."""
    return page.evaluate(
        """() => {
            const table = document.querySelector('#summary-table table');
            if (!table) return {};
            const rows = [...table.querySelectorAll('tr')];
            const headers = [...rows[0].querySelectorAll('th')].map(th => th.innerText.trim());
            const result = {};
            rows.slice(1).forEach(row => {
                const cells = [...row.querySelectorAll('td')].map(td => td.innerText.trim());
                if (cells.length) result[cells[1]] = Object.fromEntries(headers.map((h, i) => [h, cells[i]]));
            });
            return result;
        }"""
    )


def set_steps(page, low, high):
    for side, value in (("min", low), ("max", high)):
        box = page.locator(f"#step-range .dash-range-slider-{side}-input")
        box.fill(str(value))
        box.press("Enter")


def test_zooming_changes_the_summary_and_hiding_a_metric_removes_its_row(page):
    page.wait_for_function("() => document.querySelectorAll('#summary-table td').length > 0")
    assert set(summary(page)) == set(METRICS)
    assert summary(page)["Chat"]["First (%)"] == "83.0"
    assert summary(page)["Chat Hard"]["Peak step"] == "350"

    set_steps(page, 400, 600)
    page.wait_for_function(
        "() => [...document.querySelectorAll('#summary-table td')].some(td => td.innerText.trim() === '90.9')"
    )
    chat = summary(page)["Chat"]
    assert (chat["First (%)"], chat["Last (%)"], chat["Change (points)"]) == ("90.9", "91.0", "0.1")
    assert (chat["Peak (%)"], chat["Peak step"]) == ("93.0", "550")

    page.get_by_label("Chat Hard").uncheck()
    page.wait_for_function(
        "() => ![...document.querySelectorAll('#summary-table td')].some(td => td.innerText.trim() === 'Chat Hard')"
    )
    assert set(summary(page)) == {"Chat", "Safety", "Reasoning", "Overall"}


def test_the_best_checkpoint_is_marked_and_listed(page):
    star = page.evaluate(f"() => {PLOT}.data.filter(t => t.meta.best).map(t => [t.x[0], t.y[0]])")
    assert star == [[500, 88.0]]
    # The label sits over the plot area, where it covers no line.
    label_bottom, plot_top = page.evaluate(
        f"""() => [document.querySelector('#rewardbench-chart .annotation').getBoundingClientRect().bottom,
                   {PLOT}.querySelector('.nsewdrag').getBoundingClientRect().top]"""
    )
    assert label_bottom <= plot_top + 1
    panel = page.locator("#best-panel")
    panel.get_by_text("step 500: Overall 88.0 %").wait_for()
    assert "Chat Hard" in panel.text_content() and "71.8 %" in panel.text_content()


def test_a_shared_url_opens_the_same_view(open_page, server_url):
    query = "?run=seed-run&metric=Chat&metric=Overall&steps=200-400&smooth=ema&weight=0.5&best=Chat&y=full"
    page = open_page(server_url + "/" + query)
    wait_until(page, "gd.data.some(t => t.meta.raw) && gd._fullLayout.xaxis.range[0] > 150")
    state = page.evaluate(
        f"""() => {{
            const gd = {PLOT};
            return {{
                shown: [...new Set(gd._fullData.filter(t => t.visible === true && !t.meta.best)
                    .map(t => t.meta.metric))],
                x: gd._fullLayout.xaxis.range, y: gd._fullLayout.yaxis.range,
                best: gd.data.filter(t => t.meta.best).map(t => t.meta.metric),
                smoothing: document.querySelector('#smoothing-mode input:checked').value,
            }};
        }}"""
    )
    assert state["shown"] == ["Chat", "Overall"]
    assert 190 < state["x"][0] < 200 and 400 < state["x"][1] < 410
    assert state["y"] == [0, 100]
    assert state["best"] == ["Chat"] and state["smoothing"] == "ema"


def test_changes_go_into_the_url_and_back_returns_to_the_previous_view(page):
    page.get_by_label("Safety").uncheck()
    page.wait_for_function("() => location.search.includes('metric=Chat') && !location.search.includes('Safety')")
    box = page.locator("#step-range .dash-range-slider-min-input")
    box.fill("100")
    box.press("Enter")
    page.wait_for_function("() => location.search.includes('steps=100-600')")
    wait_until(page, "gd._fullLayout.xaxis.range[0] > 50")

    page.go_back()
    page.wait_for_function("() => location.search.includes('steps=0-600')")
    wait_until(page, "gd._fullLayout.xaxis.range[0] < 0")
    assert page.evaluate("() => document.querySelector('#metric-picker input[value=\"Safety\"]').checked") is False

    page.go_forward()
    wait_until(page, "gd._fullLayout.xaxis.range[0] > 50")


def test_invalid_query_values_fall_back_to_the_defaults(open_page, server_url):
    page = open_page(server_url + "/?run=nope&steps=abc&smooth=zzz&weight=5&metric=bogus&best=<script>&y=tilted")
    page.wait_for_timeout(1500)
    state = page.evaluate(
        f"() => ({{shown: {PLOT}._fullData.filter(t => t.visible === true && !t.meta.best).length,"
        f" x: {PLOT}._fullLayout.xaxis.range, raw: {PLOT}.data.some(t => t.meta.raw)}})"
    )
    assert state["shown"] == 5 and state["x"][0] < 0 and state["x"][1] > 600 and state["raw"] is False


def test_downloaded_csv_holds_exactly_the_visible_data(page):
    set_steps(page, 300, 600)
    wait_until(page, "gd._fullLayout.xaxis.range[0] > 250")
    page.get_by_label("Chat Hard").uncheck()
    wait_until(page, "gd._fullData.filter(t => t.visible === true && !t.meta.best).length === 4")
    exported = pd.read_csv(io.StringIO(downloaded_text(page, "CSV")))
    expected = pd.read_csv(SHIPPED_RUN).query("300 <= step <= 600")[["step", "Chat", "Safety", "Reasoning", "Overall"]]
    assert list(exported.columns) == ["run", "step", "Chat", "Safety", "Reasoning", "Overall"]
    assert set(exported["run"]) == {"seed-run"}
    pd.testing.assert_frame_equal(exported.drop(columns="run"), expected.reset_index(drop=True))


def test_the_chart_downloads_as_svg_with_its_title_legend_and_axes(page):
    svg = downloaded_text(page, "SVG")
    assert svg.lstrip().startswith("<svg")
    for text in ("RewardBench over training: seed-run", "Training steps", "RewardBench (%)", "Chat Hard"):
        assert text in svg


def column_texts(page, table, header):
    """The cells of one column of a table, top to bottom."""
    return page.evaluate(
        """([table, header]) => {
            const grid = document.querySelector(`#${table} table`);
            const name = th => th.innerText.replace(/[\u25b2\u25bc]/g, '').trim();
            const headers = [...grid.querySelectorAll('th')].map(name);
            const index = headers.indexOf(header);
            return [...grid.querySelectorAll('tbody tr')].map(row => row.children[index].innerText.trim());
        }""",
        [table, header],
    )


def test_the_summary_sorts_by_a_clicked_column_and_reverses_on_a_second_click(page):
    page.wait_for_function("() => document.querySelectorAll('#summary-table td').length > 0")
    page.get_by_role("button", name="Peak (%)").click()
    page.wait_for_function("() => document.querySelector('#summary-table th[aria-sort=ascending]')")
    peaks = [float(text) for text in column_texts(page, "summary-table", "Peak (%)")]
    assert peaks == sorted(peaks) and len(peaks) == 5

    page.get_by_role("button", name="Peak (%)").click()
    page.wait_for_function("() => document.querySelector('#summary-table th[aria-sort=descending]')")
    assert [float(text) for text in column_texts(page, "summary-table", "Peak (%)")] == sorted(peaks, reverse=True)
    assert column_texts(page, "summary-table", "Metric")[0] == "Chat"  # the shipped run peaks at 93.0 in Chat

    page.keyboard.press("Enter")  # the focus stays on the header button, so the keyboard can sort again
    page.wait_for_function("() => document.querySelector('#summary-table th[aria-sort=ascending]')")
    assert page.evaluate("() => document.activeElement.dataset.column") == "peak"


@pytest.fixture(scope="module")
def long_run_url(tmp_path_factory):
    data = tmp_path_factory.mktemp("long") / "long-run.csv"
    steps = range(0, 1200, 10)
    data.write_text(
        "step,Chat,Overall\n" + "".join(f"{step},{50 + step / 100:.1f},{60 + step / 200:.2f}\n" for step in steps)
    )
    with dashboard_server(data) as url:
        yield url


def test_the_table_shows_fifty_rows_a_page_and_sorts_across_pages(open_page, long_run_url):
    page = open_page(long_run_url)
    page.get_by_label("Show the chart as a table").check()
    label = page.locator("#data-page-label")
    label.get_by_text("Rows 1\u201350 of 120").wait_for()
    assert column_texts(page, "data-table", "Step")[:2] == ["0", "10"]
    assert page.get_by_role("button", name="Previous").is_disabled()

    page.get_by_role("button", name="Next").click()
    label.get_by_text("Rows 51\u2013100 of 120").wait_for()
    assert column_texts(page, "data-table", "Step")[0] == "500"
    page.get_by_role("button", name="Next").click()
    label.get_by_text("Rows 101\u2013120 of 120").wait_for()
    assert page.get_by_role("button", name="Next").is_disabled()

    page.locator("#data-table").get_by_role("button", name="Step").click()
    page.locator("#data-table").get_by_role("button", name="Step").click()
    page.wait_for_function("() => document.querySelector('#data-table th[aria-sort=descending]')")
    label.get_by_text("Rows 1\u201350 of 120").wait_for()
    assert column_texts(page, "data-table", "Step")[:2] == ["1190", "1180"]
    assert column_texts(page, "data-table", "Chat (%)")[0] == "61.9"


def test_show_as_table_lists_the_plotted_numbers(page):
    page.get_by_label("Show the chart as a table").check()
    table = page.locator("#data-table")
    table.locator("td", has_text="61.0").first.wait_for()
    assert page.locator("#chart-box").is_hidden()
    headers = [h.strip() for h in table.locator("th").all_inner_texts()]
    assert [h for h in headers if h][:3] == ["Run", "Step", "Chat (%)"]


def test_dark_mode_switches_the_page_and_the_chart(page):
    page.get_by_label("Dark").check()
    page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'")
    wait_until(page, "gd._fullLayout.paper_bgcolor === '#111827'")
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert re.match(r"rgb\((\d+), (\d+), (\d+)\)", background).group(1) in {"11"}


def test_every_control_has_a_name_and_works_from_the_keyboard(page):
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('input, button, [role=slider], [role=combobox]')]
            .filter(el => el.offsetParent !== null && el.type !== 'file' && el.getAttribute('aria-hidden') !== 'true')
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                          && !el.getAttribute('aria-labelledby') && !(el.innerText || '').trim() && !el.title)
            .map(el => el.outerHTML.slice(0, 120))"""
    )
    assert unnamed == []
    page.get_by_label("Chat Hard").focus()
    page.keyboard.press("Space")
    wait_until(page, "gd._fullData.filter(t => t.visible === true && !t.meta.best).length === 4")


def test_a_filter_matching_no_run_says_so_and_clearing_it_brings_the_view_back(open_page, server_url):
    page = open_page(server_url + "/?metric=Chat&metric=Overall&steps=100-400&best=Chat")
    wait_until(page, "gd._fullLayout.xaxis.range[0] > 50 && gd.data.some(t => t.meta.best && t.meta.metric === 'Chat')")
    page.fill("#run-filter", "no-such-run")
    page.locator("#rewardbench-chart", has_text="No picked run matches the filter 'no-such-run'").wait_for()
    picked = "() => [...document.querySelectorAll('#metric-picker input:checked')].map(i => i.value)"
    assert page.evaluate(picked) == ["Chat", "Overall"]
    assert page.locator("#step-range .dash-range-slider-min-input").input_value() == "100"
    assert "best=Chat" in page.evaluate("() => location.search")

    page.fill("#run-filter", "")
    wait_until(page, "gd._fullLayout.xaxis.range[0] > 50 && gd.data.some(t => t.meta.best && t.meta.metric === 'Chat')")
    shown = page.evaluate(f"() => {PLOT}._fullData.filter(t => t.visible === true && !t.meta.best).map(t => t.name)")
    assert shown == ["Chat", "Overall"] and "best=Chat" in page.evaluate("() => location.search")


def test_back_and_forward_restore_smoothing_the_y_axis_and_the_table_view(page):
    page.get_by_label("Exponential (TensorBoard)").check()
    page.wait_for_function("() => location.search.includes('smooth=ema')")
    page.get_by_label("0–100 %").check()
    page.wait_for_function("() => location.search.includes('y=full')")
    wait_until(page, "gd._fullLayout.yaxis.range[0] === 0 && gd.data.some(t => t.meta.raw)")
    page.get_by_label("Show the chart as a table").check()
    page.wait_for_function("() => location.search.includes('view=table')")

    page.go_back()
    page.wait_for_function("() => !location.search.includes('view=table')")
    page.locator("#chart-box:not([hidden])").wait_for()
    page.go_back()
    page.wait_for_function("() => !location.search.includes('y=full')")
    wait_until(page, "gd._fullLayout.yaxis.range[0] > 50")
    assert page.locator("#y-scale input[value=fit]").is_checked()
    page.go_back()
    page.wait_for_function("() => !location.search.includes('smooth=')")
    wait_until(page, "!gd.data.some(t => t.meta.raw)")
    assert page.locator("#smoothing-mode input[value=off]").is_checked()

    page.go_forward()
    wait_until(page, "gd.data.some(t => t.meta.raw)")
    assert page.locator("#smoothing-mode input[value=ema]").is_checked()
