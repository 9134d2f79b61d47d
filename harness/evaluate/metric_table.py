"""The README's metric table, generated from the registry so the two can never disagree.

``python -m harness.evaluate.metric_table README.md`` rewrites the part of the README between the
two markers; ``--check`` only says whether it is current (a test runs that check).
"""

from __future__ import annotations

import sys

from harness.evaluate.cost import COST_METRICS
from harness.evaluate.metric_registry import INPUTS
from harness.evaluate.metrics import METRICS
from harness.markdown_block import markers, replace_block, rewrite_cli

BLOCK = "metric-table"
GENERATOR = "generated from harness/evaluate/metrics.py by `make readme`"
BEGIN, END = markers(BLOCK, GENERATOR)
_AGGREGATION = {"bool": "share of rows where true", "float": "mean over rows, nulls skipped"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render() -> str:
    """The markdown table: every row metric in registry order, then the run-level cost figures."""
    lines = [
        "| metric | better | aggregated as | reads | meaning |",
        "|---|---|---|---|---|",
    ]
    for m in METRICS.metrics():
        better = "higher" if m.higher_is_better else "lower"
        reads = ", ".join(i for i in INPUTS if i in m.needs)
        lines.append(
            f"| `{m.aggregate_name}` | {better} | {_AGGREGATION[m.kind]} | {reads} | {_cell(m.description)} |"
        )
    for c in COST_METRICS:
        better = "higher" if c.higher_is_better else "lower"
        lines.append(f"| `{c.name}` | {better} | run-level cost | the variant | {_cell(c.description)} |")
    return "\n".join(lines)


def updated(text: str, where: str) -> str:
    """``text`` with the table between the markers replaced by the current one."""
    return replace_block(text, BLOCK, GENERATOR, render(), where)


def main(argv: list[str]) -> int:
    """Rewrites the README's table (or with ``--check``, exits 1 when it is stale)."""
    return rewrite_cli(argv, lambda text, path: updated(text, str(path)), "metric table")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
