"""The decision report renders in headless Chromium: verdict visible, every plot decoded, screenshot kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from decide_runs import Recorder, RunSpec

from harness.decide.browser_check import DEFAULT_CHROMIUM, check_report, parse_dom
from harness.decide.compare import run_compare
from harness.decide.report_html import render_html
from harness.decide.tables import Plot, ReportContent

needs_chromium = pytest.mark.skipif(
    not Path(DEFAULT_CHROMIUM).exists(),
    reason=f"headless check needs Debian's chromium at {DEFAULT_CHROMIUM} (apt-get install chromium)",
)


@needs_chromium
def test_browser_check__report_renders_verdict_and_every_plot(
    record_suite: Recorder, mlflow_store: str, tmp_path: Path, rules_file: Path
) -> None:
    record_suite(RunSpec("template"), RunSpec("small", shift=0.5), RunSpec("large", shift=2.0))
    run_compare("cpu", rules_file, out_dir=tmp_path, tracking_uri=mlflow_store, log_run=False)
    result = check_report(tmp_path / "decision.html", tmp_path / "shot.png")
    assert result.problems == []
    assert result.verdict and result.verdict.startswith("Verdict: keep the large model")
    assert result.plots_rendered == result.plots_in_file == 4  # metrics, wins, cost, calibration
    assert (tmp_path / "shot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_chromium
def test_browser_check__broken_plot_is_caught(tmp_path: Path) -> None:
    content = ReportContent(
        "cpu", "template_only", "Verdict: template-only. Test.", [], [Plot("bad", "bad", b"not a png")], []
    )
    html = tmp_path / "decision.html"
    html.write_text(render_html(content), encoding="utf-8")
    result = check_report(html, tmp_path / "shot.png")
    assert not result.ok
    assert result.plots_rendered == 0 and result.plots_in_file == 1
    assert any("0 of 1 plots rendered" in p for p in result.problems)


def test_parse_dom__missing_marks_fail() -> None:
    result = parse_dom("<html><body><p>nothing</p></body></html>", '<img class="plot" src="x">', None)
    assert set(result.problems) >= {"no verdict line in the rendered page", "no screenshot was written"}
