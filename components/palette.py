"""Colours, themes and marker shapes: how runs, metrics and the page's two themes look, in one place.

The page's own colours (text, borders, the controls) are CSS variables in assets/style.css, one block per theme."""

from __future__ import annotations

from dataclasses import dataclass

# Qualitative colours that stay apart on white and on dark backgrounds; runs beyond them cycle.
RUN_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    "#393b79", "#e6550d", "#31a354", "#843c39", "#7b4173", "#3182bd", "#fd8d3c", "#74c476", "#ad494a", "#a55194",
)  # fmt: skip

# The colours of the chart this dashboard reproduces, in legend order; other metrics take the run palette.
METRIC_COLOURS = {
    "Chat": "#1f77b4",
    "Chat Hard": "#ff7f0e",
    "Safety": "#2ca02c",
    "Reasoning": "#ffbb78",
    "Overall": "#d62728",
}

# A marker shape per line, so the lines differ by more than colour (some chart colours are light on white).
MARKER_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star-triangle-up", "hexagon", "cross")


@dataclass(frozen=True)
class Theme:
    template: str
    text: str
    grid: str
    axis_line: str
    background: str


THEMES = {
    "light": Theme("plotly_white", "#1f2937", "#e5e7eb", "#9ca3af", "#ffffff"),
    "dark": Theme("plotly_dark", "#e5e7eb", "#374151", "#6b7280", "#111827"),
}


def metric_colour(metric: str, index: int) -> str:
    return METRIC_COLOURS.get(metric) or RUN_PALETTE[(index + 4) % len(RUN_PALETTE)]


def run_colours(names: list[str]) -> dict[str, str]:
    """One colour per run, fixed by its place among all runs, so it is the same in every panel and selection."""
    return {name: RUN_PALETTE[index % len(RUN_PALETTE)] for index, name in enumerate(names)}


BAND_OPACITY = 0.16  # an interval's band: light enough that the lines of other metrics show through it


def translucent(colour: str, opacity: float = BAND_OPACITY) -> str:
    """A "#rrggbb" colour as rgba() at ``opacity``."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{opacity})"
