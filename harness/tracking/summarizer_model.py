"""``ReportSummarizer``: the guarded summarizer packaged as an MLflow pyfunc model.

A thin adapter over :class:`harness.serve.summarizer.Summarizer`: it reads the summarizer's
config from the model's ``model_config`` and the LoRA adapter from its ``adapter`` artifact, and
turns a request the summarizer rejects into an ``MlflowException`` with
``INVALID_PARAMETER_VALUE``, which MLflow's scoring server answers with HTTP 400 and the message
(any other exception in ``predict`` becomes a 400 with a generic text, never naming the problem).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from mlflow.pyfunc import PythonModel

ADAPTER_ARTIFACT = "adapter"


class ReportSummarizer(PythonModel):
    """DataFrame with a ``facts`` column (one facts JSON string per row) in; one row per input out:
    ``marketOverviewSummary``, ``growthSummary``, ``source`` (``model`` or ``template``)."""

    def load_context(self, context: Any) -> None:
        from harness.serve.config import SummarizerConfig
        from harness.serve.summarizer import Summarizer

        config = SummarizerConfig.from_model_config(context.model_config)
        adapter = (context.artifacts or {}).get(ADAPTER_ARTIFACT)
        self._summarizer = Summarizer.load(config, adapter)

    def predict(self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None) -> pd.DataFrame:
        # A DataFrame hint is one MLflow does not turn into a schema, so the explicit signature
        # (a string ``facts`` column) is what validates requests.
        from mlflow.exceptions import MlflowException
        from mlflow.protos.databricks_pb2 import INVALID_PARAMETER_VALUE

        from harness.errors import InputError
        from harness.serve.summarizer import FACTS_COLUMN, OUTPUT_COLUMNS

        frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
        if FACTS_COLUMN not in frame.columns:
            raise MlflowException(
                f"the input needs a '{FACTS_COLUMN}' column (one facts JSON string per row); got {list(frame.columns)}",
                error_code=INVALID_PARAMETER_VALUE,
            )
        try:
            summaries = self._summarizer.summarize(frame[FACTS_COLUMN].tolist())
        except InputError as exc:
            raise MlflowException(exc.one_line(), error_code=INVALID_PARAMETER_VALUE) from None
        return pd.DataFrame([s.to_row() for s in summaries], columns=list(OUTPUT_COLUMNS))
