"""User-facing texts, read from ``prompts/texts.<lang>.yaml`` (never written in code).

Dutch is the reference: a key missing in another language falls back to Dutch,
a key missing in Dutch is a programming error.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
DEFAULT = "nl"


@lru_cache
def _load(lang: str) -> dict[str, str]:
    path = PROMPTS / f"texts.{lang}.yaml"
    if not path.exists():
        return {}
    return {k: str(v).strip() for k, v in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items()}


def available_languages() -> list[str]:
    return sorted(p.name.split(".")[1] for p in PROMPTS.glob("texts.*.yaml"))


def text(key: str, lang: str = DEFAULT, **fmt) -> str:
    table = _load(lang) if lang in available_languages() else {}
    template = table.get(key)
    if template is None:
        template = _load(DEFAULT)[key]  # KeyError: an unknown key is a bug
    return template.format(**fmt) if fmt else template
