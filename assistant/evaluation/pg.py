"""A throwaway PostgreSQL cluster on 127.0.0.1 for tests and the bench (Debian's postgresql-15 binaries).

PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user (runuser); its data
folder lives in a temporary directory and is removed with it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from assistant.api.running import free_port


def pg_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (Debian: apt-get install postgresql-15)")
    return found


def available() -> bool:
    try:
        pg_bin("initdb")
        return True
    except RuntimeError:
        return False


@contextlib.contextmanager
def throwaway_postgres(fsync: bool = False) -> Iterator[str]:
    """initdb + pg_ctl start on a free port; yields a DATABASE_URL; stops the server and removes its data."""
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="coopguide-pg-"))  # its own folder: the postgres user must reach it
    data, log = folder / "pgdata", folder / "postgres.log"
    if as_user:
        shutil.chown(folder, "postgres", "postgres")
    run = lambda cmd: subprocess.run(as_user + cmd, check=True, capture_output=True, text=True)  # noqa: E731
    run([pg_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"])
    port = free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync={'on' if fsync else 'off'}"
    run([pg_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start"])
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    try:
        deadline, ready = time.time() + 30, [pg_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(port)]
        while subprocess.run(ready, capture_output=True).returncode:
            if time.time() > deadline:
                raise RuntimeError("PostgreSQL did not become ready")
            time.sleep(0.2)
        yield url
    finally:
        subprocess.run(as_user + [pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def new_database(url: str, name: str):
    """Create database `name` on the server of `url` and open it (schema upgraded); an existing one is dropped."""
    import psycopg

    from assistant.store.database import open_database

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return open_database(url.rsplit("/", 1)[0] + f"/{name}")
