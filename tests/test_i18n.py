"""The text catalogues (prompts/*.<lang>.yaml, read by bot/i18n.py): every language says what Dutch says.

A key missing in English falls back to Dutch silently, so a forgotten translation would only show as
Dutch in an English conversation; a placeholder that differs would raise at run time. Dutch-only areas
(the advisors' console, the insights, the published knowledge) have no English file at all.
"""
from __future__ import annotations

import string

import pytest
import yaml

from bot.i18n import PROMPTS, available_languages, keys, labels, text

DUTCH_ONLY = {"console", "insights", "knowledge"}


def _table(path) -> dict[str, str]:
    return {k: str(v) for k, v in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items()}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _areas() -> list[str]:
    return sorted({p.name.split(".")[0] for p in PROMPTS.glob("*.nl.yaml")})


@pytest.mark.parametrize("lang", [lang for lang in available_languages() if lang != "nl"])
@pytest.mark.parametrize("area", _areas())
def test_every_language_has_the_dutch_keys_and_placeholders(area, lang):
    other = PROMPTS / f"{area}.{lang}.yaml"
    if area in DUTCH_ONLY:
        assert not other.exists(), f"{other.name}: {area} is Dutch only"
        return
    nl, tr = _table(PROMPTS / f"{area}.nl.yaml"), _table(other)
    assert nl.keys() == tr.keys(), f"{other.name}: missing {sorted(nl.keys() - tr.keys())}, " \
                                   f"extra {sorted(tr.keys() - nl.keys())}"
    differ = {k: (_fields(nl[k]), _fields(tr[k])) for k in nl if _fields(nl[k]) != _fields(tr[k])}
    assert not differ, f"{other.name}: placeholders differ from Dutch: {differ}"


def test_every_language_file_has_a_dutch_one():
    assert all((PROMPTS / f"{p.name.split('.')[0]}.nl.yaml").exists() for p in PROMPTS.glob("*.yaml"))


def test_fallback_to_dutch():
    assert text("urgent.general.static", "xx") == text("urgent.general.static", "nl")
    with pytest.raises(KeyError):
        text("no.such.key")


def test_keys_and_labels_keep_file_order():
    ui = keys("widget.ui.")
    assert ui and all(k.startswith("widget.ui.") for k in ui)
    assert list(labels("widget.ui")) == [k.removeprefix("widget.ui.") for k in ui]
