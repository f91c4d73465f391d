"""Add a run: a file dropped in the browser is parsed and kept on the server (components/uploads.py); the browser
holds its entry (token, file name, the names its runs are shown under) in this tab's session, so it survives a
reload, and the file itself in IndexedDB (assets/dashboard/upload.js) for a server that does not hold it: the
callbacks that read uploads ask for it through their ids.upload_missing store, and it is sent again, once."""

from __future__ import annotations

import base64
import binascii
import logging

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components import formats, ids
from components.config import Settings
from components.features.common import option_values
from components.formats.base import DataError
from components.loader import parse_bytes
from components.provider import DataProvider, kept_entries, upload_name
from components.uploads import token_of

log = logging.getLogger(__name__)


def control(settings: Settings) -> html.Fieldset:
    limit = f"{settings.upload_limit_mb:g} MB"
    return html.Fieldset(
        className="control upload-control",
        children=[
            html.Legend("Add a run"),
            dcc.Upload(
                id=ids.UPLOAD,
                className="upload",
                max_size=settings.upload_limit_bytes,
                accept=formats.upload_accept(),
                children=html.Div(
                    [html.Span("Drop a run file here or "), html.A("choose one", href="#", className="link")]
                ),
            ),
            html.P(f"{formats.upload_hint()}, up to {limit}.", className="hint"),
            html.Div(
                id=ids.UPLOAD_MESSAGE,
                className="message",
                role="status",
                **{"data-limit-bytes": str(settings.upload_limit_bytes), "data-limit": limit},
            ),
            # Empty rather than unset: an unset store reports a change on every page load, which redraws everything.
            dcc.Store(id=ids.UPLOADS, storage_type="session", data=[]),
            dcc.Store(id=ids.UPLOAD_RESEND),
        ],
    )


def decoded(contents: str, filename: str, settings: Settings) -> tuple[str, bytes]:
    """The bare file name and the bytes of an upload (a data: URL from dcc.Upload), refusing files over the size
    limit."""
    # Browsers send a bare name, but a crafted request may not: keep only the last part, never a path.
    filename = (filename or "upload").replace("\\", "/").rsplit("/", 1)[-1] or "upload"
    _, _, encoded = (contents or "").partition(",")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise DataError(f"{filename}: the upload arrived damaged; try again") from None
    if len(raw) > settings.upload_limit_bytes:
        raise DataError(
            f"{filename}: {len(raw) / 1048576:.1f} MB is over the upload limit of {settings.upload_limit_mb:g} MB"
        )
    return filename, raw


def read_upload(filename: str, raw: bytes, settings: Settings) -> tuple:
    """The runs in an uploaded file and the loader's notes, refusing files over the point limit."""
    frame, notes = parse_bytes(filename, raw, settings.overall_convention, limits=settings.limits)
    if len(frame) > settings.upload_max_points:
        raise DataError(
            f"{filename}: {len(frame):,} points are over the upload limit of {settings.upload_max_points:,} "
            "(REWARDBENCH_UPLOAD_MAX_POINTS)"
        )
    return frame, notes


def entry_for(token: str, filename: str, frame, taken: set[str]) -> dict:
    """What the browser keeps of an upload: its token, its file name, and the name each of its runs is shown under
    (a run named as one from the data path is shown as '... (uploaded)')."""
    runs = [str(run) for run in frame["run"].unique()]
    return {"token": token, "file": filename, "runs": [[run, upload_name(run, taken)] for run in runs]}


def register(app: Dash, provider: DataProvider) -> None:
    settings = provider.settings

    @app.callback(
        output={
            "uploads": Output(ids.UPLOADS, "data"),
            "message": Output(ids.UPLOAD_MESSAGE, "children"),
            "tone": Output(ids.UPLOAD_MESSAGE, "className"),
        },
        inputs={"contents": Input(ids.UPLOAD, "contents")},
        state={
            "filename": State(ids.UPLOAD, "filename"),
            "uploads": State(ids.UPLOADS, "data"),
            "run_options": State(ids.RUN_PICKER, "options"),
        },
        prevent_initial_call=True,
    )
    def add_upload(contents, filename, uploads, run_options):
        if not contents:
            raise PreventUpdate
        try:
            filename, raw = decoded(contents, filename, settings)
            frame, notes = read_upload(filename, raw, settings)
        except DataError as error:
            return {"uploads": no_update, "message": f"Not added: {error}", "tone": "message error"}
        try:
            token = provider.uploads.put(filename, raw)
        except OSError as error:
            log.warning("an upload could not be kept: %s", error)
            return {"uploads": no_update, "message": f"Not added: {filename}: the server could not keep the file "
                    f"({error.strerror or 'no space'}); try again later", "tone": "message error"}  # fmt: skip
        entries = [entry for entry in kept_entries(uploads) if entry["token"] != token]
        shown_now = {shown for entry in entries for _, shown in entry["runs"]}
        taken = set(option_values(run_options)) - shown_now
        entry = entry_for(token, filename, frame, taken)
        names = ", ".join(shown for _, shown in entry["runs"])
        steps = frame["step"].nunique()
        message = f"Added {names} ({steps} checkpoint{'s' if steps != 1 else ''}); it stays in this browser tab only."
        return {"uploads": [*entries, entry], "message": " ".join([message, *notes]), "tone": "message ok"}

    @app.callback(
        output={"uploads": Output(ids.UPLOADS, "data", allow_duplicate=True)},
        inputs={"sent": Input(ids.UPLOAD_RESEND, "data")},
        state={"uploads": State(ids.UPLOADS, "data")},
        prevent_initial_call=True,
    )
    def restore_upload(sent, uploads):
        # A file the browser sends again for this server; kept only if it is the one its token names.
        if not isinstance(sent, dict):
            raise PreventUpdate
        try:
            filename, raw = decoded(sent.get("contents"), sent.get("file"), settings)
        except DataError:
            raise PreventUpdate from None
        if token_of(filename, raw) != sent.get("token"):
            raise PreventUpdate
        try:
            provider.uploads.put(filename, raw)
        except OSError as error:
            log.warning("an upload sent again could not be kept: %s", error)
            raise PreventUpdate from None
        # The same entries again, marked, so that every callback that asked for the file runs once more.
        return {"uploads": [{**entry, "sent": entry.get("sent", 0) + 1} for entry in kept_entries(uploads)]}

    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="keepUploadFile"),
        Output(ids.UPLOAD, "contents"),
        Input(ids.UPLOADS, "data"),
        State(ids.UPLOAD, "contents"),
        State(ids.UPLOAD, "filename"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="rewardbench", function_name="sendMissingUploads"),
        Output(ids.UPLOAD_RESEND, "data"),
        Input(ids.upload_missing(ALL), "data"),
        State(ids.UPLOADS, "data"),
        prevent_initial_call=True,
    )
