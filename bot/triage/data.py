"""The labelled messages the triage model learns from, and the variants generated from them.

Sets live in ``bot/labelled/`` (see its README): ``triage.train.*.jsonl`` are learned from;
``triage.holdout.jsonl`` was written apart and is only ever scored. Ordinary practitioner
questions (``answerability.train.jsonl``) are negatives too: the model must leave them alone.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from bot.labels import LABELLED, read_jsonl
CATEGORIES = ("self_harm", "violence_now", "violence_planned", "place_of_worship", "child_in_danger",
              "extortion_threat", "crowd_unrest", "doxxing_threat")


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    urgent: bool
    category: str  # one of CATEGORIES, or "none"
    kind: str  # urgent | hard_negative | ordinary
    source: str  # file stem, so cross-validation can keep writers apart


def load_triage(paths: list[Path]) -> list[Example]:
    out = []
    for path in paths:
        for d in read_jsonl(path):
            text = d.get("text") or d.get("question")
            urgent = d.get("label") == "urgent" or d.get("kind") == "urgent"
            category = d.get("category") or ("none" if not urgent else "violence_now")
            kind = d.get("kind") or ("urgent" if urgent else "ordinary")
            if kind == "not_urgent":  # shared/eval's triage set names hard negatives so
                kind = "hard_negative"
            if kind not in ("urgent", "hard_negative"):
                kind = "ordinary"
            out.append(Example(d["id"], text, urgent, category if urgent else "none", kind, path.stem))
    return out


def load_ordinary(path: Path) -> list[Example]:
    """Questions of an answerability set: all ordinary, none urgent."""
    return [Example(d["id"], d["question"], False, "none", "ordinary", path.stem) for d in read_jsonl(path)]


def training_files() -> list[Path]:
    files = sorted(LABELLED.glob("triage.train.*.jsonl"))
    ordinary = LABELLED / "answerability.train.jsonl"
    return files + ([ordinary] if ordinary.exists() else [])


def training_set() -> list[Example]:
    files = sorted(LABELLED.glob("triage.train.*.jsonl"))
    ordinary = LABELLED / "answerability.train.jsonl"
    return load_triage(files) + (load_ordinary(ordinary) if ordinary.exists() else [])


# --- variants ---------------------------------------------------------------------------------
FILLERS = ["echt", "gewoon", "eigenlijk", "wel", "nou", "man", "serieus", "bro", "ff", "zo", "toch", "really",
           "like", "wallah", "jongens", "eh", "dus"]


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(("drop", "swap", "double", "near"))
    if op == "drop":
        return word[:i] + word[i + 1:]
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == "double":
        return word[:i] + word[i] + word[i:]
    near = {"a": "s", "e": "r", "i": "o", "o": "i", "n": "m", "m": "n", "t": "r", "s": "d", "k": "l", "d": "f"}
    return word[:i] + near.get(word[i], word[i]) + word[i + 1:]


def noisy(text: str, rng: random.Random) -> str:
    """Chat noise: typos in a few words, a filler word or two, lower case, punctuation dropped."""
    words = text.split()
    for _ in range(max(1, len(words) // 8)):
        j = rng.randrange(len(words))
        words[j] = typo(words[j], rng)
    for _ in range(rng.randint(0, 2)):
        words.insert(rng.randrange(len(words) + 1), rng.choice(FILLERS))
    out = " ".join(words)
    if rng.random() < 0.5:
        out = out.lower()
    if rng.random() < 0.5:
        out = re.sub(r"[.,!?;:]", "", out)
    return out


def buried(inner: str, lead: str, tail: str | None, rng: random.Random) -> str:
    """A routine question around the message: the danger (or the misleading word) in one sentence of many."""
    bridge = rng.choice(["", "Wat ik ook even kwijt moet: ", "Trouwens, ", "Oh en ", "Ander punt: ",
                         "Ik weet niet of dit hier hoort maar ", "Also, "])
    parts = [lead.rstrip(), bridge + inner]
    if tail:
        parts.append(tail)
    return " ".join(parts)


def junk(rng: random.Random, n: int = 120) -> list[Example]:
    """Messages with nothing to read (keyboard mash, one word repeated, digits, emoji): never urgent by
    themselves, but a model that never saw them guesses."""
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    words = ["woord", "test", "hallo", "x", "ja", "nee", "ok", "asdf", "bla", "hmm", "?", "...", "123", "😂", "🙏"]
    out = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(3, 400)))
        elif kind == 1:
            text = " ".join([rng.choice(words)] * rng.randint(1, 600))
        elif kind == 2:
            text = " ".join(str(rng.randint(0, 99999)) for _ in range(rng.randint(1, 40)))
        else:
            text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 30)))
        out.append(Example(f"junk-{i}~j", text, False, "none", "ordinary", "generated"))
    return out


def deeply_buried(examples: list[Example], rng: random.Random, share: float = 0.3) -> list[Example]:
    """A share of the messages behind (or before) 2-5 sentences of ordinary questions: the long message whose
    danger is one sentence of many."""
    from .text import units

    sentences = [u for e in examples if e.kind == "ordinary" for u in units(e.text) if len(u) > 25]
    out = []
    for e in examples:
        if rng.random() >= share or not sentences:
            continue
        lead = " ".join(rng.sample(sentences, rng.choice([2, 3, 4, 5])))
        text = f"{lead} {e.text}" if rng.random() < 0.7 else f"{e.text} {lead}"
        out.append(Example(f"{e.id}~d", text, e.urgent, e.category, e.kind, e.source))
    return out


def augment(examples: list[Example], seed: int = 7, per_example: int = 2) -> list[Example]:
    """Noisy copies of every message, each urgent or hard-negative message buried in ordinary ones, and junk."""
    rng = random.Random(seed)
    ordinary = [e.text for e in examples if e.kind == "ordinary" and len(e.text) < 400]
    out = []
    for e in examples:
        for k in range(per_example):
            out.append(Example(f"{e.id}~n{k}", noisy(e.text, rng), e.urgent, e.category, e.kind, e.source))
        if e.kind != "ordinary" and ordinary and len(e.text) < 600:
            lead = rng.choice(ordinary)
            tail = rng.choice(ordinary) if rng.random() < 0.3 else None
            out.append(Example(f"{e.id}~b", buried(e.text, lead, tail, rng), e.urgent, e.category, e.kind, e.source))
    return out + deeply_buried(examples, rng) + junk(rng)
