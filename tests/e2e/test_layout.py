"""What the page looks like where a user looks: settings shown with their mode, both themes readable, the tables
without a sideways scroll on a laptop, and the chart first on a phone."""

import pytest

PLOT = "document.querySelector('#rewardbench-chart .js-plotly-plot')"


def test_a_smoothing_setting_shows_only_while_its_mode_is_chosen(page):
    weight, window = page.get_by_text("Weight", exact=True), page.get_by_text("Window (checkpoints)")
    assert not weight.is_visible() and not window.is_visible()
    page.get_by_label("Exponential (TensorBoard)").check()
    assert weight.is_visible() and not window.is_visible()
    page.get_by_label("Centred moving average").check()
    assert window.is_visible() and not weight.is_visible()


CONTRAST = """(selector) => {
    const luminance = (colour) => {
        const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map(Number).map(c => {
            c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [a, b] = selector.map(([sel, prop]) => luminance(getComputedStyle(document.querySelector(sel))[prop]));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_in_the_dark_theme_disabled_text_and_slider_tracks_can_be_seen(page):
    page.get_by_label("Dark").check()
    page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'")
    panel = (".sidebar", "backgroundColor")
    disabled = page.evaluate(CONTRAST, [("#section-picker .dash-dropdown-placeholder", "color"), panel])
    track = page.evaluate(CONTRAST, [("#step-range .dash-slider-track", "backgroundColor"), panel])
    assert disabled >= 4.5 and track >= 1.9  # text: WCAG AA; a track is a shape, not text


def test_the_summary_fits_a_laptop_screen_without_a_sideways_scroll(page):
    page.wait_for_function("() => document.querySelectorAll('#summary-table td').length > 0")
    scroll = page.evaluate("() => { const b = document.querySelector('#summary-table'); "
                           "return [b.scrollWidth, b.clientWidth]; }")  # fmt: skip
    assert scroll[0] <= scroll[1]


@pytest.fixture
def phone(open_page, server_url):
    return open_page(server_url, viewport={"width": 390, "height": 844})


def test_on_a_phone_the_chart_is_on_the_first_screen_and_its_legend_under_the_plot(phone):
    top = phone.locator("#rewardbench-chart").bounding_box()["y"]
    assert top < 300
    phone.wait_for_function(f"() => {PLOT}._fullLayout.legend.orientation === 'h'")
    plot_width = phone.evaluate(f"() => {PLOT}._fullLayout._size.w / {PLOT}._fullLayout.width")
    assert plot_width > 0.7  # the lines take the width; beside them, the legend took half
