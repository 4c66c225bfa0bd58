"""Render the README's report screenshot (docs/report.png) from the sample data.

python scripts/report_screenshot.py [--out docs/report.png]

The sample directory is fed to normnews over four nights, a few of its files at a time, so the
trend charts have points; the last night's report is opened in headless Chromium (Debian's
package) and photographed whole at a laptop's width. Needs the project's virtualenv
(scripts/test or scripts/demo makes it) and chromium.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from headless import load_page  # noqa: E402  (test support: the CDP-over-pipe driver)
from normnews.config import load_config  # noqa: E402
from normnews.output.report import write_report  # noqa: E402
from normnews.pipeline import run  # noqa: E402

SAMPLE = ROOT / "data" / "sample"
NIGHTS = {
    "2026-11-21": ["wire/*"],
    "2026-11-22": ["blog/ja-*"],
    "2026-11-23": ["blog/harbour-*"],
    "2026-11-24": ["blog/night-*", "blog/terrace-*", "feeds/*", "broken/*"],
}
"""Which sample files arrive on which night (globs under data/sample)."""


def main() -> int:
    """Run the nights, render the report, save the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report.png")
    args = parser.parse_args()
    target = args.out.resolve()
    with tempfile.TemporaryDirectory(prefix="normnews-shot-") as tmp:
        # Relative paths, so the page's explain lines read as they would in a project folder.
        os.chdir(tmp)
        inbox, out = Path("sample"), Path("out")
        inbox.mkdir()
        for day, folders in NIGHTS.items():
            for pattern in folders:
                for path in sorted(SAMPLE.glob(pattern)):
                    (inbox / path.parent.name).mkdir(exist_ok=True)
                    shutil.copy2(path, inbox / path.parent.name / path.name)
            config = load_config(None, input_dir=inbox, out_dir=out, run_date=day, workers=1)
            result = run(config)
            print(f"{day}: {result.counts}", file=sys.stderr)
        page = write_report(out).path
        load = load_page(page.resolve().as_uri(), screenshot=target, width=1280)
        if not load.loaded or load.failed_requests or load.script_errors:
            print(f"the page did not load cleanly: {load}", file=sys.stderr)
            return 1
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
