"""Urgent triage, before retrieval, on redacted text.

Practitioners write about violence, threats and suicide all the time in a
handbook sense ("how do we prepare for threats?"); what makes a message urgent
is danger *now* or *to someone the asker is in contact with*. So a message is
urgent when it states self-harm intent, or when danger words come with
immediacy ("nu", "staan voor de deur", "right now") or first-hand involvement
("we worden bedreigd", "appt me net"), unless it reads as a question about
policy, training or the past. Transparent rules over a reviewed lexicon
(``triage_lexicon.yaml``); typos in longer words are tolerated (edit distance 1).
"""
from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

LEXICON = Path(__file__).with_name("triage_lexicon.yaml")
DANGER = ("violence", "weapon", "arson", "riot", "threat", "intimidation", "minor_danger")
THRESHOLD = 2.0
FUZZY_MIN = 7  # shorter words have too many real neighbours ("bellen" ~ "rellen")


@dataclass(frozen=True)
class Triage:
    urgent: bool
    categories: tuple[str, ...]
    score: float
    cues: tuple[str, ...]


def normalise(text: str) -> str:
    t = unicodedata.normalize("NFKD", text.lower())
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = re.sub(r"(\w)\1{2,}", r"\1", t)  # "heeeelp" -> "help"
    t = re.sub(r"[^\w\s']", " ", t)
    return " ".join(t.split())


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class _Lexicon:
    def __init__(self, data: dict[str, list[str]]):
        self.phrases: dict[str, list[tuple[str, re.Pattern, str]]] = {}  # (substring, pattern, entry)
        self.fuzzy: dict[str, dict[str, str]] = {}  # category -> variant -> entry
        for cat, entries in data.items():
            pats = []
            fuzzy: dict[str, str] = {}
            for entry in entries:
                e = normalise(str(entry).rstrip("*"))
                star = str(entry).endswith("*")
                tail = r"\w*" if star else ""
                pats.append((e, re.compile(r"(?<!\w)" + re.escape(e) + tail + r"(?!\w)"), e))
                if " " not in e and len(e) >= FUZZY_MIN and not star:
                    fuzzy[e] = e
                    for d in _deletes(e):
                        fuzzy.setdefault(d, e)
            self.phrases[cat] = pats
            self.fuzzy[cat] = fuzzy

    def match(self, cat: str, text: str, words: list[str], deletes: dict[str, set[str]] | None = None) -> list[str]:
        """``deletes``: each word's one-letter deletions, computed once per message for all categories."""
        # a pattern can only match where its entry occurs as a substring: test that first, it is far cheaper
        found = [entry for sub, pat, entry in self.phrases.get(cat, []) if sub in text and pat.search(text)]
        fz = self.fuzzy.get(cat, {})
        for w in words:
            if len(w) < FUZZY_MIN - 1 or w in found:
                continue
            if w in fz and fz[w][0] == w[0]:  # exact, or the word lacks one letter
                found.append(fz[w])
                continue
            dels = deletes[w] if deletes is not None else _deletes(w)
            hit = next((fz[d] for d in dels if d in fz and fz[d][0] == w[0]
                        and abs(len(fz[d]) - len(w)) <= 1), None)
            if hit:  # an extra or a substituted letter
                found.append(hit)
        return sorted(set(found))


@lru_cache
def _lexicon() -> _Lexicon:
    return _Lexicon(yaml.safe_load(LEXICON.read_text(encoding="utf-8")))


_MEMO_SIZE = 1024
_memo: OrderedDict[bytes, Triage] = OrderedDict()  # keyed by a hash of the text: no message text is kept
_memo_lock = threading.Lock()


def triage(text: str) -> Triage:
    """The engine asks twice per message (a waiting ticket, then the decision): the second time is free."""
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    with _memo_lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
            return found
    result = _triage(text)
    with _memo_lock:
        _memo[key] = result
        if len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return result


def _triage(text: str) -> Triage:
    lex = _lexicon()
    norm = normalise(text)
    words = norm.split()
    deletes = {w: _deletes(w) for w in set(words) if len(w) >= FUZZY_MIN - 1}
    hits = {cat: lex.match(cat, norm, words, deletes) for cat in lex.phrases}
    shouting = bool(re.search(r"\b(HELP|HELLUP|NOOD|SOS)\b", text)) or text.count("!") + text.count("?") >= 3

    if hits.get("self_harm_intent"):
        return Triage(True, ("self_harm",), 10.0, tuple(hits["self_harm_intent"]))

    danger = [c for c in DANGER if hits.get(c)]
    if hits.get("minor") and hits.get("violence") and "minor_danger" not in danger:
        danger.append("minor_danger")
    immediacy = bool(hits.get("immediacy")) or shouting
    first_hand = bool(hits.get("first_hand"))
    about = bool(hits.get("about"))
    score = min(len(danger), 2) + (1.0 if immediacy else 0.0) + (1.0 if first_hand else 0.0)
    if hits.get("place_of_worship") and danger:
        score += 0.5
    if about and not shouting:
        score -= 1.5
    urgent = bool(danger) and (immediacy or first_hand) and score >= THRESHOLD
    categories = list(danger)
    if hits.get("place_of_worship") and danger:
        categories.append("place_of_worship")
    cues = tuple(sorted({e for c in (*danger, "immediacy", "first_hand", "place_of_worship") for e in hits.get(c, [])}))
    return Triage(urgent, tuple(_order(categories)) if urgent else tuple(categories), score, cues)


def _order(categories: list[str]) -> list[str]:
    """Most specific guidance first: a place of worship under attack, a weapon, a child, intimidation."""
    priority = ["place_of_worship", "weapon", "minor_danger", "intimidation", "riot", "arson", "violence", "threat"]
    return sorted(categories, key=lambda c: priority.index(c) if c in priority else 99)
