"""What the features' callbacks share: the runs to draw, and the answer of a callback that cannot draw them yet."""

from __future__ import annotations

import functools

from dash import ctx, no_update
from dash.exceptions import PreventUpdate

from components.formats.base import DataError
from components.provider import DataProvider
from components.uploads import UploadMissing

MISSING = "missing"  # the output by which a callback asks the browser for uploads (ids.upload_missing)


def current_frame(provider: DataProvider, uploads):
    """Every run to draw; when the data path cannot be read right now the page keeps what it shows."""
    try:
        return provider.frame(uploads)
    except DataError:
        raise PreventUpdate from None


def asks_for_missing_uploads(callback):
    """A callback with named outputs, one of them MISSING, that answers an upload this server does not hold by
    asking the browser for it (components/uploads.py) and leaving everything else as it is."""

    @functools.wraps(callback)
    def answer(**arguments):
        try:
            outputs = callback(**arguments)
        except UploadMissing as missing:
            return {**unchanged(), MISSING: missing.tokens}
        return {MISSING: no_update, **outputs}

    return answer


def unchanged() -> dict:
    """Every named output of the running callback left as it is (a list for a pattern-matching output)."""
    spec = ctx.outputs_grouping
    return {name: [no_update] * len(value) if isinstance(value, list) else no_update for name, value in spec.items()}


def step_range(view, bounds) -> tuple:
    """The step range the view shows, or ``bounds`` while it holds none."""
    return tuple(view.steps) if view.steps else tuple(bounds)


def option_values(options) -> list[str]:
    return [option["value"] if isinstance(option, dict) else option for option in options or ()]
