"""What a user does with the dashboard in a real browser: see, toggle, zoom, reset, hover."""

import re

import pytest

METRICS = ["Chat", "Chat Hard", "Safety", "Reasoning", "Overall"]
PLOT = "document.querySelector('#rewardbench-chart .js-plotly-plot')"


def chart(page):
    """What the plot shows now: shown trace names, axis ranges, and the slider's two inputs."""
    return page.evaluate(
        f"""() => {{
            const gd = {PLOT};
            return {{
                names: gd._fullData.filter(t => !t.meta.best).map(t => t.name),
                shown: gd._fullData.filter(t => t.visible === true && !t.meta.best).map(t => t.name),
                x: gd._fullLayout.xaxis.range.slice(),
                y: gd._fullLayout.yaxis.range.slice(),
                slider: [...document.querySelectorAll('#step-range input[type=number]')].map(i => Number(i.value)),
                picked: [...document.querySelectorAll('#metric-picker input:checked')].map(i => i.value),
            }};
        }}"""
    )


def point_at(page, step, fraction_down=0.5):
    """Page coordinates of a step on the x axis, part-way down the plot area."""
    return page.evaluate(
        f"""([step, down]) => {{
            const gd = {PLOT};
            const box = gd.getBoundingClientRect();
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            return [box.left + xa._offset + xa.l2p(step), box.top + ya._offset + ya._length * down];
        }}""",
        [step, fraction_down],
    )


def wait_until(page, condition_js, arg=None):
    """Until the chart's plot is there and ``condition_js`` holds for it (``gd``); a chart being redrawn may have
    none for a moment."""
    page.wait_for_function(
        f"(arg) => {{ const gd = {PLOT}; return Boolean(gd) && ({condition_js}); }}", arg=arg, timeout=10_000
    )


def zoom_with_slider(page, low, high):
    for selector, value in (("min", low), ("max", high)):
        box = page.locator(f"#step-range .dash-range-slider-{selector}-input")
        box.fill(str(value))
        box.press("Enter")
    wait_until(
        page,
        "Math.abs(gd._fullLayout.xaxis.range[0] - arg[0]) < 15 && "
        "Math.abs(gd._fullLayout.xaxis.range[1] - arg[1]) < 15",
        [low, high],
    )


def test_a_new_page_fetches_the_small_plotly_bundle_once_and_nothing_it_does_not_need(browser, server_url):
    context = browser.new_context()
    page = context.new_page()
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(server_url)
    page.wait_for_function("() => document.querySelectorAll('#rewardbench-chart .scatterlayer .trace').length > 0")
    page.wait_for_load_state("networkidle")
    context.close()
    assert len([url for url in fetched if "plotly-basic" in url]) == 1
    assert not [url for url in fetched if "plotly.min.js" in url or "polyfill" in url or "dash_table/async" in url]
    assert not [url for url in fetched if "_dash-update-component" in url]  # the first page needs no callback


def test_the_chart_draws_five_metric_lines_with_titles(page):
    state = chart(page)
    assert state["names"] == METRICS and state["shown"] == METRICS
    assert page.locator("#rewardbench-chart .scatterlayer .trace").count() == 6  # five lines and the best star
    assert page.locator("#rewardbench-chart .legend .traces").count() == 5
    assert page.locator("#rewardbench-chart .xtitle").text_content() == "Training steps"
    assert page.locator("#rewardbench-chart .ytitle").text_content() == "RewardBench (%)"
    assert "seed-run" in page.locator("#rewardbench-chart .gtitle").text_content()
    assert state["x"][0] <= 0 and state["x"][1] >= 600
    assert state["picked"] == METRICS


def test_unticking_a_metric_hides_its_line_keeps_the_zoom_and_asks_no_server(page):
    zoom_with_slider(page, 200, 500)
    before = chart(page)
    requests = []
    page.on("request", lambda request: requests.append(request.url) if "_dash-update" in request.url else None)

    page.get_by_label("Chat Hard").uncheck()
    wait_until(page, "gd._fullData.filter(t => t.visible === true && !t.meta.best).length === 4")

    after = chart(page)
    assert after["shown"] == ["Chat", "Safety", "Reasoning", "Overall"]
    assert after["x"] == before["x"] and after["slider"] == [200, 500]
    assert after["y"][0] > before["y"][0]  # Chat Hard's low values no longer stretch the y axis
    assert page.locator("#rewardbench-chart .legend .traces").count() == 5  # still in the legend, to click back
    assert requests == []


def test_each_metric_checkbox_shows_its_line_colour(page):
    swatches = page.eval_on_selector_all("#metric-picker .swatch", "spans => spans.map(s => s.style.backgroundColor)")
    lines = page.evaluate(f"() => {PLOT}._fullData.filter(t => !t.meta.best).map(t => t.line.color)")
    assert len(swatches) == 5 and len(set(swatches)) == 5
    assert swatches == [page.evaluate("c => { const s = document.createElement('i'); s.style.color = c; "
                                      "return s.style.color; }", colour) for colour in lines]  # fmt: skip


def test_all_and_none_buttons(page):
    page.get_by_role("button", name="None", exact=True).click()
    wait_until(page, "gd._fullData.every(t => t.visible === 'legendonly')")
    assert chart(page)["picked"] == []
    page.get_by_role("button", name="All", exact=True).click()
    wait_until(page, "gd._fullData.every(t => t.visible === true)")
    assert chart(page)["picked"] == METRICS


def test_clicking_a_legend_entry_toggles_and_the_control_follows(page):
    page.locator("#rewardbench-chart .legend .traces", has_text="Safety").click()
    wait_until(page, "gd._fullData.find(t => t.name === 'Safety').visible === 'legendonly'")
    page.wait_for_function("() => !document.querySelector('#metric-picker input[value=\"Safety\"]').checked")
    assert chart(page)["picked"] == ["Chat", "Chat Hard", "Reasoning", "Overall"]

    page.get_by_label("Safety").check()
    wait_until(page, "gd._fullData.find(t => t.name === 'Safety').visible === true")


def test_the_slider_sets_the_step_range_and_the_y_axis_fits_it(page):
    zoom_with_slider(page, 300, 600)
    state = chart(page)
    assert 285 < state["x"][0] <= 300 and 600 <= state["x"][1] < 615
    # Steps 300-600 hold values from Chat Hard's 68.0 up to Chat's 93.0.
    assert 64 < state["y"][0] < 68 and 93 < state["y"][1] < 96


def test_box_zoom_on_the_chart_moves_the_slider(page):
    start, end = point_at(page, 100), point_at(page, 300)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(end[0], end[1], steps=12)
    page.mouse.up()
    page.wait_for_function(
        "() => Number(document.querySelector('#step-range .dash-range-slider-min-input').value) > 50"
    )
    state = chart(page)
    assert abs(state["slider"][0] - 100) <= 3 and abs(state["slider"][1] - 300) <= 3
    assert abs(state["x"][0] - 100) <= 3 and abs(state["x"][1] - 300) <= 3


@pytest.mark.parametrize("how", ["reset button", "double-click"])
def test_reset_returns_to_every_step(page, how):
    zoom_with_slider(page, 250, 350)
    if how == "reset button":
        page.get_by_role("button", name="Reset zoom").click()
    else:
        page.mouse.dblclick(*point_at(page, 300))
    wait_until(page, "gd._fullLayout.xaxis.range[0] <= 0 && gd._fullLayout.xaxis.range[1] >= 600")
    page.wait_for_function(
        "() => Number(document.querySelector('#step-range .dash-range-slider-max-input').value) === 600"
    )
    assert chart(page)["slider"] == [0, 600]


def hover_label(page, step):
    page.mouse.move(*point_at(page, step, fraction_down=0.3))
    label = page.locator("#rewardbench-chart .hoverlayer .legend")
    label.wait_for()
    return label.text_content().replace("\u2212", "-")


def test_hovering_a_step_shows_every_visible_value_in_one_label(page):
    text = hover_label(page, 350)
    assert "Step 350" in text
    for metric, value in [
        ("Chat", "91.1%"),
        ("Chat Hard", "75.0%"),
        ("Safety", "78.8%"),
        ("Reasoning", "88.9%"),
        ("Overall", "86.4%"),
    ]:
        assert re.search(rf"{metric}\s*:\s*{re.escape(value)}", text), (metric, text)

    page.get_by_label("Chat Hard").uncheck()
    wait_until(page, "gd._fullData.filter(t => t.visible === true && !t.meta.best).length === 4")
    page.mouse.move(0, 0)
    text = hover_label(page, 350)
    assert "Chat Hard" not in text and "Reasoning" in text


def test_the_chart_toolbar_offers_no_cloud_upload_and_images_come_from_the_download_row(page):
    page.hover("#rewardbench-chart .js-plotly-plot")
    titles = page.eval_on_selector_all(".modebar-btn", "buttons => buttons.map(b => b.dataset.title)")
    assert "Zoom" in titles and "Reset axes" in titles
    assert not [title for title in titles if "Share" in title or "Download" in title or "PNG" in title]
    assert page.get_by_role("group", name="Download").get_by_role("button").all_inner_texts() == ["CSV", "PNG", "SVG"]
