"""Sentences that cannot be quoted alone: they lean on what came before, or announce what follows.

"Dit laatste geldt vooral voor kleine gemeenten." means nothing without the
sentence before it; "Het volgende figuur laat zien ..." points at a figure the
answer does not show; "De handreiking geeft vier aanwijzingen:" needs its list.
An answer composer asks ``quotable_span`` which sentences to quote together to
quote one, and gets ``None`` when the passage does not hold what the sentence
needs (then it must not be quoted).

    from bot.index.antecedent import sentences, quotable_span
    sents = sentences(passage.text)          # [Sentence(text, paragraph, leans_back, leans_forward)]
    span = quotable_span(sents, i)           # (start, end) to quote sents[start:end], or None

Cues are Dutch (and a few English): sentence-initial demonstratives and
connectives ("Dit", "Deze", "Daarnaast", "Bovendien", "Hierdoor", "Ook", "In die zin"; not "Zo", which
mostly reads alone and, when it opened an answer, was the answer: second reading pass),
a demonstrative determiner among the first words ("In deze brochure"),
references anywhere in the sentence to figures, tables and earlier text ("dit
laatste", "onderstaande", "zoals eerder genoemd"), and lead-ins ending in a colon.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.index.sentences import split_sentences

MAX_BACK = 2  # sentences looked back for an antecedent
MAX_ITEMS = 12  # paragraphs a lead-in may take along as its list
MAX_ITEM_CHARS = 400  # a longer paragraph is prose, not a list item

# Sentence-initial words that point back. A demonstrative before a noun for the document itself
# ("Deze handreiking", "Dit rapport") names the cited source and may stand alone.
_OPENERS = re.compile(
    r"^(?:dit|dat|deze|die|dergelijke|zulke|zo'n|zo’n|beide|daarnaast|daarom|daarbij|daardoor|daarmee|daarin|"
    r"daarvoor|daarop|daaruit|daartoe|daarentegen|daarna|bovendien|tevens|verder|ook|eveneens|hierdoor|hiermee|"
    r"hierbij|hiervoor|hierin|hieruit|hierop|hiertoe|hierna|echter|toch|dus|vandaar|desondanks|niettemin|evenwel|"
    r"anderzijds|ten tweede|ten derde|ten vierde|ten slotte|tenslotte|tot slot|vervolgens|maar|en|want|zij|ze|hij|"
    r"hun|hen|aldus|op (?:die|deze|dezelfde) (?:manier|wijze)|in (?:die|deze|dat|dit) (?:zin|geval|verband|kader)|"
    r"volgens (?:hen|hem|haar|hun|deze|die)|this|these|that|those|moreover|furthermore|however|therefore|also|"
    r"besides|they|it|thus|in this way)\b",
    re.I)
# A demonstrative determiner early in the sentence ("In deze brochure ...", "Voor deze professionals ...",
# "... van dit thema") points back to what the sentence before named, unless it names the cited document.
_EARLY_DEMONSTRATIVE = re.compile(r"^(?:\S+\s+){1,3}?(?:deze|dit|dezelfde|datzelfde|diezelfde)\s+(?!(?:rapport|"
                                  r"handreiking|document|notitie|toolkit|publicatie|essay|onderzoek|evaluatie|"
                                  r"handleiding|website|kennisbank|week|maand|jaar)\b)\w+", re.I)
_DOCUMENT_NOUNS = re.compile(
    r"^(?:dit|deze)\s+(?:rapport|handreiking|document|notitie|toolkit|publicatie|essay|onderzoek|evaluatie|"
    r"brochure|handleiding|website|kennisbank)\b", re.I)
_REFERENCES = re.compile(
    r"\b(?:dit laatste|deze laatste|laatstgenoemde|eerstgenoemde|bovengenoemde|eerdergenoemde|eerder genoemde|"
    r"hiervoor genoemde|voornoemde|zoals (?:eerder|gezegd|hierboven|hiervoor|beschreven|genoemd|vermeld)|"
    r"as mentioned)\b", re.I)
# Pointers to what an answer does not show (a figure, a table, another part of the report): never quotable.
_POINTERS = re.compile(
    r"\b(?:(?:het|de) (?:volgende|onderstaande|bovenstaande) (?:figuur|tabel|schema|kader|afbeelding|grafiek|overzicht)|"
    r"zie (?:figuur|tabel|kader|bijlage|paragraaf|hoofdstuk)|(?:in|uit) (?:figuur|tabel|kader|bijlage) \d|"
    r"in (?:de|het) vorige (?:paragraaf|hoofdstuk|alinea|sectie)|in (?:hoofdstuk|paragraaf) \d|"
    r"the (?:following|above) (?:figure|table))\b", re.I)
_COUNT = {"twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "tien": 10,
          "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_COUNTED = re.compile(r"\b(" + "|".join(_COUNT) + r"|\d{1,2})\s+\w+", re.I)
_LEAD_IN = re.compile(r"(?::|\b(?:als volgt|het volgende|de volgende)\W*)$", re.I)


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int  # which paragraph of the passage it stands in (0-based)
    leans_back: bool  # needs what came before it
    leans_forward: bool  # a lead-in: needs what follows it
    points_elsewhere: bool = False  # refers to a figure, table or other part of the report: never quoted


def cue(sentence: str) -> str | None:
    """The words that make a sentence lean on what came before, or None when it stands alone."""
    s = sentence.lstrip(" \"'‘“(-–•*")
    m = _POINTERS.search(s)
    if m:
        return m.group(0)
    if _DOCUMENT_NOUNS.match(s):
        return None
    m = _OPENERS.match(s) or _EARLY_DEMONSTRATIVE.match(s)
    if m:
        return m.group(0)
    m = _REFERENCES.search(s)
    return m.group(0) if m else None


def leans_on_context(sentence: str) -> bool:
    """The sentence needs its antecedent (or a figure, table or earlier text) to make sense."""
    return cue(sentence) is not None


def leads_in(sentence: str) -> bool:
    """The sentence announces what follows ("... drie doelen:"): quoted alone it dangles."""
    return bool(_LEAD_IN.search(sentence.rstrip(" \"'’”)")))


def sentences(text: str) -> list[Sentence]:
    """A passage's sentences in order, paragraph by paragraph, each flagged."""
    out = []
    for n, para in enumerate(p for p in re.split(r"\n\s*\n", text) if p.strip()):
        for s in split_sentences(" ".join(para.split())):
            out.append(Sentence(s, n, leans_on_context(s), leads_in(s), bool(_POINTERS.search(s))))
    return out


def quotable_span(sents: list[Sentence], i: int, max_back: int = MAX_BACK) -> tuple[int, int] | None:
    """The sentences to quote together so that ``sents[i]`` makes sense: ``sents[start:end]``.

    Back: while a sentence leans on the one before, that one comes along (at most ``max_back``).
    Forward: a lead-in takes the list that follows it (the next short paragraphs). None when what is
    needed is not in the passage: the first sentence leans back, or a lead-in has nothing after it.
    """
    if sents[i].points_elsewhere:
        return None
    start = i
    while sents[start].leans_back:
        if start == 0 or i - start >= max_back:
            return None
        start -= 1
    end = i + 1
    if sents[i].leans_forward:
        para, j = sents[i].paragraph, end
        if j < len(sents) and sents[j].paragraph == para:
            # "... als volgt: a. b." in one paragraph: the rest of the paragraph is what it announces
            while j < len(sents) and sents[j].paragraph == para:
                j += 1
        else:
            # "... vier aanwijzingen:" takes four paragraphs; otherwise the short paragraphs that follow
            wanted = _announced(sents[i].text)
            items, current = 0, None
            while j < len(sents):
                if sents[j].paragraph != current:
                    current = sents[j].paragraph
                    size = sum(len(s.text) for s in sents if s.paragraph == current)
                    if items >= (wanted or MAX_ITEMS) or (not wanted and size > MAX_ITEM_CHARS):
                        break
                    items += 1
                j += 1
            if wanted and items < wanted:
                return None  # the list is cut off: fewer items in the passage than announced
        if j == end:
            return None  # a dangling lead-in: its list is not in the passage
        end = j
    if any(s.points_elsewhere for s in sents[start:end]):
        return None
    return start, end


def _announced(lead_in: str) -> int | None:
    """How many items a lead-in announces ("geeft vier aanwijzingen:" -> 4), the count nearest the colon."""
    counts = _COUNTED.findall(lead_in)
    if not counts:
        return None
    word = counts[-1].lower()
    n = _COUNT.get(word) or (int(word) if word.isdigit() else None)
    return n if n and 1 < n <= MAX_ITEMS else None


def opens_in_context(text: str) -> bool:
    """A passage or chunk whose first sentence leans on text before it: do not quote its opening alone."""
    first = next(iter(sentences(text)), None)
    return bool(first and first.leans_back)
