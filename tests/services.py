"""Starting and stopping the real services integration tests talk to (Chroma, llama.cpp)."""
from __future__ import annotations

import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(cmd: list[str], ready_url: str | None, log_path: Path, timeout: float = 60, env: dict | None = None):
    """Start ``cmd``, wait until ``ready_url`` answers 2xx (None: a process without a port, e.g. a worker),
    yield the process, stop it afterwards."""
    log = open(log_path, "wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + timeout
        while ready_url is not None:
            if proc.poll() is not None:
                pytest.fail(f"{cmd[0]} exited: " + log_path.read_text(errors="replace")[-2000:])
            try:
                if requests.get(ready_url, timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{cmd[0]} did not start: " + log_path.read_text(errors="replace")[-2000:])
            time.sleep(0.3)
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (see ``private_postgres``): it may be restarted or crashed
    without touching the machine's shared server."""

    def __init__(self, bindir: Path, root: Path, port: int, as_user: list[str]):
        self.bindir, self.root, self.port, self._as = bindir, root, port, as_user
        self.data, self.log = root / "data", root / "postgres.log"
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def run(self, tool: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        cmd = [*self._as, str(self.bindir / tool), *args]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            pytest.fail(f"{tool} {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}"
                        + self.log_tail())
        return done

    def log_tail(self) -> str:
        return ("\n" + self.log.read_text(errors="replace")[-2000:]) if self.log.is_file() else ""

    def start(self) -> None:
        # Unix sockets in our own directory: the shared server owns /var/run/postgresql.
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self.run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l", str(self.log), "-o", opts)

    def restart(self, mode: str = "fast") -> None:
        """``fast``: clients are disconnected, open transactions roll back; ``immediate``: a crash (no
        shutdown checkpoint), the server recovers from its WAL on the way up."""
        self.run("pg_ctl", "restart", "-w", "-t", "60", "-m", mode, "-D", str(self.data), "-l", str(self.log))

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "stop", "-w", "-m", mode, "-D", str(self.data))

    def running(self) -> bool:
        cmd = [*self._as, str(self.bindir / "pg_ctl"), "status", "-D", str(self.data)]
        return subprocess.run(cmd, capture_output=True).returncode == 0


def _postgres_bindir() -> Path | None:
    import glob

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    import shutil

    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@contextmanager
def private_postgres():
    """initdb + pg_ctl on a free port in a temporary directory; yields a ``PrivatePostgres`` and removes it
    all afterwards. initdb refuses to run as root, so root runs the cluster as the ``postgres`` OS user;
    any other user runs it as themself (trust authentication, 127.0.0.1 only)."""
    import os
    import pwd
    import shutil
    import tempfile

    bindir = _postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin")
    root = Path(tempfile.mkdtemp(prefix="essbot-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            pg = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(root)
            pytest.skip("running as root without a `postgres` OS user: initdb refuses to run as root")
        os.chown(root, pg.pw_uid, pg.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    cluster = PrivatePostgres(bindir, root, free_port(), as_user)
    try:
        cluster.run("initdb", "-D", str(cluster.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                    "--locale=C.UTF-8", "--no-sync", timeout=120)
        cluster.start()
        yield cluster
    finally:
        if cluster.running():
            subprocess.run([*as_user, str(bindir / "pg_ctl"), "stop", "-w", "-m", "immediate", "-D",
                            str(cluster.data)], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
