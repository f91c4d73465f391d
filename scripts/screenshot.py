"""Make the README's screenshot: start the app on the shipped run, open it in headless Chromium, save a PNG.

python scripts/screenshot.py [--out docs/screenshot.png] [--width 1366] [--height 860]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support import CHROMIUM_ARGS, REPO, app_command, chromium_path, free_port, running_server  # noqa: E402


def take_screenshot(out: Path, width: int, height: int, hover_step: int | None) -> None:
    executable = chromium_path()
    if executable is None:
        sys.exit("screenshot: no Chromium found; install Debian's chromium package or set CHROMIUM_PATH")
    port = free_port()
    with running_server(app_command(port), port) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url)
        page.wait_for_selector("#rewardbench-chart .scatterlayer .trace")
        if hover_step is not None:
            position = page.evaluate(
                """(step) => {
                    const gd = document.querySelector('#rewardbench-chart .js-plotly-plot');
                    const box = gd.getBoundingClientRect();
                    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
                    return [box.left + xa._offset + xa.l2p(step), box.top + ya._offset + ya._length * 0.35];
                }""",
                hover_step,
            )
            page.mouse.move(*position)
            page.locator("#rewardbench-chart .hoverlayer .legend").wait_for()
        page.screenshot(path=str(out), full_page=True)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshot.png")
    parser.add_argument("--width", type=int, default=1366)
    parser.add_argument("--height", type=int, default=860)
    parser.add_argument("--hover-step", type=int, default=350, help="step to hover (negative: none)")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    take_screenshot(args.out, args.width, args.height, args.hover_step if args.hover_step >= 0 else None)


if __name__ == "__main__":
    main()
