"""RewardBench Dashboard: the Dash app factory, the WSGI entry point and the command line.

python app.py [--host H] [--port P] [--data PATH]     development server
gunicorn app:server                                    production (settings from the environment)
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path

from dash import Dash
from flask import Response

from components import private, security
from components.config import DATA_ENV_VAR, ConfigError, Settings
from components.features import register_callbacks
from components.intervals import DEFAULT_LEVEL
from components.layout import make_layout
from components.loader import DataError, LoadResult, empty_frame
from components.private.page import VENDOR_DIR
from components.provider import DataProvider

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
PAGE_FAILED = "the page could not be built from the data; the server log says why"
PROGRAM = "rewardbench-dashboard"
log = logging.getLogger(PROGRAM)


def create_app(settings: Settings | None = None) -> Dash:
    """A new, independent dashboard app serving the runs that ``settings`` points at.

    Raises DataError when the data path cannot be used at all (missing, or a single file that is broken).
    """
    settings = settings or Settings.from_env()
    provider = DataProvider(settings)
    for problem in (*provider.load().problems, *provider.references(DEFAULT_LEVEL)[1]):
        log.warning("%s", problem)
    app = private.DashboardPage(
        __name__,
        title="RewardBench Dashboard",
        assets_folder=str(ASSETS_DIR),
        update_title=None,
        url_base_pathname=settings.base_path,
        compress=False,  # components.security compresses every response, not only Dash's own
        # Otherwise Dash copies a whole first layout (figure included) into every page for its dev-tools checks.
        suppress_callback_exceptions=True,
        # Third-party scripts that components/private/page.py places itself.
        assets_path_ignore=[f"^{VENDOR_DIR}$"],
    )

    pages: dict[str, object] = {}

    def build_page():
        # Each page load shows the runs as they are now; between two changes of the data every page is the same,
        # so it is built once per data version (a tenth of a second for twenty runs, seconds for a hundred).
        version = provider.signature()
        if version not in pages:
            try:
                result = provider.load()
            except DataError as error:
                result = LoadResult(frame=empty_frame(), problems=(str(error),))
            pages.clear()
            pages[version] = make_layout(result, settings, version, provider)
        return pages[version]

    def serve_layout():
        try:
            return build_page()
        except Exception:  # noqa: BLE001 - a page that says what happened beats a 500 for everyone
            log.exception("the page could not be built")
            failed = LoadResult(frame=empty_frame(), problems=(PAGE_FAILED,))
            return make_layout(failed, settings, "unavailable")

    def health():
        # Healthy means a page can be built now: a load balancer then takes a worker out that could not serve it.
        try:
            build_page()
        except Exception as error:  # noqa: BLE001
            return Response(f"unavailable: {PAGE_FAILED} ({type(error).__name__})\n", 503, mimetype="text/plain")
        return Response("OK", 200, mimetype="text/plain")

    private.install(app, settings.private_hooks, private.BROWSER_HOOKS, private.CHECKED_WITH)
    app.layout = serve_layout
    app.server.add_url_rule(f"{settings.base_path}health", "health", health)
    register_callbacks(app, provider)
    security.install(app.server, settings, app.csp_hashes(), app.callback_map)
    # On its first request Dash builds a whole page to check it, which takes seconds for a hundred long runs. Do it
    # now: gunicorn's workers inherit it from the preloaded app, and no user's first page waits for it.
    app.server.test_client().get(f"{settings.base_path}health")
    return app


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Serve the RewardBench Dashboard: a reward model's RewardBench scores over training.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8050, help="port to listen on (default: %(default)s)")
    parser.add_argument(
        "--data",
        type=Path,
        metavar="PATH",
        help=f"run file or directory of runs to show (default: ${DATA_ENV_VAR}, else the shipped run)",
    )
    parser.add_argument(
        "--references",
        type=Path,
        metavar="PATH",
        help="result file or directory of results to draw as reference lines, such as a published model's "
        "RewardBench result (default: $REWARDBENCH_REFERENCES, else none)",
    )
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error(f"--port {args.port}: a port is a number from 1 to 65535")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
        if args.data is not None:
            settings = replace(settings, data_path=args.data)
        if args.references is not None:
            settings = replace(settings, references=args.references)
        app = create_app(settings)
    except (ConfigError, DataError) as error:
        sys.exit(f"{PROGRAM}: {error}")
    app.run(host=args.host, port=args.port, debug=False)


def _create_app_or_exit() -> Dash:
    # One line naming the file and the problem, not a traceback; gunicorn.conf.py preloads the app so
    # this stops the whole server instead of a worker that would be restarted forever.
    try:
        return create_app()
    except (ConfigError, DataError) as error:
        raise SystemExit(f"{PROGRAM}: {error}") from None


if __name__ == "__main__":
    main()
else:
    app = _create_app_or_exit()
    server = app.server
