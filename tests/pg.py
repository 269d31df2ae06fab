"""A throwaway PostgreSQL cluster from Debian's binaries, for the tests and benchmarks (no Playwright here).

``cluster(folder)`` starts one on a free loopback port and stops it on exit; ``stop``/``start`` take it down
and bring it back meanwhile (the fault tests). Under root, ``initdb`` and the
server run as the ``postgres`` user (``initdb`` refuses root). A missing server fails loudly: CI must never
skip the PostgreSQL half of the suite.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def bin_dir() -> Path:
    """Where Debian's PostgreSQL server binaries are (``$PG_BIN`` first)."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise RuntimeError(
        "PostgreSQL's server is not installed (no initdb): scripts/test.sh installs Debian's postgresql package"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")


@contextlib.contextmanager
def cluster(folder: Path | None = None) -> Iterator[str]:
    """Start a cluster in ``folder`` (a new folder under the system's temp folder, which the postgres user
    can reach, by default); yields the URL of its ``postgres`` database (user ``postgres``)."""
    binaries = bin_dir()
    own = folder is None
    folder = Path(tempfile.mkdtemp(prefix="trustcore-pg-")) if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    data, sockets, log = folder / "data", folder / "sock", folder / "server.log"
    sockets.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        for path in (folder, sockets):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    _run(_as_postgres([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"]))
    port = _free_port()
    options = (
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c max_connections=300 "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"  # a throwaway cluster: speed first
    )
    start_cmd = _as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"])
    _run(start_cmd)
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    _controls[url] = (start_cmd, _as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]))
    try:
        yield url
    finally:
        _controls.pop(url, None)
        subprocess.run(
            _as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
        )
        if own:
            shutil.rmtree(folder, ignore_errors=True)


# a running cluster's URL -> (the command that starts it, the command that stops it), for ``stop``/``start``
_controls: dict[str, tuple[list[str], list[str]]] = {}


def stop(server: str) -> None:
    """Stop a cluster ``cluster`` started, as an administrator would (``pg_ctl stop -m fast``: open
    connections end with ``AdminShutdown``); ``start`` brings it back on the same port and data."""
    _run(_controls[server][1])


def start(server: str) -> None:
    """Start a cluster ``stop`` stopped (returns once it accepts connections)."""
    _run(_controls[server][0])


def database_url(server: str, name: str) -> str:
    return server.rsplit("/", 1)[0] + "/" + name


def create_database(server: str, name: str, *, template: str | None = None) -> str:
    """A new database on the cluster (a copy of ``template`` if given); returns its URL."""
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return database_url(server, name)


def drop_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def scratch_database(server: str, prefix: str, *, template: str | None = None) -> Iterator[str]:
    """A new database for one test (a copy of ``template`` if given), dropped afterwards; yields its URL.
    The process's pooled connections to it are closed first (``db.close_shared``)."""
    import uuid

    from trustcore import db

    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    url = create_database(server, name, template=template)
    try:
        yield url
    finally:
        db.close_shared()
        drop_database(server, name)
