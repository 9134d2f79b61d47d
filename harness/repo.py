"""The repository root, found once: shipped files (rules, experiments, golden set) resolve from here.

Commands usually run from the repository root, where relative paths such as
``experiments/decision_rules.yaml`` or ``golden`` just work. Run from elsewhere (a notebook, a
tool's working directory), a relative path that does not exist there is looked up under the
repository instead, so the shipped files are still found; anything else stays as given, so the
caller's own error names the path the user wrote.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def in_repo(path: str | Path) -> Path:
    """``path`` when absolute or present from the working directory, else under the repository when there."""
    path = Path(path)
    if path.is_absolute() or path.exists():
        return path
    candidate = REPO_ROOT / path
    return candidate if candidate.exists() else path
