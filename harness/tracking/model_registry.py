"""The model registry: each candidate of a suite as a version of one registered model, and the
verdict as the ``champion`` alias (the one it replaced kept as ``previous``, for a rollback).

A backend serves ``models:/<name>@champion`` and never changes when a decision changes: promoting
moves the alias, rolling back moves it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.errors import InputError
from harness.tracking.masking import mask_mapping

CHAMPION = "champion"
PREVIOUS = "previous"


@dataclass(frozen=True)
class AliasMove:
    """Where ``champion`` points after a promotion or rollback, and what ``previous`` now holds."""

    name: str
    champion: str
    previous: str | None


def _client(uri: str | None) -> Any:
    from mlflow import MlflowClient

    from harness.tracking.store import tracking_uri

    return MlflowClient(uri or tracking_uri())


def register_version(
    model_uri: str, name: str, tags: Mapping[str, Any], run_id: str | None = None, uri: str | None = None
) -> str:
    """Registers a logged model (``models:/<model_id>``) as a new version of ``name`` (created on
    first use), linked to the run that logged it; returns the version number."""
    from mlflow.exceptions import MlflowException

    client = _client(uri)
    try:
        client.get_registered_model(name)
    except MlflowException:
        client.create_registered_model(name, description="Market-report summarizer (harness ReportSummarizer)")
    model_id = model_uri.removeprefix("models:/")
    version = client.create_model_version(name, model_uri, run_id=run_id, tags=mask_mapping(tags), model_id=model_id)
    return str(version.version)


def alias_version(name: str, alias: str, uri: str | None = None) -> str | None:
    """The version ``alias`` points at, or None when the model or the alias does not exist."""
    from mlflow.exceptions import MlflowException

    try:
        return str(_client(uri).get_model_version_by_alias(name, alias).version)
    except MlflowException:
        return None


def crown(name: str, version: str, uri: str | None = None) -> AliasMove:
    """Points ``champion`` at ``version``; the champion it replaces becomes ``previous``."""
    client = _client(uri)
    old = alias_version(name, CHAMPION, uri)
    if old is not None and old != version:
        client.set_registered_model_alias(name, PREVIOUS, old)
    client.set_registered_model_alias(name, CHAMPION, version)
    return AliasMove(name, version, alias_version(name, PREVIOUS, uri))


def roll_back(name: str, uri: str | None = None) -> AliasMove:
    """Swaps ``champion`` and ``previous`` (so rolling back twice restores the promotion).

    Raises:
        InputError: there is no ``previous`` version to roll back to.
    """
    client = _client(uri)
    previous = alias_version(name, PREVIOUS, uri)
    champion = alias_version(name, CHAMPION, uri)
    if previous is None or champion is None:
        raise InputError(f"registered model {name!r}", f"has no '{PREVIOUS}' and '{CHAMPION}' versions to swap")
    client.set_registered_model_alias(name, CHAMPION, previous)
    client.set_registered_model_alias(name, PREVIOUS, champion)
    return AliasMove(name, previous, champion)
