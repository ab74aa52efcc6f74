"""Every user-facing text, read from ``prompts/*.<lang>.yaml`` (never written in code).

One file per area: ``texts`` (the engine), ``answerability``, ``urgent``, ``widget`` (widget and REST
API), ``telegram``, ``queue`` (the heading of an advisor's reply to the asker), and, Dutch only,
``console`` (what advisors read: labels, messages, refusals), ``insights`` (page and report) and
``knowledge`` (what the knowledge desk publishes).
Keys must not repeat across files; tests/test_i18n.py checks that every language has the same keys and
placeholders as Dutch.

Dutch is the reference: a key missing in another language falls back to Dutch,
a key missing in Dutch is a programming error.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"
DEFAULT = "nl"


@lru_cache
def _load(lang: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for path in sorted(PROMPTS.glob(f"*.{lang}.yaml")):
        for k, v in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if k in table:
                raise ValueError(f"{path.name}: text key {k!r} is defined twice")
            table[k] = str(v).strip()
    return table


def available_languages() -> list[str]:
    return sorted(p.name.split(".")[1] for p in PROMPTS.glob("texts.*.yaml"))


def text(key: str, lang: str = DEFAULT, **fmt) -> str:
    table = _load(lang) if lang in available_languages() else {}
    template = table.get(key)
    if template is None:
        template = _load(DEFAULT)[key]  # KeyError: an unknown key is a bug
    return template.format(**fmt) if fmt else template


def keys(prefix: str) -> list[str]:
    """The Dutch keys under ``prefix``, in file order (the widget script ships its ``widget.ui.*``)."""
    return [k for k in _load(DEFAULT) if k.startswith(prefix)]


def labels(prefix: str, lang: str = DEFAULT) -> dict[str, str]:
    """``{suffix: text}`` for every key under ``prefix.``: a table of labels (statuses, kinds, reasons)."""
    return {k.removeprefix(prefix + "."): text(k, lang) for k in keys(prefix + ".")}
