"""What a run builds its variant from and scores with: the seam tests and benchmarks inject through.

Production code always runs with the defaults (the registered variants, the metric catalogue);
a test passes its own registries, with a fake writer or metrics defined in the test, instead of
replacing modules behind the runner's back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.evaluate.metric_registry import MetricRegistry
from harness.evaluate.metrics import METRICS
from harness.registry import Registry
from harness.runner.config import ExperimentConfig
from harness.runner.variants import VARIANTS, Variant


@dataclass(frozen=True)
class Stages:
    """The variant classes a run may build and the metrics it scores with."""

    variants: Registry[type[Variant]] = field(default_factory=lambda: VARIANTS)
    metrics: MetricRegistry = field(default_factory=lambda: METRICS)

    def variant(self, config: ExperimentConfig) -> Variant:
        """The experiment's variant, built from its validated config section."""
        return self.variants.get(config.variant.kind)(config.variant)
