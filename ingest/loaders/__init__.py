"""Loaders: one per file format, each turning a file into a title and sections.

``load_file`` checks size and type before reading and turns every parser
failure into a ``LoadError`` with a reason an operator can act on.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..model import LoadedFile, LoadError
from . import docx, html, markdown, pdf, text

_LOADERS: dict[str, Callable[[Path], LoadedFile]] = {
    ".pdf": pdf.load,
    ".docx": docx.load,
    ".html": html.load,
    ".htm": html.load,
    ".md": markdown.load,
    ".markdown": markdown.load,
    ".txt": text.load,
}
SUPPORTED_SUFFIXES = frozenset(_LOADERS)


def load_file(path: Path, max_bytes: int = 50 * 1024 * 1024) -> LoadedFile:
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        raise LoadError(f"bestandstype niet ondersteund ({suffix or 'geen extensie'}) / unsupported file type")
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError(f"bestand te groot ({size / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB) / file too large")
    if size == 0:
        raise LoadError("leeg bestand / empty file")
    try:
        loaded = loader(path)
    except LoadError:
        raise
    except Exception as exc:  # any parser failure means: this file cannot be indexed
        detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise LoadError(f"beschadigd bestand: {detail} / corrupt file") from exc
    if not any(s.text.strip() for s in loaded.sections):
        raise LoadError("geen tekst gevonden / no extractable text")
    return loaded
