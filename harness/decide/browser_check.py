"""Proof that the decision report renders: open it in headless Chromium and read back the DOM.

The report's inline script records on ``<body>`` how many plots decoded (``naturalWidth > 0``) and
whether the verdict box has height; ``--dump-dom`` returns the DOM after the load event, so this
checks what a reader would see, not just that the file exists. The screenshot is kept as a CI
artifact.

Usage: ``python -m harness.decide.browser_check reports/decision.html --screenshot artifacts/decision.png``
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

DEFAULT_CHROMIUM = "/usr/bin/chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


@dataclass(frozen=True)
class RenderCheck:
    """What the browser reported about one report."""

    verdict: str | None
    verdict_visible: bool
    plots_in_file: int
    plots_total: int
    plots_rendered: int
    screenshot: Path | None

    @property
    def problems(self) -> list[str]:
        out = []
        if not self.verdict or not self.verdict.startswith("Verdict:"):
            out.append("no verdict line in the rendered page")
        if not self.verdict_visible:
            out.append("the verdict box has no height")
        if self.plots_in_file == 0:
            out.append("the report holds no plots")
        if not self.plots_total == self.plots_rendered == self.plots_in_file:
            out.append(
                f"{self.plots_rendered} of {self.plots_in_file} plots rendered (page saw {self.plots_total})"
            )
        if self.screenshot is None:
            out.append("no screenshot was written")
        return out

    @property
    def ok(self) -> bool:
        return not self.problems


def find_chromium() -> str | None:
    """``$CHROMIUM`` if set, else Debian's ``/usr/bin/chromium``, else ``chromium`` on PATH."""
    for candidate in (os.environ.get("CHROMIUM"), DEFAULT_CHROMIUM, shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _attr(tag: str, name: str) -> str | None:
    match = re.search(rf'\b{name}="([^"]*)"', tag)
    return unescape(match.group(1)) if match else None


def parse_dom(dom: str, html: str, screenshot: Path | None) -> RenderCheck:
    """Reads the marks the report's script left in the dumped DOM."""
    body = re.search(r"<body\b[^>]*>", dom)
    tag = body.group(0) if body else ""
    verdict = re.search(r'<p id="verdict"[^>]*>(.*?)</p>', dom, re.DOTALL)
    return RenderCheck(
        verdict=unescape(re.sub(r"<[^>]+>", "", verdict.group(1))).strip() if verdict else None,
        verdict_visible=_attr(tag, "data-verdict-visible") == "yes",
        plots_in_file=len(re.findall(r'<img class="plot"', html)),
        plots_total=int(_attr(tag, "data-plots-total") or -1),
        plots_rendered=int(_attr(tag, "data-plots-rendered") or -1),
        screenshot=screenshot
        if screenshot is not None and screenshot.is_file() and screenshot.stat().st_size
        else None,
    )


def check_report(
    html_path: Path, screenshot: Path, chromium: str | None = None, timeout_s: float = 120
) -> RenderCheck:
    """Renders ``html_path`` headless, saves ``screenshot``, and reports what rendered.

    Raises:
        FileNotFoundError: no Chromium binary, or no report file.
    """
    binary = chromium or find_chromium()
    if binary is None:
        raise FileNotFoundError(f"Chromium not found (looked at $CHROMIUM, {DEFAULT_CHROMIUM}, PATH)")
    html_path = html_path.resolve()
    html = html_path.read_text(encoding="utf-8")
    screenshot = screenshot.resolve()
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    screenshot.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="harness-chromium-") as profile:
        cmd = [
            binary,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={screenshot}",
            "--window-size=1280,4000",
            "--hide-scrollbars",
            "--dump-dom",
            html_path.as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"chromium exited {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}")
    return parse_dom(proc.stdout, html, screenshot)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: exit 0 when the verdict and every plot rendered, 1 otherwise, 2 on bad input."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, nargs="?", default=Path("reports/decision.html"))
    parser.add_argument("--screenshot", type=Path, default=Path("artifacts/decision.png"))
    args = parser.parse_args(argv)
    if not args.html.is_file():
        print(f"error: {args.html}: no report; run `make compare` first", file=sys.stderr)
        return 2
    try:
        result = check_report(args.html, args.screenshot)
    except (FileNotFoundError, RuntimeError, subprocess.TimeoutExpired) as exc:
        print(f"error: {args.html}: {exc}", file=sys.stderr)
        return 2
    print(f"verdict: {result.verdict}")
    print(f"plots rendered: {result.plots_rendered}/{result.plots_in_file}; screenshot: {result.screenshot}")
    for problem in result.problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
