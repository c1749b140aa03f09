"""A real PostgreSQL server for the tests: a throwaway cluster made with
Debian's ``initdb`` (``scripts/setup.sh --dev`` installs the package) and
started with ``pg_ctl`` on a free local port, as an unprivileged user
(``postgres``, or ``nobody``, when the tests run as root), stopped and
removed at the end."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

USER = "budgetdoc"


def binaries() -> Path:
    """The folder of initdb and pg_ctl (Debian keeps them out of PATH)."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not versions:
        raise RuntimeError("PostgreSQL is not installed: scripts/setup.sh --dev installs Debian's postgresql")
    return Path(versions[-1]).parent


@contextmanager
def server() -> Iterator[str]:
    """Start a cluster; yields the SQLAlchemy URL of an empty database in it."""
    bin_dir = binaries()
    owner = _unprivileged_user()
    home = Path(tempfile.mkdtemp(prefix="budgetdoc-pg-"))
    data, log = home / "data", home / "server.log"
    port = _free_port()
    if owner is not None:
        os.chown(home, owner.pw_uid, owner.pw_gid)
    try:
        _as(owner, [bin_dir / "initdb", "-D", data, "-U", USER, "--auth=trust", "-E", "UTF8", "--locale=C"])
        options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=on"
        _as(owner, [bin_dir / "pg_ctl", "-D", data, "-o", options, "-l", log, "-w", "-t", "60", "start"])
        try:
            _create_database(port, "budgetdoc_test")
            yield f"postgresql+psycopg://{USER}@127.0.0.1:{port}/budgetdoc_test"
        finally:
            _as(owner, [bin_dir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"])
    finally:
        shutil.rmtree(home, ignore_errors=True)


def new_database(url: str, name: str) -> str:
    """Another empty database on the same server (one per test that needs a clean store)."""
    base, _, _ = url.rpartition("/")
    port = int(base.rsplit(":", 1)[1])
    _create_database(port, name)
    return f"{base}/{name}"


def _create_database(port: int, name: str) -> None:
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=port, user=USER, dbname="postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def _unprivileged_user() -> pwd.struct_passwd | None:
    """initdb refuses to run as root: as root, the cluster belongs to another user."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to own the cluster")


def _as(owner: pwd.struct_passwd | None, command: list) -> None:
    command = [str(part) for part in command]
    if owner is not None:
        command = ["runuser", "-u", owner.pw_name, "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr.strip() or result.stdout.strip()}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
