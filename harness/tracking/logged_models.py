"""MLflow logged models: the guarded summarizer (with or without a LoRA adapter) as a model of a run.

A model run logs its trained adapter as the ``adapter`` logged model of the run: a
``ReportSummarizer`` pyfunc whose ``adapter`` artifact holds the adapter weights, its config and
``training_metadata.json``, and whose ``model_config`` names the base model's id and revision,
the decoding settings and the guard. Anything that can reach the tracking store can then fetch
it (``runs:/<run_id>/adapter``, ``models:/<model_id>``, ``models:/<name>@<alias>``) and load it over
its own copy of the base weights. The base weights are never logged: a 7B base is 15 GB, the
adapter a few tens of MB.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from harness.errors import InputError
from harness.tracking.masking import mask_mapping, mask_value

ADAPTER_MODEL = "adapter"
"""Name of a model run's logged model (``runs:/<run_id>/adapter``)."""
ENTRY = Path(__file__).with_name("summarizer_entry.py")
_REQUIREMENTS = ("mlflow", "pandas", "pydantic", "jsonschema", "fastjsonschema", "kiwipiepy", "pyyaml")
_MODEL_REQUIREMENTS = ("torch", "transformers", "peft", "tokenizers", "accelerate")
URI_SCHEMES = ("runs:/", "models:/")


@dataclass(frozen=True)
class LoggedModelRef:
    """A logged model: its id, its name within the run, the run it is linked to."""

    model_id: str
    name: str
    run_id: str | None

    @property
    def uri(self) -> str:
        return f"models:/{self.model_id}"


@dataclass(frozen=True)
class LocalModel:
    """A logged summarizer fetched into a local folder."""

    path: Path
    config: dict[str, Any]
    """The summarizer config (the pyfunc's ``model_config``)."""
    adapter_dir: Path | None


def is_model_uri(ref: str) -> bool:
    """True for references the tracking store resolves (``runs:/...``, ``models:/...``)."""
    return ref.startswith(URI_SCHEMES)


def summarizer_signature() -> Any:
    """``facts`` (string) in; ``marketOverviewSummary``, ``growthSummary``, ``source`` (strings) out."""
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, Schema

    from harness.serve.summarizer import FACTS_COLUMN, OUTPUT_COLUMNS

    return ModelSignature(
        inputs=Schema([ColSpec("string", FACTS_COLUMN)]),
        outputs=Schema([ColSpec("string", name) for name in OUTPUT_COLUMNS]),
    )


def _requirements(with_model: bool) -> list[str]:
    """Pinned versions of what the summarizer imports (the harness package itself is not on PyPI:
    serve with ``--env-manager local`` from an environment where it is installed)."""
    names = _REQUIREMENTS + (_MODEL_REQUIREMENTS if with_model else ())
    pins = []
    for name in names:
        try:
            pins.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return pins


def _adapter_copy(adapter_dir: Path, into: Path) -> Path:
    """The adapter's own files only (weights, config, metadata): training checkpoints stay behind."""
    dst = into / "adapter"
    dst.mkdir()
    files = [f for f in Path(adapter_dir).iterdir() if f.is_file()]
    if not any(f.name == "adapter_config.json" for f in files):
        raise InputError(adapter_dir, "not a LoRA adapter folder (no adapter_config.json)")
    for file in files:
        shutil.copy2(file, dst / file.name)
    return dst


def log_summarizer(
    name: str,
    config: Mapping[str, Any],
    adapter_dir: str | Path | None = None,
    *,
    params: Mapping[str, Any] | None = None,
    tags: Mapping[str, Any] | None = None,
) -> LoggedModelRef:
    """Logs a ``ReportSummarizer`` as a logged model of the active run.

    Args:
        name: the model's name within the run (``adapter`` for a model run's adapter).
        config: the summarizer config (``harness.serve.config.SummarizerConfig`` as JSON data).
        adapter_dir: the LoRA adapter folder, for a summarizer with a model.
        params, tags: searchable facts about the model (base model, revision, suite, role).
    """
    import mlflow

    if mlflow.active_run() is None:
        raise RuntimeError("log_summarizer needs an active MLflow run to link the model to")
    with tempfile.TemporaryDirectory(prefix="harness-model-") as tmp, warnings.catch_warnings():
        # An input example would make MLflow load the model (a 7B base) just to check it; the
        # explicit signature says the same, and the README shows a request.
        warnings.filterwarnings("ignore", message=".*input example was not provided.*")
        artifacts = {"adapter": str(_adapter_copy(Path(adapter_dir), Path(tmp)))} if adapter_dir else None
        info = mlflow.pyfunc.log_model(
            name=name,
            python_model=str(ENTRY),
            artifacts=artifacts,
            model_config=mask_value(dict(config)),
            signature=summarizer_signature(),
            pip_requirements=_requirements(adapter_dir is not None),
            params={k: str(v) for k, v in mask_mapping(params or {}).items()},
            tags=mask_mapping(tags or {}),
        )
    return LoggedModelRef(info.model_id, name, info.run_id)


@contextmanager
def logging_into(run_id: str, uri: str | None = None) -> Iterator[None]:
    """Makes ``run_id`` the active run, so the models logged inside are linked to it."""
    import mlflow

    from harness.tracking.store import tracking_uri

    mlflow.set_tracking_uri(uri or tracking_uri())
    with mlflow.start_run(run_id=run_id):
        yield


def find_run_model(run_id: str, name: str = ADAPTER_MODEL, uri: str | None = None) -> LoggedModelRef | None:
    """The READY logged model ``name`` linked to ``run_id`` (the newest, if it was logged twice)."""
    from mlflow import MlflowClient
    from mlflow.entities import LoggedModelStatus

    from harness.tracking.store import tracking_uri

    client = MlflowClient(uri or tracking_uri())
    experiment_id = client.get_run(run_id).info.experiment_id
    found = []
    token: str | None = None
    while True:
        page = client.search_logged_models([experiment_id], filter_string=f"name = '{name}'", page_token=token)
        found += [m for m in page if m.source_run_id == run_id and m.status == LoggedModelStatus.READY]
        token = page.token
        if not token:
            break
    if not found:
        return None
    newest = max(found, key=lambda m: (m.creation_timestamp or 0, m.model_id))
    return LoggedModelRef(newest.model_id, name, run_id)


def fetch_model(model_uri: str, dst: str | Path, uri: str | None = None) -> LocalModel:
    """Downloads a logged summarizer (any URI MLflow resolves) into ``dst``.

    A bare ``runs:/<run_id>`` means that run's ``adapter`` model.

    Raises:
        InputError: the store does not hold the model, or it is not a harness summarizer.
    """
    import mlflow
    from mlflow.exceptions import MlflowException
    from mlflow.models import Model

    from harness.tracking.store import tracking_uri

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    if model_uri.startswith("runs:/") and "/" not in model_uri.removeprefix("runs:/").strip("/"):
        model_uri = f"runs:/{model_uri.removeprefix('runs:/').strip('/')}/{ADAPTER_MODEL}"
    Path(dst).mkdir(parents=True, exist_ok=True)
    try:
        local = Path(
            mlflow.artifacts.download_artifacts(
                artifact_uri=model_uri, dst_path=str(dst), tracking_uri=uri or tracking_uri()
            )
        )
    except MlflowException as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(model_uri, f"cannot fetch the model from the tracking store ({first})") from None
    if not (local / "MLmodel").is_file():
        raise InputError(model_uri, "not an MLflow model (no MLmodel file)")
    flavor = Model.load(str(local / "MLmodel")).flavors.get("python_function", {})
    config = flavor.get("config")
    if not isinstance(config, dict) or "guard" not in config:
        raise InputError(model_uri, "not a harness summarizer model (no summarizer config)")
    adapter = local / "artifacts" / "adapter"
    return LocalModel(local, config, adapter if adapter.is_dir() else None)
