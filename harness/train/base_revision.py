"""Which base weights an adapter belongs to, and finding exactly those weights again elsewhere.

A LoRA adapter is a delta on one set of base weights: applied to another snapshot (a re-built
stand-in, a different hub commit) it loads without complaint and writes different text. So a
logged adapter records the base's id and revision, and loading it on another machine checks the
weights it finds against that revision before a single token is generated.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from harness.errors import InputError
from harness.train.weights import MODEL_DIR_ENV, resolve_base_model

_SNAPSHOT = re.compile(r"^[0-9a-f]{40}$")
_WEIGHT_SUFFIXES = {".safetensors", ".bin", ".json", ".jinja", ".txt", ".model", ".tiktoken"}
_NOT_WEIGHTS = {"tiny_model.json", "training_metadata.json"}
"""Build notes beside the weights (timings, losses) that do not change a single output."""
_CHUNK = 1 << 20


def base_revision(base_path: str | Path) -> str:
    """The hub snapshot commit when ``base_path`` is a Hugging Face cache snapshot, else a digest.

    The digest (``sha256:<hex>``) covers every file that shapes an output: weights, config,
    generation config, tokenizer and chat template, by name and content. Reading a 7B model's
    15 GB takes seconds next to the hours its adapter took to train.
    """
    path = Path(base_path).resolve()
    if path.parent.name == "snapshots" and _SNAPSHOT.match(path.name):
        return path.name
    digest = hashlib.sha256()
    files = sorted(
        f for f in path.iterdir() if f.is_file() and f.suffix in _WEIGHT_SUFFIXES and f.name not in _NOT_WEIGHTS
    )
    if not files:
        raise InputError(path, "no weight, config or tokenizer files to fingerprint")
    for file in files:
        digest.update(file.name.encode("utf-8") + b"\0")
        with file.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
        digest.update(b"\0")
    return "sha256:" + digest.hexdigest()


def locate_base(
    base_model: str, revision: str, path_hint: str | None = None, model_dir_env: str = MODEL_DIR_ENV
) -> Path:
    """The local folder holding ``base_model`` at ``revision``; nothing is downloaded.

    Looks where :func:`resolve_base_model` looks (``$HARNESS_MODEL_DIR``, the id as a path, the
    Hugging Face cache), then at ``path_hint`` (where the weights were when the adapter was
    logged). The first folder found must carry the recorded revision.

    Raises:
        InputError: no folder holds the weights, or the one found is another revision.
    """
    try:
        found = resolve_base_model(base_model, None, model_dir_env)
    except InputError:
        hint = Path(path_hint) if path_hint else None
        if hint is None or not (hint / "config.json").is_file():
            raise
        found = hint
    require_revision(found, revision, f"point {model_dir_env} at the weights of {base_model} at that revision")
    return found


def require_revision(base_path: str | Path, revision: str, remedy: str) -> None:
    """Raises :class:`InputError` unless the weights at ``base_path`` are ``revision`` (an adapter on
    other weights loads without complaint and writes other text); ``remedy`` says what to do."""
    actual = base_revision(base_path)
    if actual != revision:
        raise InputError(
            base_path, f"base weights are revision {actual}, but the adapter was trained on revision {revision}; {remedy}"
        )
