"""What the user is looking at, declared once: every field of the view state with its control, its URL name, its
default and the values it may take.

The browser holds the view in one store (ids.VIEW). assets/dashboard/view.js owns it together with the controls
and the URL: it reads this schema (handed over in ids.VIEW_SCHEMA) to encode and decode the query string, so no
range, default or name is written twice. Server callbacks read the view and, when they must correct it (new data
moved the step bounds, a chosen metric is gone), send a patch of it (ids.VIEW_FIX), never a control's value.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from components import ids
from components.analysis import SMOOTHING_EMA, SMOOTHING_MODES, SMOOTHING_MOVING_AVERAGE, SMOOTHING_OFF
from components.figures import ChartOptions
from components.intervals import LEVELS
from components.palette import THEMES
from components.view import FILTER_MAX_LENGTH

CHECKPOINT_MAX_LENGTH = 1000

LIST = "list"  # values among a control's options; the URL repeats the name (?run=a&run=b)
TEXT = "text"
RANGE = "range"  # [low, high] whole numbers; the URL writes low-high
CHOICE = "choice"  # one of the field's choices, each with its URL code
NUMBER = "number"  # low <= value <= high, on the grid low + k * step
METRIC = "metric-or-none"  # one of the metrics on offer, or None


@dataclass(frozen=True)
class Field:
    key: str
    control: str | None  # the component whose value shows it (None: no control of its own)
    param: str | None  # its name in the URL query (None: not shared by links)
    kind: str
    default: object = None  # None for LIST, RANGE and METRIC: from the data (every run, every step, Overall)
    choices: tuple[tuple[str, object], ...] = ()  # (URL code, value)
    low: float | None = None
    high: float | None = None
    step: float | None = None
    max_length: int | None = None
    none: str | None = None  # the URL code of an empty list or of None
    only_with: tuple[str, object] | None = None  # written to the URL only while another field has this value
    readers: tuple[str, ...] = ()  # the callbacks that depend on it (READERS), sent its part of the view
    known: str | None = None  # the field whose control's options a LIST's or METRIC's values must be among
    redraws: bool = True  # whether a change draws the chart again (False: the chart zooms, or is not concerned)

    def accepts(self, value: object) -> bool:
        """Whether ``value`` is one this field can take (a LIST's or METRIC's membership is the data's to check)."""
        if self.kind == LIST:
            return isinstance(value, list) and all(isinstance(item, str) for item in value)
        if self.kind == TEXT:
            return isinstance(value, str) and len(value) <= (self.max_length or math.inf)
        if self.kind == RANGE:
            return (
                isinstance(value, list)
                and len(value) == 2
                and all(_is_number(bound) for bound in value)
                and value[0] <= value[1]
            )
        if self.kind == CHOICE:
            return any(value == choice for _, choice in self.choices)
        if self.kind == NUMBER:
            if not _is_number(value) or not self.low <= value <= self.high:
                return False
            steps = (value - self.low) / self.step
            return abs(steps - round(steps)) < 1e-6
        return value is None or isinstance(value, str)

    def valid(self, value: object) -> object:
        """``value`` when this field accepts it, else its default."""
        return value if self.accepts(value) else self.default


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# Who reads the view: the chart and the subset chart (server), the tables (server), the lines shown (browser).
CHART, SUBSETS, TABLES, LINES, COMPARE = "chart", "subsets", "tables", "lines", "compare"
READERS = (CHART, SUBSETS, TABLES, LINES, COMPARE)
DRAWING = (CHART, SUBSETS)
EVERY_SERVER_READER = (CHART, SUBSETS, TABLES)

SMOOTHING_CODES = (("off", SMOOTHING_OFF), ("ema", SMOOTHING_EMA), ("ma", SMOOTHING_MOVING_AVERAGE))
assert {value for _, value in SMOOTHING_CODES} == set(SMOOTHING_MODES)
_DEFAULTS = ChartOptions()

FIELDS = (
    Field("runs", ids.RUN_PICKER, "run", LIST, readers=EVERY_SERVER_READER, known="runs"),
    Field(
        "filter", ids.RUN_FILTER, "filter", TEXT, default="", max_length=FILTER_MAX_LENGTH, readers=EVERY_SERVER_READER
    ),  # fmt: skip
    Field(
        "metrics", ids.METRIC_PICKER, "metric", LIST, none="none", readers=(LINES,), known="metrics", redraws=False
    ),  # fmt: skip
    Field("steps", ids.STEP_SLIDER, "steps", RANGE, readers=EVERY_SERVER_READER, redraws=False),
    Field(
        "smoothing",
        ids.SMOOTHING_MODE,
        "smooth",
        CHOICE,
        default=_DEFAULTS.smoothing,
        choices=SMOOTHING_CODES,
        readers=DRAWING,
    ),  # fmt: skip
    Field(
        "weight",
        ids.EMA_WEIGHT,
        "weight",
        NUMBER,
        default=_DEFAULTS.ema_weight,
        low=0,
        high=0.99,
        step=0.01,
        only_with=("smoothing", SMOOTHING_EMA),
        readers=DRAWING,
    ),  # fmt: skip
    Field(
        "window",
        ids.MA_WINDOW,
        "window",
        NUMBER,
        default=_DEFAULTS.window,
        low=3,
        high=15,
        step=2,
        only_with=("smoothing", SMOOTHING_MOVING_AVERAGE),
        readers=DRAWING,
    ),  # fmt: skip
    Field(
        "best",
        ids.BEST_METRIC,
        "best",
        METRIC,
        default=_DEFAULTS.best_metric,
        none="none",
        known="metrics",
        readers=(CHART, TABLES),
    ),  # fmt: skip
    Field(
        "y",
        ids.Y_SCALE,
        "y",
        CHOICE,
        default=_DEFAULTS.y_scale,
        choices=(("fit", "fit"), ("full", "full")),
        readers=DRAWING,
    ),  # fmt: skip
    Field(
        "table",
        ids.TABLE_TOGGLE,
        "view",
        CHOICE,
        default=[],
        choices=(("chart", []), ("table", ["table"])),
        readers=(TABLES,),
        redraws=False,
    ),  # fmt: skip
    Field("x", ids.X_AXIS, "x", TEXT, default=_DEFAULTS.x_axis, max_length=FILTER_MAX_LENGTH, readers=DRAWING),
    Field(
        "bands",
        ids.BAND_TOGGLE,
        "bands",
        CHOICE,
        default=["bands"] if _DEFAULTS.bands else [],
        choices=(("on", ["bands"]), ("off", [])),
        readers=DRAWING,
    ),  # fmt: skip
    Field(
        "level",
        ids.INTERVAL_LEVEL,
        "level",
        CHOICE,
        default=_DEFAULTS.level,
        choices=tuple((str(level), level) for level in LEVELS),
        readers=(*EVERY_SERVER_READER, COMPARE),
    ),  # fmt: skip
    Field(
        "chance",
        ids.CHANCE_TOGGLE,
        "chance",
        CHOICE,
        default=["chance"] if _DEFAULTS.chance else [],
        choices=(("off", []), ("on", ["chance"])),
        readers=DRAWING,
    ),  # fmt: skip
    # The two checkpoints compared ("run@step": components/compare.py checkpoint_value), "" while none is.
    Field(
        "a", ids.COMPARE_A, "a", TEXT, default="", max_length=CHECKPOINT_MAX_LENGTH, readers=(COMPARE,), redraws=False
    ),  # fmt: skip
    Field(
        "b", ids.COMPARE_B, "b", TEXT, default="", max_length=CHECKPOINT_MAX_LENGTH, readers=(COMPARE,), redraws=False
    ),  # fmt: skip
    # The theme shown (light or dark): the browser works it out from the Theme choice and the system's setting.
    Field(
        "theme",
        None,
        None,
        CHOICE,
        default=_DEFAULTS.theme,
        choices=tuple((name, name) for name in THEMES),
        readers=DRAWING,
    ),  # fmt: skip
)
BY_KEY = {item.key: item for item in FIELDS}


def schema() -> list[dict]:
    """The fields as the browser reads them (assets/dashboard/view.js)."""
    return [{name: value for name, value in asdict(item).items() if value is not None} for item in FIELDS]


def view_part(view: ViewState, reader: str) -> dict:
    """The fields ``reader`` depends on, as the browser sends them to it."""
    return {item.key: _plain(getattr(view, item.key)) for item in FIELDS if reader in item.readers}


@dataclass(frozen=True)
class ViewState:
    """A view as the server reads it: every field valid (a LIST or METRIC still to be checked against the data)."""

    runs: tuple[str, ...] = ()
    filter: str = ""
    metrics: tuple[str, ...] = ()
    steps: tuple[float, float] | None = None
    smoothing: str = _DEFAULTS.smoothing
    weight: float = _DEFAULTS.ema_weight
    window: int = _DEFAULTS.window
    best: str | None = _DEFAULTS.best_metric
    y: str = _DEFAULTS.y_scale
    table: list = field(default_factory=list)
    x: str = _DEFAULTS.x_axis
    bands: list = field(default_factory=lambda: ["bands"] if _DEFAULTS.bands else [])
    level: int = _DEFAULTS.level
    chance: list = field(default_factory=lambda: ["chance"] if _DEFAULTS.chance else [])
    a: str = ""
    b: str = ""
    theme: str = _DEFAULTS.theme

    @property
    def as_table(self) -> bool:
        return "table" in self.table

    def chart_options(self) -> ChartOptions:
        return ChartOptions(
            smoothing=self.smoothing,
            ema_weight=float(self.weight),
            window=int(self.window),
            best_metric=self.best,
            y_scale=self.y,
            theme=self.theme,
            x_axis=self.x or _DEFAULTS.x_axis,
            bands="bands" in self.bands,
            level=int(self.level),
            chance="chance" in self.chance,
        )

    def drawn_from(self) -> dict:
        """The fields whose change draws the chart again, as the chart records what it was drawn from."""
        return {item.key: _plain(getattr(self, item.key)) for item in FIELDS if item.redraws}


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def read_view(raw: object) -> ViewState:
    """The view the browser sent, each field that does not fit replaced by its default (a crafted request gets
    the default view, never an error)."""
    raw = raw if isinstance(raw, dict) else {}
    values = {}
    for item in FIELDS:
        value = item.valid(raw[item.key]) if item.key in raw else item.default
        if item.kind == LIST:
            value = tuple(value or ())
        elif item.kind == RANGE:
            value = tuple(float(bound) for bound in value) if value else None
        values[item.key] = value
    return ViewState(**values)


def view_data(view: ViewState) -> dict:
    """A view as the browser stores it (the inverse of read_view)."""
    return {item.key: _plain(getattr(view, item.key)) for item in FIELDS}
