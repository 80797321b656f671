"""Makes docs/board.png, the README's picture: `followup board` on the bundled example data,
as of the demo's moment, taken by the same headless Chromium the tests use.

    .venv/bin/python scripts/board_screenshot.py [--now ISO-8601] [--output docs/board.png]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.chromium import Browser, find_chromium  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--now", default="2026-12-10T12:00:00-05:00")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "board.png")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--scheme", choices=["light", "dark"], default="light")
    parser.add_argument(
        "--all", action="store_true", help="the whole page, the table below the board included"
    )
    parser.add_argument("--top", type=float, default=0, help="start this far down (CSS px)")
    parser.add_argument("--height", type=float, help="this tall (CSS px)")
    args = parser.parse_args()
    chromium = find_chromium()
    if chromium is None:
        print("board_screenshot: no chromium (apt-get install -y chromium)", file=sys.stderr)
        return 1
    followup = Path(sys.executable).parent / "followup"
    with tempfile.TemporaryDirectory() as folder:
        page_path = Path(folder) / "board.html"
        subprocess.run(
            [
                str(followup),
                "board",
                "--config",
                str(ROOT / "examples" / "config.toml"),
                "--now",
                args.now,
                "--output",
                str(page_path),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with Browser(chromium) as browser:
            page = browser.open(page_path, width=args.width, height=800, scheme=args.scheme)
            bottom = None
            if not args.all:
                bottom = float(page.evaluate("document.getElementById('as-table').offsetTop - 8"))
            if args.height:
                bottom = args.top + args.height
            png = page.screenshot(top=args.top, bottom=bottom)
            outside = [url for url in page.requests() if not url.startswith("file:")]
    if outside:
        print(f"board_screenshot: the page asked for {outside}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(png)
    optipng = shutil.which("optipng")  # lossless, about a third smaller; optional
    if optipng:
        subprocess.run([optipng, "-quiet", "-o2", str(args.output)], check=True)
    size = args.output.stat().st_size
    print(f"wrote {args.output} ({size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
