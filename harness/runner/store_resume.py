"""``harness run --resume`` on a machine without the run's folder: take the run over from the store.

The folder is empty (a fresh notebook, a new clone), so there is no ``state.json`` to resume from;
the interrupted MLflow run of the same experiment and config is found in the tracking store
instead, with the predictions it logged when it stopped. The model variant then takes its
adapter from the run's logged model rather than training it again.
"""

from __future__ import annotations

from typing import Any

from harness.runner.config import ExperimentConfig
from harness.runner.workdir import PREDICTIONS, RunFolder


def adopt_from_store(folder: RunFolder, config: ExperimentConfig, uri: str) -> dict[str, Any] | None:
    """Makes ``folder`` the local folder of the store's interrupted run; its state, or None if none."""
    from harness.tracking.run_lookup import fetch_run_file, interrupted_run

    run_id = interrupted_run(config.suite, config.name, config.config_hash(), uri)
    if run_id is None:
        return None
    folder.clear()
    fetch_run_file(run_id, PREDICTIONS, folder.file(PREDICTIONS), uri)
    folder.write_state(run_id=run_id, config_hash=config.config_hash(), status="INTERRUPTED", adopted_from_store=True)
    return folder.state()
