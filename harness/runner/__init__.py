"""runner stage: experiment configs (``config.ExperimentConfig``), variants (``variants.VARIANTS``),
``harness run`` (``run.run_experiment``), ``harness suite``, the golden set and ``harness gate``."""
