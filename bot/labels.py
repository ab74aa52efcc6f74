"""The labelled sets in ``bot/labelled/`` (see its README): where they are, how to read them, and a
digest of what a model was fitted on, so a test can tell when shipped weights lag behind their data."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

LABELLED = Path(__file__).resolve().parent / "labelled"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def files_digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()
