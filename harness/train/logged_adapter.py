"""A model run's adapter in the tracking store: logged once trained, pulled back instead of retrained.

The adapter that produced a run's metrics must outlive the machine that trained it (a GPU
notebook goes away with its disk). So the ``hf`` variant logs the adapter as the run's
``adapter`` logged model the moment training ends, before generation starts; a resumed run (on
this machine or another one pointed at the same tracking store) takes it from there instead of
training again, and ``harness generate --adapter runs:/<run_id>/adapter`` loads it anywhere the
base weights are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import InputError
from harness.serve.config import ModelSection, SummarizerConfig, default_guard
from harness.train.base_revision import base_revision, locate_base, require_revision
from harness.train.config import GenerationSettings
from harness.train.trainer import read_metadata


@dataclass(frozen=True)
class FetchedAdapter:
    """An adapter on local disk (or none), with the base and decoding it was logged with (None for a plain folder)."""

    adapter_dir: Path | None
    model: ModelSection | None


def model_section(
    base_model: str, base_path: Path, model_name: str, stand_in: bool, generation: GenerationSettings,
    model_dir_env: str | None = None,
) -> ModelSection:  # fmt: skip
    """The model half of a summarizer config: base id and revision, where the weights were, decoding."""
    extra = {"model_dir_env": model_dir_env} if model_dir_env else {}
    return ModelSection(
        base_model=base_model, base_revision=base_revision(base_path), base_model_path=str(Path(base_path).resolve()),
        model_name=model_name, stand_in=stand_in, generation=generation, **extra,
    )  # fmt: skip


def log_run_adapter(adapter_dir: Path, section: ModelSection, tags: dict[str, Any] | None = None) -> str:
    """Logs the trained adapter as the active run's ``adapter`` logged model; returns its ``models:/`` URI."""
    from harness.tracking.logged_models import ADAPTER_MODEL, log_summarizer

    meta = read_metadata(adapter_dir)
    config = SummarizerConfig(guard=default_guard(), model=section)
    params = {
        "base_model": section.base_model, "base_revision": section.base_revision,
        "data_sha256": meta.get("data_sha256"), "global_step": meta.get("global_step"),
        "lora_r": (meta.get("lora") or {}).get("r"), "lora_alpha": (meta.get("lora") or {}).get("alpha"),
    }  # fmt: skip
    ref = log_summarizer(ADAPTER_MODEL, config.to_model_config(), adapter_dir, params=params,
                         tags={"stand_in": str(section.stand_in).lower(), "model_name": section.model_name, **(tags or {})})  # fmt: skip
    return ref.uri


def restore_run_adapter(run_id: str, dst: Path, base_path: Path) -> Path | None:
    """The adapter an earlier attempt of ``run_id`` logged, fetched into ``dst``; None if it logged none.

    Raises:
        InputError: the adapter was trained on other base weights than the ones at ``base_path``.
    """
    from harness.tracking.logged_models import fetch_model, find_run_model

    ref = find_run_model(run_id)
    if ref is None:
        return None
    local = fetch_model(ref.uri, dst)
    section = SummarizerConfig.from_model_config(local.config, ref.uri).model
    if local.adapter_dir is None or section is None:
        raise InputError(ref.uri, "the run's adapter model holds no adapter")
    require_revision(base_path, section.base_revision, "resume where those weights are, or start over with --fresh")
    return local.adapter_dir


def fetch_adapter(ref: str, dst: Path) -> FetchedAdapter:
    """``--adapter``: a local folder as it is, or a logged model (``runs:/...``, ``models:/...``) fetched into ``dst``."""
    from harness.tracking.logged_models import fetch_model, is_model_uri

    if not is_model_uri(ref):
        return FetchedAdapter(Path(ref), None)
    local = fetch_model(ref, dst)
    section = SummarizerConfig.from_model_config(local.config, ref).model
    if local.adapter_dir is None or section is None:
        raise InputError(ref, "a template-only summarizer: there is no adapter to load")
    return FetchedAdapter(local.adapter_dir, section)


def base_for(fetched: FetchedAdapter, base_model: str | None, model_dir: str | None) -> Path:
    """The base weights for a fetched adapter: the recorded base at its recorded revision, unless
    ``--base-model``/``--model-dir`` name one (which must then be that revision too)."""
    from harness.train.weights import resolve_base_model

    section = fetched.model
    if section is None:
        if base_model is None:
            raise InputError("--base-model", "needed with an adapter folder (a logged adapter records its base)")
        return resolve_base_model(base_model, model_dir)
    if base_model is None and model_dir is None:
        return locate_base(section.base_model, section.base_revision, section.base_model_path, section.model_dir_env)
    found = resolve_base_model(base_model or section.base_model, model_dir)
    require_revision(found, section.base_revision, f"drop --base-model/--model-dir to look up {section.base_model}")
    return found
