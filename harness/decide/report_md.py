"""The Markdown decision report: verdict on the first line, then the evidence as tables."""

from __future__ import annotations

from harness.decide.tables import ReportContent, Table


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table_md(table: Table) -> str:
    lines = [f"## {table.title}", ""]
    if table.intro:
        lines += [table.intro, ""]
    lines.append("| " + " | ".join(_cell(h) for h in table.header) + " |")
    lines.append("|" + "---|" * len(table.header))
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    if not table.rows:
        lines.append("| " + " | ".join(["(none)"] + [""] * (len(table.header) - 1)) + " |")
    return "\n".join(lines)


def render_md(content: ReportContent) -> str:
    """The whole report; plots are linked as PNG files written beside it."""
    parts = [f"**{content.headline}**", "", f"# Decision report: suite `{content.suite}`", ""]
    parts += [table_md(t) + "\n" for t in content.tables]
    if content.plots:
        parts.append("## Plots\n")
        parts += [f"![{p.title}](decision_{p.name}.png)\n" for p in content.plots]
    if content.notes:
        parts.append("## Notes\n")
        parts += [f"- {n}" for n in content.notes]
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"
