"""``harness gate``: CI refuses any change that makes the golden results worse.

Two checks. First, the facts engine recomputed on the frozen golden inputs must reproduce
``golden/facts.jsonl`` exactly: a silent change there would move every metric at once and hide
the cause. Second, the template (and the CPU model smoke variant, when its model exists) is run on
the golden set and every gated metric is compared with ``golden/baseline.yaml``, each with its own
direction and tolerance. The gate does not log to MLflow: CI needs a verdict, not a run.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from harness.errors import InputError
from harness.evaluate.metrics import named_metrics
from harness.ids import category_key
from harness.jsonl import read_jsonl
from harness.registry import did_you_mean
from harness.repo import in_repo
from harness.runner.config import ExperimentConfig, load_experiment
from harness.runner.golden import FACTS_FILE, INPUTS_DIR, GoldenSet, load_golden
from harness.runner.scoring import golden_order, score
from harness.runner.stages import Stages
from harness.runner.variants import Prediction
from harness.yamlfile import read_yaml

BASELINE_FILE = "baseline.yaml"
MAX_DIFF_LINES = 12


class Threshold(BaseModel):
    """One gated metric: the value on main, which way is better, and how far it may move."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    direction: Literal["higher", "lower"]
    baseline: float
    tolerance: float = 0.0

    def regressed(self, value: float | None) -> bool:
        """True when ``value`` is worse than the baseline by more than the tolerance (or missing)."""
        if value is None or math.isnan(value):
            return True
        if self.direction == "higher":
            return value < self.baseline - self.tolerance - 1e-12
        return value > self.baseline + self.tolerance + 1e-12


class Baseline(BaseModel):
    """``golden/baseline.yaml``: thresholds per experiment name, per metric."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    variants: dict[str, dict[str, Threshold]]


@dataclass(frozen=True)
class Check:
    experiment: str
    metric: str
    threshold: Threshold
    value: float | None

    @property
    def ok(self) -> bool:
        return not self.threshold.regressed(self.value)


@dataclass
class GateResult:
    facts_diff: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    structure: list[str] = field(default_factory=list)  # the template's sentence roles and number formats

    @property
    def passed(self) -> bool:
        return not self.facts_diff and all(c.ok for c in self.checks) and not self.structure


def load_baseline(path: Path) -> Baseline:
    """Reads the thresholds; every metric must be in the registry and gated in its direction."""
    raw = read_yaml(path)
    try:
        baseline = Baseline.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(path, err["msg"], "key '" + ".".join(map(str, err["loc"])) + "'") from None
    named = named_metrics()
    for experiment, thresholds in baseline.variants.items():
        for name, threshold in thresholds.items():
            where = f"key 'variants.{experiment}.{name}'"
            if name not in named:
                raise InputError(path, f"unknown metric {name!r}{did_you_mean(name, named)}", where)
            better = "higher" if named[name].higher_is_better else "lower"
            if threshold.direction != better:
                raise InputError(path, f"direction {threshold.direction!r}, but {better} is better for {name}", where)
    return baseline


def _diff_paths(expected: Any, actual: Any, prefix: str = "") -> list[str]:
    """JSON paths where two facts objects differ (first few), for a readable failure."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in sorted(set(expected) | set(actual), key=str):
            if key not in actual:
                out.append(f"{prefix}{key}: missing now")
            elif key not in expected:
                out.append(f"{prefix}{key}: new field")
            else:
                out.extend(_diff_paths(expected[key], actual[key], f"{prefix}{key}."))
        return out
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in _diff_paths(e, a, f"{prefix}{i}.")
        ]
    if expected != actual:
        shown = (json.dumps(expected, ensure_ascii=False)[:60], json.dumps(actual, ensure_ascii=False)[:60])
        return [f"{prefix.rstrip('.')}: expected {shown[0]}, got {shown[1]}"]
    return []


def diff_facts(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> list[str]:
    """Differences between the committed golden facts and freshly computed ones; empty when equal."""
    exp = {category_key(f["categoryId"]): f for f in expected}
    act = {category_key(f["categoryId"]): f for f in actual}
    lines = [f"category {k}: missing from recomputed facts" for k in exp if k not in act]
    lines += [f"category {k}: recomputed but not in golden facts" for k in act if k not in exp]
    for key, expected_facts in exp.items():
        if key in act:
            lines += [f"category {key}: {d}" for d in _diff_paths(expected_facts, act[key])]
    return lines


def recompute_facts(golden_dir: Path, out: Path) -> list[dict[str, Any]]:
    """Runs ``harness facts`` (the CLI contract, in-process) on the frozen golden inputs."""
    from harness.cli import app

    inputs = golden_dir / INPUTS_DIR
    args = ["facts", "--products", str(inputs / "products_all.csv"), "--reviews", str(inputs / "reviews_all.csv"),
            "--out", str(out)]  # fmt: skip
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # its summary table is for humans; ours follows
            app(args, standalone_mode=False)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise InputError(inputs, f"`harness facts` exited with status {exc.code}") from None
    return read_jsonl(out, required=("categoryId",))


class _ScratchContext:
    """A RunContext without MLflow: the gate only needs the numbers."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.run_id: str | None = None  # no MLflow run: nothing to log a model to or resume from
        self.params: dict[str, Any] = {}

    def log_params(self, params: Mapping[str, Any]) -> None:
        self.params.update(params)

    def log_metrics(self, metrics: Mapping[str, float], step: int | None = None) -> None:
        """Training curves are not gated."""


def evaluate_config(
    config: ExperimentConfig, golden: GoldenSet, stages: Stages | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Generates and scores one experiment on the golden set: its aggregate metrics and its rows."""
    stages = stages or Stages()
    variant = stages.variant(config)
    with tempfile.TemporaryDirectory(prefix="gate-") as tmp:
        ctx = _ScratchContext(Path(tmp))
        variant.prepare(ctx, golden.ids)
        preds: list[Prediction] = list(variant.generate(golden.facts, ctx))
    order = golden_order(golden, [p.to_row() for p in preds])
    rows = [preds[i].to_row() for i in order]
    return score(golden, rows, [preds[i].generation for i in order], stages.metrics).aggregate, rows


def template_structure(golden_dir: Path, golden: GoldenSet, rows: list[dict[str, Any]]) -> list[str]:
    """The template's outputs against its frozen sentence roles and the number formats (gate_structure)."""
    from harness.runner import gate_structure
    from harness.writers.normalize import normalize_output

    by_id = {category_key(r["categoryId"]): r["output"] for r in rows}
    summaries = [normalize_output(by_id.get(category_key(f["categoryId"]), "")).summary for f in golden.facts]
    return gate_structure.check(golden_dir, golden.facts, summaries)


def model_available(config: ExperimentConfig) -> bool:
    """False when the variant points at a local model folder that does not exist yet."""
    base = getattr(config.variant, "base_model", None)
    if base is None or not getattr(config.variant, "stand_in", False):
        return True
    return Path(base).exists()


def run_gate(
    golden_dir: str | Path = "golden",
    experiments: list[Path] | None = None,
    baseline_path: Path | None = None,
    check_facts: bool = True,
    stages: Stages | None = None,
) -> GateResult:
    """Runs the checks; the caller prints :func:`render` and exits non-zero unless ``passed``.

    ``stages`` replaces the registered variants and metrics (the mutation tests use it).
    """
    golden_dir = in_repo(golden_dir)
    result = GateResult()
    baseline = load_baseline(baseline_path or golden_dir / BASELINE_FILE)
    golden = load_golden(golden_dir)
    if check_facts:
        with tempfile.TemporaryDirectory(prefix="gate-facts-") as tmp:
            fresh = recompute_facts(golden_dir, Path(tmp) / FACTS_FILE)
        result.facts_diff = diff_facts(golden.facts, fresh)
    for path in experiments or []:
        if not path.exists():
            result.notes.append(f"{path}: absent, skipped")
            continue
        config = load_experiment(path)
        if not model_available(config):
            result.notes.append(
                f"{config.name}: model folder {getattr(config.variant, 'base_model', '')} absent, skipped"
            )
            continue
        thresholds = baseline.variants.get(config.name)
        if thresholds is None:
            result.notes.append(f"{config.name}: no thresholds in the baseline; ran as a smoke test only")
        aggregate, rows = evaluate_config(config, golden, stages)
        if config.variant.kind == "template":
            problems = template_structure(golden_dir, golden, rows)
            result.structure += problems
            if not problems:
                result.notes.append(f"{config.name}: every sentence role and number format as frozen in "
                                    "golden/template_structure.jsonl")  # fmt: skip
        for metric, threshold in (thresholds or {}).items():
            value = aggregate.get(metric)
            result.checks.append(
                Check(config.name, metric, threshold, None if value is None else float(value))
            )
    return result


def _capped(items: list[str]) -> list[str]:
    """The first ``MAX_DIFF_LINES`` items, indented, and how many more there are."""
    more = [f"  ... and {len(items) - MAX_DIFF_LINES} more"] if len(items) > MAX_DIFF_LINES else []
    return [f"  {item}" for item in items[:MAX_DIFF_LINES]] + more


def render(result: GateResult) -> str:
    """The gate's table (plain text, so CI logs keep it readable)."""
    lines = []
    if result.facts_diff:
        lines.append(f"golden facts: {len(result.facts_diff)} differences from golden/facts.jsonl (run `make golden` "
                     "only if the change is intended, and add a MANIFEST changelog line)")  # fmt: skip
        lines += _capped(result.facts_diff)
    else:
        lines.append("golden facts: identical to golden/facts.jsonl")
    header = f"{'experiment':<16} {'metric':<24} {'dir':<6} {'baseline':>9} {'tol':>6} {'value':>9}  status"
    lines += [header, "-" * len(header)]
    for c in result.checks:
        value = "missing" if c.value is None or math.isnan(c.value) else f"{c.value:.4f}"
        status = "ok" if c.ok else "REGRESSED"
        lines.append(f"{c.experiment:<16} {c.metric:<24} {c.threshold.direction:<6} {c.threshold.baseline:>9.4f} "
                     f"{c.threshold.tolerance:>6.3f} {value:>9}  {status}")  # fmt: skip
    if result.structure:
        lines.append(f"template structure: {len(result.structure)} problems (if a change is intended, `make golden` "
                     "refreezes golden/template_structure.jsonl; add a MANIFEST changelog line)")  # fmt: skip
        lines += _capped(result.structure)
    lines += [f"note: {n}" for n in result.notes]
    lines.append("gate: PASSED" if result.passed else "gate: FAILED")
    return "\n".join(lines)
