"""Finding a base model's weights on this machine; nothing is ever downloaded at run time.

A 3B/7B preset on a machine without the weights must stop at once with one line that says where
it looked and how to point at a local copy, not fail minutes later inside ``from_pretrained``.
"""

from __future__ import annotations

import os
from pathlib import Path

from harness.errors import InputError

MODEL_DIR_ENV = "HARNESS_MODEL_DIR"


def _is_model_dir(path: Path) -> bool:
    return (path / "config.json").is_file()


def _candidates_under(root: Path, model_id: str) -> list[Path]:
    """``root`` itself, ``root/<org>/<name>`` and ``root/<name>`` (both layouts people use)."""
    name = model_id.rstrip("/").split("/")[-1]
    return [root, root / model_id, root / name]


def _hf_cache(model_id: str) -> Path | None:
    try:
        from huggingface_hub import snapshot_download

        path = Path(snapshot_download(model_id, local_files_only=True))
    except Exception:  # noqa: BLE001 - any failure here means "not in the cache"
        return None
    return path if _is_model_dir(path) else None


def resolve_base_model(model_id: str, model_dir: str | None = None, env_var: str = MODEL_DIR_ENV) -> Path:
    """Local folder holding ``model_id``'s weights, looked up in order:

    1. ``model_dir`` (the experiment's config key), 2. ``model_id`` itself when it is a local path,
    3. ``$HARNESS_MODEL_DIR`` (the folder, or ``<it>/<org>/<name>``, or ``<it>/<name>``),
    4. the Hugging Face cache, with ``local_files_only``.

    Raises:
        InputError: none of them holds a ``config.json``; the message lists every place tried.
    """
    tried: list[str] = []
    if model_dir:
        for cand in _candidates_under(Path(model_dir).expanduser(), model_id):
            if _is_model_dir(cand):
                return cand
        tried.append(f"model_dir {model_dir}")
    as_path = Path(model_id).expanduser()
    if _is_model_dir(as_path):
        return as_path
    if as_path.is_absolute() or model_id.startswith("."):
        tried.append(f"path {model_id}")
    env_value = os.environ.get(env_var)
    if env_value:
        for cand in _candidates_under(Path(env_value).expanduser(), model_id):
            if _is_model_dir(cand):
                return cand
        tried.append(f"${env_var}={env_value}")
    else:
        tried.append(f"${env_var} (unset)")
    cached = _hf_cache(model_id)
    if cached is not None:
        return cached
    hf_home = os.environ.get("HF_HUB_CACHE") or os.environ.get("HF_HOME") or "~/.cache/huggingface"
    tried.append(f"Hugging Face cache {hf_home} (local_files_only)")
    raise InputError(
        model_id,
        f"model weights not found on this machine; looked in: {'; '.join(tried)}. Point at a local copy with"
        f" {env_var}=/path/to/{model_id.split('/')[-1]} or variant.model_dir in the experiment YAML"
        " (nothing is downloaded at run time)",
    )
