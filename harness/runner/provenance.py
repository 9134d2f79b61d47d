"""Where a run came from: git commit, package versions, hardware. Logged so runs can be trusted later.

A number in a decision report is only worth as much as the ability to say which code, which
libraries and which machine produced it; these are cheap to collect and expensive to reconstruct.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from harness.repo import REPO_ROOT

PACKAGES = (
    "harness",
    "mlflow",
    "torch",
    "transformers",
    "peft",
    "trl",
    "kiwipiepy",
    "pandas",
    "numpy",
    "pydantic",
)


def git_commit(repo: Path = REPO_ROOT) -> str:
    """HEAD's commit, with ``-dirty`` when tracked files differ; ``unknown`` outside a git checkout."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=repo, capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}-dirty" if dirty else head


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """``pkg.<name>`` -> installed version (``absent`` when not installed)."""
    versions = {"pkg.python": platform.python_version()}
    for name in names:
        try:
            versions[f"pkg.{name}"] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[f"pkg.{name}"] = "absent"
    return versions


def hardware() -> str:
    """A short description of the machine: the GPU when torch (already imported) sees one, else the CPU."""
    torch = sys.modules.get("torch")
    if torch is not None:
        try:
            if torch.cuda.is_available():
                return f"gpu: {torch.cuda.get_device_name(0)} x{torch.cuda.device_count()}"
        except Exception:  # noqa: BLE001 - a broken CUDA setup still gets described as CPU
            pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"cpu: {cores} cores {platform.machine()} ({platform.processor() or platform.system()})"
