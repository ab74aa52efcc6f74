"""File-level building blocks: consistent SQLite copies, folder copies, swaps and archives."""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tarfile
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm", "-journal")  # SQLite's companions: their content is in an online copy already


def is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def sqlite_copy(src: Path, dst: Path) -> None:
    """A consistent copy of a (possibly live) SQLite database, as one self-contained file.

    The online backup API reads one snapshot even while another process writes; the copy is switched
    out of WAL mode so it needs no -wal file beside it (every reader sets its own mode on open).
    """
    if not src.is_file():
        raise FileNotFoundError(src)
    dst.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(str(src), timeout=60)
    target = sqlite3.connect(str(dst))
    try:
        source.backup(target)  # pages=-1: one step, so one read transaction and one snapshot
        target.execute("PRAGMA journal_mode=DELETE")
        if target.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError(f"copy of {src.name} fails its integrity check")
    finally:
        target.close()
        source.close()


def copy_tree(src: Path, dst: Path) -> None:
    """Copy a folder; SQLite databases in it through :func:`sqlite_copy`, their side files left out."""
    dst.mkdir(parents=True, exist_ok=True)
    for path in sorted(src.rglob("*")):
        target = dst / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif _is_side_file(path):
            continue
        elif is_sqlite(path):
            sqlite_copy(path, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def _is_side_file(path: Path) -> bool:
    return any(path.name.endswith(s) and path.with_name(path.name[: -len(s)]).exists() for s in SIDE_FILES)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def replace_dir(staged: Path, target: Path) -> None:
    """Put ``staged`` where ``target`` is: two renames on one file system, the old folder removed last."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.replaced-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.rename(target, old)
    os.rename(staged, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def replace_sqlite_file(staged: Path, target: Path) -> None:
    """Swap a SQLite database file atomically.

    A stale -wal of the old database would be replayed onto the new file and corrupt it, so the side
    files go first (the old content is being discarded anyway).
    """
    for suffix in SIDE_FILES:
        Path(str(target) + suffix).unlink(missing_ok=True)
    os.replace(staged, target)


def pack(folder: Path, archive: Path) -> None:
    """``folder`` as a .tar.gz holding one top-level folder of the same name; written, then renamed."""
    partial = archive.with_name(archive.name + ".partial")
    with tarfile.open(partial, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    os.chmod(partial, 0o600)
    os.replace(partial, archive)


def unpack(archive: Path, into: Path) -> Path:
    """Extract a backup archive (no links or paths outside ``into``: tarfile's data filter) -> its folder."""
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(into, filter="data")
    tops = [p for p in into.iterdir() if p.is_dir()]
    if len(tops) != 1:
        raise tarfile.TarError("expected one folder in the archive")
    return tops[0]
