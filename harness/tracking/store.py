"""Where runs are tracked: a SQLite MLflow store under ``mlruns/`` unless MLFLOW_TRACKING_URI says otherwise.

MLflow 3.7+ made SQLite its default backend (the file store is legacy). SQLite needs two things
before several processes log to it at once: the schema must already be migrated (two processes
migrating the same empty file at once corrupt the alembic bookkeeping) and the journal must be in
WAL mode so readers do not block the writer. :func:`ensure_store` does both, once, under a file
lock; MLflow itself sets a 20 s ``busy_timeout`` on every session it opens.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.repo import REPO_ROOT

DEFAULT_STORE_DIR = REPO_ROOT / "mlruns"
DB_NAME = "mlflow.db"
ARTIFACTS_DIR = "artifacts"
BUSY_TIMEOUT_MS = 20_000
ENV_URI = "MLFLOW_TRACKING_URI"


def default_uri() -> str:
    """The repository's own store: ``sqlite:///<repo>/mlruns/mlflow.db``."""
    return sqlite_uri(DEFAULT_STORE_DIR / DB_NAME)


def sqlite_uri(db_path: str | Path) -> str:
    """An absolute ``sqlite:///`` URI for a database file (four slashes on POSIX)."""
    return f"sqlite:///{Path(db_path).resolve()}"


def tracking_uri() -> str:
    """The tracking URI every command uses: ``MLFLOW_TRACKING_URI`` when set, else :func:`default_uri`."""
    env = os.environ.get(ENV_URI, "").strip()
    return env or default_uri()


def sqlite_path(uri: str) -> Path | None:
    """The database file behind a ``sqlite:///`` URI, or None for any other backend."""
    if not uri.startswith("sqlite:///"):
        return None
    raw = uri.removeprefix("sqlite:///").split("?", 1)[0]
    if not raw or raw == ":memory:":
        return None
    return Path(raw) if Path(raw).is_absolute() else Path.cwd() / raw


def artifact_root(uri: str) -> str | None:
    """Where a SQLite store keeps artifacts: ``artifacts/`` beside the database, as an absolute path.

    Absolute, so runs logged from any working directory (tests, ``make``, a notebook) and the UI
    server all resolve the same folder. None for a server URI: the server decides.
    """
    path = sqlite_path(uri)
    if path is None:
        return None
    return str((path.parent / ARTIFACTS_DIR).resolve())


@contextmanager
def _file_lock(lock_path: Path) -> Iterator[None]:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _schema_is_current(db: Path) -> bool:
    """True when the file already holds MLflow's tables at the newest alembic revision."""
    if not db.exists() or db.stat().st_size == 0:
        return False
    from mlflow.store.db.utils import _get_latest_schema_revision

    with sqlite3.connect(db, timeout=BUSY_TIMEOUT_MS / 1000) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            return False
    return bool(row) and row[0] == _get_latest_schema_revision()


def enable_wal(db: Path) -> None:
    """Switches a SQLite file to WAL journaling (persistent: stored in the file itself)."""
    with sqlite3.connect(db, timeout=BUSY_TIMEOUT_MS / 1000) as conn:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise RuntimeError(f"{db}: SQLite refused WAL mode (journal_mode={mode})")


def journal_mode(db: Path) -> str:
    """The journal mode recorded in a SQLite file (``wal`` after :func:`ensure_store`)."""
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()


def checkpoint(db: Path) -> None:
    """Folds the WAL back into the main file so copying the ``.db`` alone copies everything."""
    with sqlite3.connect(db, timeout=BUSY_TIMEOUT_MS / 1000) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _migrate(uri: str, root: str) -> None:
    """Creates MLflow's tables in an empty file, or upgrades an older schema in place."""
    import mlflow.store.db.utils as db_utils
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    engine = db_utils.create_sqlalchemy_engine(uri)
    try:
        if db_utils._all_tables_exist(engine):
            db_utils._upgrade_db(engine)
    finally:
        engine.dispose()
    store = SqlAlchemyStore(uri, root)  # creates the tables of an empty file and the default experiment
    store.engine.dispose()


def ensure_store(uri: str | None = None) -> str:
    """Creates and migrates the store before any run fans out; returns the URI.

    Idempotent and safe to call from several processes at once (a lock file beside the database
    serializes creation). For a non-SQLite URI (a team server) nothing is created.
    """
    uri = uri or tracking_uri()
    db = sqlite_path(uri)
    if db is None:
        return uri
    db.parent.mkdir(parents=True, exist_ok=True)
    root = artifact_root(uri)
    assert root is not None
    Path(root).mkdir(parents=True, exist_ok=True)
    with _file_lock(db.with_name(db.name + ".lock")):
        enable_wal(db)
        if not _schema_is_current(db):
            _migrate(uri, root)
    return uri
