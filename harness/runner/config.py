"""Experiment files: YAML that names one variant, validated before anything runs.

Configs are data: one small YAML per experiment that ``extends:`` a shared base and overrides a
few keys. Validation is strict (frozen pydantic models, unknown keys forbidden) because a typo in a
key would otherwise silently fall back to a default and produce a run that looks valid but is not
the experiment that was asked for. Every error names the file and the dotted key, in one line.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny, ValidationError, field_validator

from harness.errors import InputError
from harness.registry import UnknownNameError
from harness.runner.variants import VARIANTS, VariantConfig
from harness.runner.variants.loading import load_variants
from harness.runner.workdir import safe_name
from harness.yamlfile import read_yaml

TEMPLATE_ROLE = "template"
RESERVED_ROLES = frozenset({"decision", "guarded"})
Role = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")]
"""``template`` or a model candidate's role (a rung of the decision rules' ladder, e.g. ``large``)."""


def _role(value: str | None) -> str | None:
    if value in RESERVED_ROLES:
        raise ValueError(f"{value!r} is reserved for the decision stage's own runs")
    return value
EXTENDS_KEY = "extends"
MAX_EXTENDS_DEPTH = 8
MAX_SHOWN_CHARS = 60
MAX_DESCRIPTION_CHARS = 10_000  # a note for people reading the run, logged as a param; not a document


class ExperimentConfig(BaseModel):
    """One experiment: which variant, evaluated on which golden set, reported under which suite/role."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    suite: str = "default"
    role: Role
    golden: Path = Path("golden")
    description: str = Field(default="", max_length=MAX_DESCRIPTION_CHARS)
    variant: SerializeAsAny[VariantConfig]

    @field_validator("name", "suite")
    @classmethod
    def _safe(cls, value: str) -> str:
        return safe_name(value)  # both become folder names under work/; "." or ".." once deleted data

    _role = field_validator("role")(_role)

    def resolved(self) -> dict[str, Any]:
        """The fully merged config as plain data (logged as ``config.yaml``)."""
        return self.model_dump(mode="json")

    def config_hash(self) -> str:
        """Short hash of the resolved config: equal configs give equal hashes across machines."""
        text = json.dumps(self.resolved(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class PartialExperiment(BaseModel):
    """A base file: every key optional, but the keys present must be known and well typed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = None
    suite: str | None = None
    role: Role | None = None
    golden: Path | None = None
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION_CHARS)
    variant: dict[str, Any] | None = None

    @field_validator("name", "suite")
    @classmethod
    def _safe(cls, value: str | None) -> str | None:
        return None if value is None else safe_name(value)

    _role = field_validator("role")(_role)


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merges ``override`` into ``base``: nested dicts merge key by key, anything else is replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_mapping(path: Path) -> dict[str, Any]:
    data = read_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(path, f"expected a mapping of keys, got {type(data).__name__}")
    return data


def load_raw(path: str | Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Reads a YAML file and resolves its ``extends:`` chain (paths relative to the file)."""
    path = Path(path)
    data = _read_mapping(path)
    parent = data.pop(EXTENDS_KEY, None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise InputError(path, "must be a file path", f"key '{EXTENDS_KEY}'")
    parent_path = (path.parent / parent).resolve()
    if parent_path in _seen or parent_path == path.resolve():
        raise InputError(path, f"extends chain loops back to {parent}", f"key '{EXTENDS_KEY}'")
    if len(_seen) >= MAX_EXTENDS_DEPTH:
        raise InputError(path, "extends chain is too deep", f"key '{EXTENDS_KEY}'")
    if not parent_path.exists():
        raise InputError(path, f"extended file {parent} does not exist", f"key '{EXTENDS_KEY}'")
    base = load_raw(parent_path, (*_seen, path.resolve()))
    return deep_merge(base, data)


def _first_error(path: Path, exc: ValidationError, prefix: str = "") -> InputError:
    """Turns pydantic's first error into the one-line ``file: key 'a.b': problem`` form."""
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"] if p != "__root__")
    key = f"{prefix}.{loc}" if prefix and loc else (prefix or loc)
    if err["type"] == "extra_forbidden":
        problem = "unknown key"
    elif err["type"] == "missing":
        problem = "required key is missing"
    else:
        got = err.get("input")
        shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
        if len(shown) > MAX_SHOWN_CHARS:  # a 50 MB value is named, not echoed
            shown = f"{shown[:MAX_SHOWN_CHARS]}... ({len(got) if isinstance(got, str) else len(shown):,} characters)"
        problem = f"{err['msg']} (got {shown})"
    return InputError(path, problem, f"key '{key}'" if key else None)


def build_variant_config(path: Path, raw: Any) -> VariantConfig:
    """Validates the ``variant:`` section with the config class its ``kind`` selects."""
    if not isinstance(raw, dict):
        raise InputError(path, "must be a mapping with a 'kind'", "key 'variant'")
    kind = raw.get("kind")
    if not isinstance(kind, str):
        raise InputError(path, "required key is missing", "key 'variant.kind'")
    load_variants()
    try:
        cls = VARIANTS.get(kind)
    except UnknownNameError as exc:
        raise InputError(path, str(exc), "key 'variant.kind'") from None
    try:
        return cls.Config.model_validate(raw)
    except ValidationError as exc:
        raise _first_error(path, exc, "variant") from None


def config_from_dict(path: Path, raw: dict[str, Any]) -> ExperimentConfig:
    """Validates merged experiment data; ``path`` is only used in error messages."""
    data = dict(raw)
    if "variant" not in data:
        raise InputError(path, "required key is missing", "key 'variant'")
    data["variant"] = build_variant_config(path, data["variant"])
    try:
        return ExperimentConfig.model_validate(data)
    except ValidationError as exc:
        raise _first_error(path, exc) from None


def load_experiment(path: str | Path) -> ExperimentConfig:
    """Loads, merges and validates an experiment YAML; raises :class:`InputError` on any problem."""
    path = Path(path)
    return config_from_dict(path, load_raw(path))


def check_partial(path: str | Path) -> PartialExperiment:
    """Validates a base file that other experiments extend (all keys optional, none unknown)."""
    path = Path(path)
    raw = load_raw(path)
    try:
        partial = PartialExperiment.model_validate(raw)
    except ValidationError as exc:
        raise _first_error(path, exc) from None
    kind = (partial.variant or {}).get("kind")
    if kind is not None:  # a base may leave required variant keys to its children; the kind must exist
        load_variants()
        try:
            VARIANTS.get(str(kind))
        except UnknownNameError as exc:
            raise InputError(path, str(exc), "key 'variant.kind'") from None
    return partial
