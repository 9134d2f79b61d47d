"""Models-from-code entry of the ``ReportSummarizer`` pyfunc: MLflow stores this file with the
model and runs it on load (no pickled object in the store, which MLflow is deprecating)."""

from mlflow.models import set_model

from harness.tracking.summarizer_model import ReportSummarizer

set_model(ReportSummarizer())
