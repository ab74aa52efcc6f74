"""manifest.json: what a backup holds and the sha256 of every file, written last and checked first."""
from __future__ import annotations

import json
from pathlib import Path

from . import BackupDamaged
from .files import sha256_file

NAME = "manifest.json"
FORMAT = 1


def write(root: Path, info: dict) -> dict:
    """Hash every file under ``root`` and write the manifest; a backup without one is incomplete."""
    files = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        files[rel] = {"sha256": sha256_file(path), "bytes": path.stat().st_size}
    manifest = {"format": FORMAT, **info, "files": files}
    (root / NAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                             encoding="utf-8")
    return manifest


def verify(root: Path) -> dict:
    """The manifest, once every file matches it exactly; otherwise :class:`BackupDamaged`."""
    try:
        manifest = json.loads((root / NAME).read_text(encoding="utf-8"))
        files = manifest["files"]
        fmt = manifest["format"]
    except FileNotFoundError:
        raise BackupDamaged(f"geen {NAME}: dit is geen (volledige) back-up / no {NAME}: not a (complete) backup: "
                            f"{root}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupDamaged(f"{NAME} is beschadigd / {NAME} is damaged ({type(exc).__name__})") from None
    if fmt != FORMAT:
        raise BackupDamaged(f"onbekend back-upformaat {fmt!r} / unknown backup format {fmt!r}")
    problems = []
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} - {NAME}
    for rel in sorted(set(files) - present):
        problems.append(f"ontbreekt/missing: {rel}")
    for rel in sorted(present - set(files)):  # an extra file would be restored unchecked
        problems.append(f"niet in manifest/not in manifest: {rel}")
    for rel in sorted(set(files) & present):
        path = root / rel
        if path.stat().st_size != files[rel]["bytes"] or sha256_file(path) != files[rel]["sha256"]:
            problems.append(f"gewijzigd/changed: {rel}")
    if problems:
        shown = "; ".join(problems[:5]) + (f"; … (+{len(problems) - 5})" if len(problems) > 5 else "")
        raise BackupDamaged("De back-up is beschadigd; er is niets hersteld of gewijzigd. / The backup is damaged; "
                            f"nothing was restored or changed. ({shown})")
    return manifest
