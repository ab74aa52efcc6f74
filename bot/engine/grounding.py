"""The grounding guard: an LLM answer is sent only when every statement cites a retrieved
passage, every citation exists, and each sentence is supported by what it cites.

Support is lexical and deterministic (well under a millisecond per answer): at least
``SUPPORT`` of a sentence's content words (accent-folded, stop words removed, Snowball-
stemmed, Dutch compounds split against the words at hand) and every number it states must
occur in the passages it cites. That catches invented sentences, fake citations, gibberish
and made-up figures. It cannot catch a sentence that reuses the source's words to say
something else (a dropped "niet"), which is why the prompt asks for short sentences close
to the source and the answer always lists its sources.

A lexical check cannot compare an English sentence with a Dutch passage, so a sentence
citing a passage in another language is refused: an English answer is LLM-written only
from English passages; from Dutch ones the engine falls back to the extractive answer
(Dutch quotes in an English frame, with a note).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

from bot.index import text as T
from bot.retrieval.passage import Passage
from bot.index.sentences import split_sentences

SUPPORT = 0.6  # share of a sentence's content words found in its cited passages (tuned in the tests)
MIN_CONTENT = 2  # fewer content words than this states nothing ("Kortom:", "Ja [1].")

_CITE = re.compile(r"\[(\d+)\]")
_CITES_ONLY = re.compile(r"(?:\[\d+\][\s,.;]*)+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_BULLET = re.compile(r"^\s*(?:[-•*–]|\d{1,2}[.)])\s+")
# "I don't know" in the wording the prompts ask for, and the usual variants.
_NO_ANSWER = re.compile(
    r"staat niet in de bronnen|bronnen (?:zeggen|vermelden|noemen) (?:hier |daar )?(?:niets|geen)|"
    r"(?:dat|dit) weet ik niet|kan ik niet (?:beantwoorden|zeggen)|"
    r"sources do not (?:say|answer|mention)|not in the sources|i (?:do not|don'?t) know|cannot answer", re.I)
# Words that carry no claim of their own; without them a paraphrase is not penalised for its verbs.
_LIGHT_NL = {"gaat", "gaan", "ga", "doe", "doet", "deed", "laat", "laten", "beste", "kun", "kunt", "jij", "zoals",
             "namelijk", "daarom", "echter", "wel", "bijvoorbeeld", "belangrijk", "goed", "zorg", "zorgt"}
_STOP = {"nl": T.STOPWORDS | _LIGHT_NL,
         "en": (set(STOPWORDS_EN_PLUS) - {"not", "no", "never"}) | {"best", "way", "also", "make", "sure", "does"}}


@dataclass
class Grounding:
    ok: bool
    reasons: list[str] = field(default_factory=list)
    sentences: int = 0  # statements checked


@lru_cache(maxsize=4)
def _stemmer(language: str):
    return Stemmer.Stemmer("english" if language == "en" else "dutch")


def _sentences(answer: str) -> list[str]:
    out: list[str] = []
    for line in answer.splitlines():
        line = _BULLET.sub("", line).strip()
        for sent in split_sentences(line) if line else ():
            if out and _CITES_ONLY.fullmatch(sent):
                out[-1] += " " + sent  # "... gemeente. [2]": the citation belongs to the sentence before
            else:
                out.append(sent)
    return out


def _digits(text: str) -> dict[str, str]:
    """Numbers keyed without separators: "2.100" matches "2100", and "10" does not match "2.100"."""
    return {re.sub(r"[.,]", "", n): n for n in (m.rstrip(".,") for m in _NUMBER.findall(text))}


def _content(text: str, language: str) -> list[str]:
    stop = _STOP.get(language, _STOP["nl"])
    return [w for w in dict.fromkeys(T.words(text)) if w not in stop and len(w) > 1]


def _support(sentence: list[str], source_text: str, language: str) -> float:
    """Share of the sentence's content words whose stem, or the stems of both halves of it as
    a Dutch compound, occur in the source; the source's compounds are split as well."""
    if not sentence:
        return 1.0
    stem = _stemmer(language).stemWord
    source = T.words(source_text)
    splitter = T.CompoundSplitter(set(sentence) | set(source)) if language == "nl" else None
    stems = {stem(w) for w in (splitter.expand(source) if splitter else source)}
    found = 0
    for w in sentence:
        parts = splitter.split(w) if splitter else None
        found += stem(w) in stems or bool(parts) and all(stem(p) in stems for p in parts)
    return found / len(sentence)


def _source_text(p: Passage) -> str:
    # the model was shown title, section and page with the text, and may name them
    return f"{p.title} {p.section} {p.page or ''} {p.text}"


def check_grounding(answer: str, passages: list[Passage], language: str = "nl") -> Grounding:
    reasons: list[str] = []
    statements = grounded = 0
    said_no_answer = False
    for i, s in enumerate(_sentences(answer), 1):
        cited = list(dict.fromkeys(int(n) for n in _CITE.findall(s)))
        body = _CITE.sub(" ", s)
        if _NO_ANSWER.search(body):
            said_no_answer = True  # an honest "the sources do not say" needs no citation
            continue
        content = _content(body, language)
        if len(content) < MIN_CONTENT:
            continue
        statements += 1
        if not cited:
            reasons.append(f"sentence {i} has no citation")
            continue
        missing = [n for n in cited if not 1 <= n <= len(passages)]
        if missing:
            reasons.append(f"sentence {i}: citation [{missing[0]}] does not exist")
            continue
        sources = [passages[n - 1] for n in cited]
        foreign = [n for n, p in zip(cited, sources) if (p.language or "nl") != language]
        if foreign:
            reasons.append(f"sentence {i}: cannot check a '{language}' sentence against [{foreign[0]}] "
                           f"in '{passages[foreign[0] - 1].language}'")
            continue
        before = len(reasons)
        source = " ".join(_source_text(p) for p in sources)
        share = _support(content, source, language)
        if share < SUPPORT:
            reasons.append(f"sentence {i} not supported by {cited} ({share:.0%} of its words)")
        known = _digits(source)
        invented = [n for key, n in _digits(body).items() if key not in known]
        if invented:
            reasons.append(f"sentence {i} has numbers not in its sources: {invented[:3]}")
        grounded += len(reasons) == before
    if statements == 0 or (said_no_answer and grounded == 0):
        reasons.insert(0, "no answer")
    return Grounding(not reasons, reasons, statements)
