"""The report's plots, drawn with matplotlib's object API on the Agg canvas (no display, no pyplot state).

Each plot is returned as PNG bytes with the volatile metadata (software version) stripped, so the
same decision always draws the same bytes and the HTML can embed them as data URIs.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from harness.decide.bootstrap import Interval, PairedComparison

TEMPLATE_COLOR = "#7f7f7f"
LADDER_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
WIN, LOSS, TIE = "#2ca02c", "#d62728", "#bdbdbd"
GUARDED = "guarded "
LEGEND_COLUMNS = 5


def variant_colors(ladder: Sequence[str]) -> dict[str, str]:
    """Template grey, each rung its own colour in ladder order, its guarded composition a lighter shade."""
    colors = {"template": TEMPLATE_COLOR}
    for i, role in enumerate(ladder):
        colors[role] = LADDER_COLORS[i % len(LADDER_COLORS)]
        colors[GUARDED + role] = _lighter(colors[role])
    return colors


def _lighter(hex_color: str) -> str:
    rgb = [int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * 0.45):02x}" for c in rgb)


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, metadata={"Software": None})
    return buf.getvalue()


def metrics_per_variant(
    intervals: Mapping[str, Mapping[str, Interval]],
    groups: Sequence[tuple[str, Sequence[str]]],
    colors: Mapping[str, str],
) -> bytes:
    """Each metric per variant: grouped bars (one group per metric) with bootstrap intervals.

    ``groups`` puts metrics that share a scale on one panel (the 0..1 floor rates together, each
    quality metric on its own), which reads better and draws far faster than a panel per metric.
    """
    variants = list(intervals)
    widths = [max(1.0, 0.9 * len(metrics)) for _, metrics in groups]
    legend_rows = -(-len(variants) // LEGEND_COLUMNS)
    fig = Figure(figsize=(min(16.0, 2.2 + 2.2 * sum(widths)), 3.6 + 0.25 * (legend_rows - 1)))
    axes = fig.subplots(1, len(groups), gridspec_kw={"width_ratios": widths}, squeeze=False)[0]
    fig.subplots_adjust(left=0.05, right=0.99, top=0.8 - 0.06 * (legend_rows - 1), bottom=0.2, wspace=0.25)
    step = 0.8 / max(1, len(variants))
    for ax, (title, metrics) in zip(axes, groups, strict=True):
        for v, variant in enumerate(variants):
            xs, means, low, high = [], [], [], []
            for m, metric in enumerate(metrics):
                iv = intervals[variant].get(metric)
                if iv is None or iv.n == 0:
                    continue
                xs.append(m - 0.4 + step * (v + 0.5))
                means.append(iv.mean)
                low.append(iv.mean - iv.low)
                high.append(iv.high - iv.mean)
            if xs:
                ax.bar(xs, means, width=step * 0.95, color=colors.get(variant, TIE), alpha=0.85, label=variant)
                ax.errorbar(xs, means, yerr=[low, high], fmt="none", ecolor="black", capsize=2, linewidth=0.8)
        ax.set_xticks(range(len(metrics)), [m.replace("_", " ") for m in metrics], fontsize=7, rotation=15)
        ax.set_title(title, fontsize=9)
        ax.tick_params(axis="y", labelsize=7)
        ax.grid(axis="y", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper right", ncols=min(len(variants), LEGEND_COLUMNS), fontsize=8, frameon=False)
    fig.suptitle(
        "Each metric per variant (mean over categories, bootstrap interval)", fontsize=10, x=0.01, ha="left"
    )
    return _png(fig)


def wins_losses(comparisons: Mapping[str, Mapping[str, PairedComparison]]) -> bytes:
    """Per-category difference against the template, one row per model and one column per metric.

    Bars above zero are categories the model won (in the metric's better direction).
    """
    rows = list(comparisons)
    metrics = list(dict.fromkeys(m for per in comparisons.values() for m in per))
    nrows, ncols = max(1, len(rows)), max(1, len(metrics))
    fig = Figure(figsize=(5.0 * ncols, 2.8 * nrows))
    fig.subplots_adjust(
        left=0.08, right=0.98, top=1 - 0.45 / nrows, bottom=0.3 / nrows, hspace=0.8, wspace=0.25
    )
    for r, role in enumerate(rows):
        for c, metric in enumerate(metrics):
            ax = fig.add_subplot(nrows, ncols, r * ncols + c + 1)
            cmp = comparisons[role].get(metric)
            if cmp is None or not cmp.diffs:
                ax.text(0.5, 0.5, "no shared categories", ha="center", transform=ax.transAxes)
                ax.set_title(f"{role}: {metric}", fontsize=10)
                continue
            keys = list(cmp.diffs)
            values = [cmp.diffs[k] for k in keys]
            colors = [WIN if v > 0 else LOSS if v < 0 else TIE for v in values]
            ax.bar(range(len(keys)), values, color=colors)
            ax.axhline(0, color="black", linewidth=0.8)
            ax.set_xticks(range(len(keys)), keys, rotation=60, fontsize=7)
            ax.set_title(
                f"{role}: {metric} ({cmp.wins} won / {cmp.losses} lost / {cmp.ties} tied)", fontsize=9
            )
            ax.grid(axis="y", alpha=0.3)
    fig.suptitle("Per-category difference against the template (above zero = model wins)", fontsize=11)
    return _png(fig)


def quality_vs_cost(
    quality: Mapping[str, Interval],
    cost: Mapping[str, float | None],
    quality_metric: str,
    cost_metric: str,
    colors: Mapping[str, str],
) -> bytes:
    """Quality (with its interval) against cost, one point per variant.

    A variant whose cost was not measured has no place on the cost axis: it is named under the
    plot instead of being drawn at zero.
    """
    fig = Figure(figsize=(6.4, 4.2))
    fig.subplots_adjust(left=0.12, right=0.95, top=0.9, bottom=0.17)
    ax = fig.add_subplot(1, 1, 1)
    unmeasured = []
    for variant, iv in quality.items():
        x = cost.get(variant)
        if iv.n == 0:
            continue
        if x is None:
            unmeasured.append(variant)
            continue
        ax.errorbar(
            x,
            iv.mean,
            yerr=[[iv.mean - iv.low], [iv.high - iv.mean]],
            fmt="o",
            capsize=4,
            color=colors.get(variant, TIE),
            markersize=8,
        )
        ax.annotate(
            variant,
            (x, iv.mean),
            textcoords="offset points",
            xytext=(6, -12) if variant.startswith(GUARDED) else (6, 6),
            fontsize=9,
        )
    if unmeasured:
        fig.text(0.01, 0.01, f"{cost_metric} not measured: {', '.join(unmeasured)}", fontsize=8)
    ax.set_xlabel(cost_metric)
    ax.set_ylabel(quality_metric)
    ax.set_title(f"Quality against cost: {quality_metric} vs {cost_metric}", fontsize=11)
    ax.grid(alpha=0.3)
    return _png(fig)
