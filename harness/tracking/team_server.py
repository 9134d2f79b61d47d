"""A team's MLflow tracking server on PostgreSQL: one store every engineer's runs go to.

SQLite serves one machine; a team points everyone at one ``mlflow server`` whose backend is
PostgreSQL (concurrent writers, no file locks on a network share). This module starts both on
127.0.0.1 from a folder it owns: an ``initdb`` cluster of Debian's ``postgresql`` (never the
system service), the ``mlflow`` database, and the tracking server with proxied artifacts (clients
upload through the server, so they need no access to its disk). ``harness store team-server
start`` / ``stop`` (``make team-server``) drive it; the README says how a team shares one.

PostgreSQL refuses to run as root: as root, its commands run as the ``postgres`` system user
(Debian's package creates it) and the cluster folder belongs to that user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.errors import InputError

HOST = "127.0.0.1"
DEFAULT_DIR = Path(".team-server")
DEFAULT_PG_PORT = 5433
DEFAULT_MLFLOW_PORT = 5002  # 5000: make ui; 5001: the README's mlflow models serve
DB_NAME, DB_USER = "mlflow", "harness"
PG_USER = "postgres"
READY_TIMEOUT_S = 120


@dataclass(frozen=True)
class TeamServer:
    """Where a team server lives and listens."""

    folder: Path
    pg_port: int = DEFAULT_PG_PORT
    mlflow_port: int = DEFAULT_MLFLOW_PORT

    @property
    def pgdata(self) -> Path:
        return self.folder / "pgdata"

    @property
    def backend_uri(self) -> str:
        return f"postgresql+psycopg2://{DB_USER}@{HOST}:{self.pg_port}/{DB_NAME}"

    @property
    def tracking_uri(self) -> str:
        """What every client sets as ``MLFLOW_TRACKING_URI``."""
        return f"http://{HOST}:{self.mlflow_port}"

    @property
    def pid_file(self) -> Path:
        return self.folder / "mlflow.pid"

    @property
    def log_file(self) -> Path:
        return self.folder / "mlflow.log"


def pg_bin(name: str) -> Path:
    """A PostgreSQL server program (``initdb``, ``pg_ctl``): Debian keeps them off PATH."""
    found = shutil.which(name)
    if found:
        return Path(found)
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if not candidates:
        raise InputError(name, "PostgreSQL is not installed (apt-get install -y postgresql; its programs are looked "
                               "for on PATH and in /usr/lib/postgresql/*/bin)")  # fmt: skip
    return Path(candidates[0])


def _as_pg_user(cmd: list[str]) -> list[str]:
    """``cmd`` run as the ``postgres`` user when we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", PG_USER, "--", *cmd]


def _own(path: Path) -> None:
    if os.geteuid() == 0:
        user = pwd.getpwnam(PG_USER)
        os.chown(path, user.pw_uid, user.pw_gid)


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        program = cmd[4] if cmd[0] == "runuser" else cmd[0]
        raise InputError(program, f"failed: {detail[-1] if detail else done.returncode}")


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def _wait(what: str, ready: Callable[[], bool], timeout: float = READY_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise InputError(what, f"not ready after {timeout:.0f} s")
        time.sleep(0.3)


def start_postgres(server: TeamServer) -> None:
    """Creates the cluster on first use, starts it on 127.0.0.1, creates the ``mlflow`` database."""
    server.folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:  # the postgres user must reach pgdata (its parents must be traversable too)
        os.chmod(server.folder, server.folder.stat().st_mode | 0o711)
    if not (server.pgdata / "PG_VERSION").exists():
        server.pgdata.mkdir(exist_ok=True)
        _own(server.pgdata)
        os.chmod(server.pgdata, 0o700)
        _run(_as_pg_user([str(pg_bin("initdb")), "-D", str(server.pgdata), "-U", DB_USER, "--auth=trust",
                          "--encoding=UTF8", "--locale=C"]))  # fmt: skip
    if not _port_open(server.pg_port):
        options = f"-c listen_addresses={HOST} -p {server.pg_port} -k {server.pgdata}"
        _run(_as_pg_user([str(pg_bin("pg_ctl")), "-D", str(server.pgdata), "-o", options, "-l",
                          str(server.pgdata / "postgres.log"), "-w", "start"]))  # fmt: skip
    _wait("postgres", lambda: _port_open(server.pg_port))
    import psycopg2

    conn = psycopg2.connect(host=HOST, port=server.pg_port, user=DB_USER, dbname="postgres")
    try:
        conn.autocommit = True  # CREATE DATABASE cannot run inside a transaction
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,))
            if cur.fetchone() is None:
                cur.execute(f"CREATE DATABASE {DB_NAME}")
    finally:
        conn.close()


def start_mlflow(server: TeamServer, workers: int = 2) -> int:
    """Starts ``mlflow server`` over the cluster in the background; returns its pid."""
    if _port_open(server.mlflow_port):
        raise InputError(server.tracking_uri, "something already listens on this port")
    artifacts = server.folder / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    mlflow_bin = Path(sys.executable).with_name("mlflow")
    cmd = [str(mlflow_bin), "server", "--backend-store-uri", server.backend_uri, "--artifacts-destination",
           str(artifacts.resolve()), "--host", HOST, "--port", str(server.mlflow_port), "--workers", str(workers)]  # fmt: skip
    with server.log_file.open("ab") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server.pid_file.write_text(str(proc.pid), encoding="utf-8")
    _wait(server.tracking_uri, lambda: _port_open(server.mlflow_port) or proc.poll() is not None)
    if proc.poll() is not None:
        raise InputError(server.log_file, f"mlflow server exited with status {proc.returncode}")
    _wait(server.tracking_uri, lambda: _healthy(server))
    return proc.pid


def _healthy(server: TeamServer) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{server.tracking_uri}/health", timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


def start(server: TeamServer, workers: int = 2) -> str:
    """PostgreSQL, then the tracking server; returns the tracking URI clients use."""
    start_postgres(server)
    start_mlflow(server, workers)
    return server.tracking_uri


def stop(server: TeamServer) -> None:
    """Stops the tracking server (its whole process group) and the cluster; the data stays."""
    if server.pid_file.exists():
        pid = int(server.pid_file.read_text(encoding="utf-8").strip())
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(pid, signal.SIGTERM)
        server.pid_file.unlink()
        _wait("mlflow server", lambda: not _port_open(server.mlflow_port), timeout=30)
    if (server.pgdata / "postmaster.pid").exists():
        _run(_as_pg_user([str(pg_bin("pg_ctl")), "-D", str(server.pgdata), "-m", "fast", "-w", "stop"]))
