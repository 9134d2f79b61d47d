"""Imports the modules that register variants, so ``VARIANTS`` is complete before a config is read.

Variants register themselves on import (one decorated class each). The Hugging Face variant lives
in the training package and pulls in torch only when it generates, but it may be absent in a
checkout that has no training stage yet, so it is optional here and its absence is remembered.
"""

from __future__ import annotations

import importlib

BUILTIN_MODULES = (
    "harness.runner.variants.template",
    "harness.runner.variants.predictions",
)
OPTIONAL_MODULES = ("harness.train.variant",)

_missing: dict[str, str] = {}


def load_variants() -> dict[str, str]:
    """Imports every variant module; returns the optional ones that could not be imported and why."""
    for name in BUILTIN_MODULES:
        importlib.import_module(name)
    for name in OPTIONAL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise  # the module exists but one of its own imports is broken: say so loudly
            _missing[name] = str(exc)
    return dict(_missing)
