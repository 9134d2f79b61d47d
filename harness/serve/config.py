"""What a packaged summarizer holds: the guard it applies and, optionally, the model it runs.

The same record travels as the pyfunc model's ``model_config`` (visible in the MLflow UI), so a
served model says which base weights, which decoding settings and which floor checks it uses.
A summarizer without a model is the template writer, nothing else.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from harness.decide.config import GuardedConfig
from harness.errors import InputError
from harness.train.config import GenerationSettings
from harness.train.weights import MODEL_DIR_ENV

CONFIG_VERSION = 1


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ModelSection(_Frozen):
    """The model half of a guarded summarizer: base weights by id and revision, decoding settings."""

    base_model: str
    """Hub id (``Qwen/Qwen2.5-7B-Instruct``) or the folder the run loaded (a CPU stand-in)."""
    base_revision: str
    """Hub snapshot commit, or ``sha256:<digest>`` of the weight, config and tokenizer files."""
    base_model_path: str | None = None
    """Where the weights were when the adapter was logged: tried last, after the usual lookup."""
    model_dir_env: str = MODEL_DIR_ENV
    model_name: str
    stand_in: bool = False
    generation: GenerationSettings = GenerationSettings()


def default_guard() -> GuardedConfig:
    """The ``guarded:`` checks of the shipped rules file (a model run's adapter is logged with them;
    ``harness compare --promote`` re-logs each candidate with the checks of the rules it used)."""
    from harness.decide.config import DEFAULT_RULES, load_rules

    return load_rules(DEFAULT_RULES).guarded


class SummarizerConfig(_Frozen):
    """A packaged summarizer: ``model`` None means template-only."""

    version: int = CONFIG_VERSION
    guard: GuardedConfig
    model: ModelSection | None = None

    @property
    def source_label(self) -> str:
        """How the registry and the report name it."""
        if self.model is None:
            return "template"
        return f"guarded {self.model.model_name}"

    def to_model_config(self) -> dict[str, Any]:
        """Plain JSON data for MLflow's ``model_config``."""
        return self.model_dump(mode="json")

    @classmethod
    def from_model_config(cls, data: Any, source: str = "model_config") -> SummarizerConfig:
        """Reads a stored record back; a record this code cannot read is an :class:`InputError`."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or None
            raise InputError(source, f"not a summarizer config this harness can read: {err['msg']}", where) from None
