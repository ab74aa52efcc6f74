"""Extractive answers a practitioner can forward: the sentence that best answers the question first, then the
passage it comes from, quoted whole, with its heading as the label.

A list of the best-scoring sentences reads as copied fragments: a lead-in without its list, "Dit laatste ..."
without what it refers to, a greeting or a table row. So the unit quoted is what the author wrote as one:
the paragraph around the best sentence, a lead-in with its list, a sentence with the one it leans on
(``bot.index.antecedent``). A second place is added only when it scores close to the first; fewer, relevant
lines beat four weak bullets. A sentence inside a counter-example ("zo moet het niet") is not offered as the
advice: the advice near it is. The opening may be two sentences when the best one leans on the one before
("Zij organiseert deze bijeenkomst ..."), never one item of a list; it is said once (left out of the quote
below it, the omission marked when it falls inside a paragraph). Polar questions ("Mag ...?", "Kan ...?") open with "Ja" or "Nee" only when
the opening sentence uses the question's own verb, and "Nee" only when it negates it.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from bot.index import text as T
from bot.index.antecedent import Sentence, quotable_span, sentences
from bot.index.sentences import split_sentences
from bot.retrieval.passage import Passage

MIN_SENTENCE_CHARS = 25
QUOTE_CHARS = 650  # a quoted unit longer than this is cut at a sentence around the best one
LIST_CHARS = 1000  # a lead-in with its list may be this long; it is trimmed before the lead-in, never in the list
TOTAL_CHARS = 1100
LEAD_CHARS = 400  # an opening of two sentences (one leaning on the other) at most this long
SECOND_PLACE = 0.75  # a second place only when its best sentence scores this close to the first
ADVICE_BOOST = 1.6
COUNTER_PENALTY = 0.3
NARRATIVE_WEIGHT = 0.5  # a word only in the situation told around the question, against 1 in the question

_ASKS_ADVICE = re.compile(
    r"\b(raadt|raad|advies|adviseert|aanpak|aanpakken|wat (moet|moeten|kan|kunnen|doe|doen)|"
    r"hoe (kan|kunnen|pak|ga|gaan|moet|moeten|zorg)|tips?|what should|what can|how (do|can|should)|advice|"
    r"recommend)\b", re.I)
_GIVES_ADVICE = re.compile(
    r"\b(beter|raden|raadt|advies|adviseert|aan te raden|kies|richt|zorg|spreek|maak|bel|vraag|betrek|begin|"
    r"gebruik|deel|houd|zoek|verleg|vermijd|laat|blijf|schakel|neem|investeer|wees|is het (goed|verstandig|"
    r"belangrijk|raadzaam)|het is (goed|verstandig|belangrijk|raadzaam)|moet(en)? (je|u|men|de gemeente)|should|"
    r"best|avoid|focus)\b", re.I)
# What not to do, told as an example: its sentences describe the mistake, not the advice.
_COUNTER = re.compile(
    r"\b(hoe het niet moet|zo moet het niet|niet zo|(een )?voorbeeld van (hoe het )?(mis|fout)|valkuil(en)?|"
    r"veelgemaakte fout|wat niet werkt|werkt(e)? averechts|(dit|dat) (is|was) (een )?(fout|vergissing)|"
    r"ging (het )?mis|niet doen|don'?t do|what not to do|counter-?example|mistake)\b", re.I)
# "Beter is het om ...": the advice turns here, and what the paragraph said before it was the mistake.
_ADVICE_TURN = re.compile(
    r"^(beter (is|kun|kan|werkt|zou)|het is beter|wat (wel|beter) (werkt|helpt)|in plaats daarvan|kies liever|"
    r"liever|effectiever is|instead|a better|it is better)\b", re.I)
_NOT_CONTENT = re.compile(
    r"^(hallo|hoi|beste|geachte|dag|goedemorgen|goedemiddag|goedenavond|met vriendelijke groet|groet(en|jes)?|"
    r"hartelijke groet|dank(je|u|jewel)?|bedankt|vriendelijke groet|hi|hello|dear|kind regards|thanks)\b", re.I)
_POLAR = re.compile(r"^\s*(mag|mogen|kan|kun|kunnen|moet|moeten|is|zijn|heeft|hebben|werkt|helpt|zal|zullen|"
                    r"wordt|worden|bestaat|can|may|should|must|is|are|does|do|will)\b", re.I)
_NEGATION = re.compile(r"\b(niet|geen|nooit|nergens|not|no|never|cannot|can't|mustn't)\b", re.I)
_VERB_FORMS = {  # the forms of the question's verb that a sentence must use to say yes or no to it
    "mag": "mag|mogen|mocht|mochten", "mogen": "mag|mogen|mocht|mochten",
    "kan": "kan|kunnen|kunt|kon|konden", "kun": "kan|kunnen|kunt|kon|konden", "kunnen": "kan|kunnen|kunt|kon|konden",
    "moet": "moet|moeten|hoeft|hoeven", "moeten": "moet|moeten|hoeft|hoeven",
    "werkt": "werkt|werken|werkte", "helpt": "helpt|helpen|hielp", "bestaat": "bestaat|bestaan",
    "can": "can|cannot|can't", "may": "may", "should": "should", "must": "must|mustn't",
}


# Pictographs a PDF's layout leaves in the text ("🕒 Het was ..."): never part of what the author wrote.
_SYMBOLS = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]")


@dataclass
class Quote:
    passage: int  # index in the given passages
    heading: str | None
    text: str


@dataclass
class Composition:
    lead: str | None = None  # the opening statement (with "Ja, "/"Nee, " where the question asks it)
    lead_passage: int | None = None
    quotes: list[Quote] = field(default_factory=list)

    @property
    def used(self) -> list[int]:
        seen: list[int] = []
        for i in ([self.lead_passage] if self.lead_passage is not None else []) + [q.passage for q in self.quotes]:
            if i not in seen:
                seen.append(i)
        return seen

    @property
    def empty(self) -> bool:
        return self.lead is None and not self.quotes


@lru_cache(maxsize=2048)
def _analysed(text: str) -> tuple[tuple[Sentence, ...], tuple[frozenset[str], ...], tuple[bool, ...]]:
    """A passage's sentences, their tokens, and whether each can be quoted as content. Passages are the same
    few for many questions: analysed once."""
    sents = tuple(sentences(text))
    toks = tuple(frozenset(T.tokens(s.text)) for s in sents)
    ok = tuple(_content(s) for s in sents)
    return sents, toks, ok


def quotable_sentences(passages: list[Passage]) -> list[tuple[str, str]]:
    """Every sentence of the passages that could be quoted as content, with its context: itself and the
    sentence before it in its paragraph."""
    out = []
    for p in passages:
        sents, _, ok = _analysed(p.text)
        for k, s in enumerate(sents):
            if ok[k]:
                before = sents[k - 1].text + " " if k and sents[k - 1].paragraph == s.paragraph else ""
                out.append((s.text, before + s.text))
    return out


def _content(s: Sentence) -> bool:
    t = s.text.strip()
    if len(t) < MIN_SENTENCE_CHARS or s.points_elsewhere:
        return False
    if (t.endswith("?") and ": " not in t) or _NOT_CONTENT.match(t) or " | " in t:
        return False  # a question, a greeting or a table row is not an answer
    return t.rstrip(")\"'’”").endswith((".", "!", "?", ":", ";"))  # a sentence cut at a page or chunk is not


def _mistakes(sents: tuple[Sentence, ...], heading: str) -> set[int]:
    """Sentences that describe what not to do: from a counter-example cue (or under a heading that is one) to
    where the advice turns ("Beter is het om ..."), and what a paragraph says before its advice turns."""
    out: set[int] = set()
    under_counter = bool(_COUNTER.search(heading))  # "Zo moet het niet": until the advice turns
    counter, current = under_counter, None
    for k, s in enumerate(sents):
        text = s.text.strip()
        if current is not None and s.paragraph != current and not sents[k - 1].leans_forward:
            counter = under_counter  # a cue in the text reaches to the end of its paragraph (and its list)
        current = s.paragraph
        if _ADVICE_TURN.match(text):
            counter = under_counter = False
            j = k - 1
            while j >= 0 and sents[j].paragraph == s.paragraph:
                out.add(j)
                j -= 1
            continue
        if _COUNTER.search(text):
            counter = True
        if counter:
            out.add(k)
    return out


def _question_terms(question: str) -> Counter:
    """The question's words, weighted: a practitioner describes the situation, then asks ("... nu bellen er al
    journalisten. Biedt ESS iets aan waar wij kunnen leren ...?"). The sentence that asks says what the answer
    is about; words only in the story around it count for less, or the sentence that retells the story wins."""
    parts = split_sentences(" ".join(question.split()))
    asked = [p for p in parts if p.rstrip(" \"'’”)").endswith("?")]
    if len(parts) < 2 or not asked:
        return Counter(T.tokens(question))
    terms = Counter(T.tokens(" ".join(asked)))
    for t in T.tokens(" ".join(p for p in parts if p not in asked)):
        if t not in terms:
            terms[t] = NARRATIVE_WEIGHT
    return terms


def _score_all(question: str, expansion: str, pool: list[Passage]):
    q_terms = _question_terms(question)
    for t in T.tokens(expansion):
        q_terms[t] = max(q_terms[t], 0.5)
    df: Counter = Counter()
    rows = []
    for pi, p in enumerate(pool):
        sents, toks, ok = _analysed(p.text)
        for tk in toks:
            df.update(tk)
        rows.append((pi, sents, toks, ok))
    n = max(sum(len(r[1]) for r in rows), 1)
    wants_advice = bool(_ASKS_ADVICE.search(question))
    mistakes: set[tuple[int, int]] = set()
    raw: dict[tuple[int, int], float] = {}  # every quotable sentence: its word overlap with the question
    for pi, sents, toks, ok in rows:
        wrong = _mistakes(sents, pool[pi].section)
        for si in range(len(sents)):
            if not ok[si]:
                continue
            overlap = sum(w * math.log(1 + n / df[t]) for t, w in q_terms.items() if t in toks[si])
            raw[(pi, si)] = overlap / math.sqrt(max(len(toks[si]), 4))
            if si in wrong:
                mistakes.add((pi, si))
    every: dict[tuple[int, int], float] = {}
    for (pi, si), score in raw.items():
        score /= 1 + 0.35 * pi  # the retriever's order counts
        if wants_advice and _GIVES_ADVICE.search(rows[pi][1][si].text):
            score *= ADVICE_BOOST
        if (pi, si) in mistakes:
            score *= COUNTER_PENALTY  # the mistake is not the advice
        every[(pi, si)] = score
    scored = sorted(((sc, pi, si) for (pi, si), sc in every.items() if sc > 0), key=lambda x: -x[0])
    return scored, {pi: sents for pi, sents, _, _ in rows}, wants_advice, mistakes, every


def _unit(sents: tuple[Sentence, ...], i: int) -> tuple[int, int] | None:
    """What to quote around sentence i: its paragraph when short, else the span it needs and the sentence after
    (advice often follows the sentence that names the situation); None when it cannot be quoted."""
    span = quotable_span(list(sents), i)
    if span is None:
        return None
    start, end = span
    para = [k for k, s in enumerate(sents) if s.paragraph == sents[i].paragraph]
    p_start, p_end = para[0], para[-1] + 1
    if sum(len(s.text) for s in sents[p_start:p_end]) <= QUOTE_CHARS and not sents[p_start].leans_back:
        start, end = min(start, p_start), max(end, p_end)
    elif end < len(sents) and sents[end].paragraph == sents[i].paragraph and sents[end].leans_back \
            and not sents[end].points_elsewhere:
        end += 1
    # a list item is quoted with its lead-in: "De handreiking noemt drie stappen:" before "1. ..."
    if start > 0 and sents[start - 1].leans_forward:
        lead = quotable_span(list(sents), start - 1)
        if lead is not None and lead[1] >= end and sum(len(s.text) for s in sents[lead[0]:lead[1]]) <= QUOTE_CHARS:
            start, end = lead
    # a list after its lead-in is kept whole ("geeft vier aanwijzingen:" and three of them is a fragment)
    in_list = any(sents[k].leans_forward for k in range(start, end - 1))
    while end - start > 1 and sum(len(s.text) for s in sents[start:end]) > (LIST_CHARS if in_list else QUOTE_CHARS):
        if end - 1 > i and not sents[end - 2].leans_forward and not in_list:
            end -= 1
        elif start < i and not sents[start + 1].leans_back and not sents[start].leans_forward:
            start += 1
        else:
            break
    # the unit's edges hold no debris: a table row, a sentence cut off by the page, a lead-in without its list
    while end - 1 > i and (_debris(sents, end - 1) or sents[end - 1].leans_forward):
        end -= 1
    while start < i and _debris(sents, start) and not sents[start + 1].leans_back:
        start += 1
    if sents[end - 1].leans_forward:
        return None  # its list was debris: a lead-in alone dangles
    return start, end


def _debris(sents: tuple[Sentence, ...], k: int) -> bool:
    """A table row, or prose cut off without its end (a list item may go without a full stop)."""
    t = sents[k].text.strip()
    if " | " in t:
        return True
    list_item = k > 0 and sents[k - 1].paragraph != sents[k].paragraph and len(t) <= 400
    return not list_item and not t.rstrip(")\"'’”").endswith((".", "!", "?", ":", ";"))


def _render(sents: tuple[Sentence, ...], start: int, end: int, skip: range = range(0)) -> str:
    """The unit as the author wrote it: sentences of one paragraph together, paragraphs on their own lines, the
    items after a lead-in marked as a list; ``skip``: the opening statement, already said above it."""
    lines: list[str] = []
    current, listing = None, False
    for k in range(start, end):
        s = sents[k]
        if k in skip:
            # an omission inside a paragraph is marked, as in any quotation: what is left stays verbatim
            if k + 1 == skip.stop and k + 1 < end and lines and sents[k + 1].paragraph == current:
                lines[-1] += " […]"
            continue
        if s.paragraph != current:
            listing = listing or (k > start and sents[k - 1].leans_forward)
            lines.append(("• " if listing else "") + s.text)
            current = s.paragraph
        else:
            lines[-1] += " " + s.text
    return "\n".join(" ".join(_SYMBOLS.sub("", line).split()) for line in lines)


def _list_items(sents: tuple[Sentence, ...], start: int, end: int) -> set[int]:
    """The sentences of the unit that are items of a list: every paragraph after a lead-in, as ``_render``
    marks them."""
    out: set[int] = set()
    listing = False
    for k in range(start, end):
        if k > start and sents[k].paragraph != sents[k - 1].paragraph and sents[k - 1].leans_forward:
            listing = True
        if listing:
            out.add(k)
    return out


def _polar(question: str, lead: str) -> str | None:
    """"Ja" or "Nee" when the question asks yes or no and the lead answers with the question's own verb."""
    m = _POLAR.match(question)
    if not m or "?" not in question:
        return None
    forms = _VERB_FORMS.get(m.group(1).lower())
    if not forms:
        return None
    verb = re.search(rf"\b({forms})\b", lead, re.I)
    if not verb:
        return None
    window = lead[max(0, verb.start() - 40): verb.end() + 40]
    english = bool(re.match(r"\s*(can|may|should|must|does|do|will|is|are)\b", question, re.I))
    if _NEGATION.search(window):
        return "No" if english else "Nee"
    return "Yes" if english else "Ja"


def compose(question: str, expansion: str, passages: list[Passage], max_passages: int = 3) -> Composition:
    pool = passages[:max_passages]
    scored, by_passage, wants_advice, mistakes, score_of = _score_all(question, expansion, pool)
    comp = Composition()
    if not scored:
        return comp
    total = 0
    best = scored[0][0]
    for score, pi, si in scored:
        if comp.quotes and (score < SECOND_PLACE * best or len(comp.quotes) >= 2):
            break
        if any(q.passage == pi for q in comp.quotes):
            continue
        sents = by_passage[pi]
        unit = _unit(sents, si)
        if unit is None:
            continue
        start, end = unit
        text = _render(sents, start, end)
        if comp.quotes and total + len(text) > TOTAL_CHARS:
            continue
        if comp.lead is None:
            lead = _lead(sents, start, end, si, score_of, pi, wants_advice, mistakes)
            if lead is not None:
                a, b = lead
                comp.lead = " ".join(_SYMBOLS.sub("", " ".join(x.text for x in sents[a:b])).split())
                comp.lead_passage = pi
                yes_no = _polar(question, sents[b - 1].text)
                if yes_no:
                    comp.lead = f"{yes_no}. {comp.lead}"
                if (a, b) == (start, end):  # the unit is the opening itself: say it once
                    total += len(text)
                    continue
                # said once: the quote goes on without it, unless what follows it leans on it
                if not (b < end and sents[b].leans_back):
                    text = _render(sents, start, end, skip=range(a, b))
                    if len(text) < MIN_SENTENCE_CHARS:  # nothing worth a quote is left
                        total += len(text)
                        continue
        comp.quotes.append(Quote(pi, _heading(pool[pi]), text))
        total += len(text)
    return comp


def _heading(p: Passage) -> str | None:
    """The quote's label: the nearest heading above it (the full path is in the citation)."""
    return p.section.split(" › ")[-1].strip() or None if p.section else None


def _lead(sents, start: int, end: int, best: int, score_of: dict, pi: int, wants_advice: bool,
          mistakes: set[tuple[int, int]]) -> tuple[int, int] | None:
    """The opening statement, from the unit quoted, as the sentences ``[a, b)``: the best sentence when it stands
    alone, or with the sentence it leans on when both are short ("Zij organiseert deze bijeenkomst ..." needs who
    "zij" is; the answer is often told that way); for a question asking what to do, the best-scoring sentence of
    the unit that says what to do (not the one that restates the situation). Never the mistake described."""
    listed = _list_items(sents, start, end)

    def opening(k: int) -> tuple[int, int] | None:
        # one item of a list does not answer "welke ...?": the lead-in with its whole list below does
        if (pi, k) not in score_of or (pi, k) in mistakes or sents[k].leans_forward or k in listed:
            return None
        if not sents[k].leans_back:
            return k, k + 1
        span = quotable_span(list(sents), k)
        if span is None or span[0] < start or span[1] != k + 1 or span[1] - span[0] > 2:
            return None
        if sum(len(x.text) for x in sents[span[0]:span[1]]) > LEAD_CHARS or \
                any((pi, j) in mistakes or _debris(sents, j) or sents[j].leans_forward for j in range(span[0], k)):
            return None
        return span

    spans = {k: span for k in range(start, end) if (span := opening(k)) is not None}
    if wants_advice:
        advice = [k for k in spans if _GIVES_ADVICE.search(sents[k].text)]
        if advice:
            return spans[max(advice, key=lambda k: score_of[(pi, k)])]
    if best in spans:
        return spans[best]
    return spans[max(spans, key=lambda k: score_of[(pi, k)])] if spans else None


def render_composition(comp: Composition, numbering: dict[int, int], passages: list[Passage]) -> str:
    """Plain text every channel shows as is: the opening statement with its citation, then each quoted unit
    under its heading. A short unit that holds the opening is not repeated under it."""
    parts: list[str] = []
    quotes = list(comp.quotes)
    if comp.lead is not None:
        lead = _strip_polar(comp.lead)
        parts.append(f"{comp.lead} [{numbering[comp.lead_passage]}]")
        first = quotes[0] if quotes else None
        if first is not None and first.passage == comp.lead_passage and first.text.startswith(lead):
            # the opening is said once: the quote goes on from there (compose already leaves an opening from
            # the middle of a unit out of its quote, unless what follows leans on it)
            rest = first.text[len(lead):].strip()
            quotes[0] = Quote(first.passage, first.heading, rest) if len(rest) > 20 else None
    for q in quotes:
        if q is None:
            continue
        label = q.heading or passages[q.passage].title
        body = q.text
        parts.append(f"{label} [{numbering[q.passage]}]:\n{body}" if label else f"{body} [{numbering[q.passage]}]")
    return "\n\n".join(parts)


def _strip_polar(lead: str) -> str:
    return re.sub(r"^(Ja|Nee|Yes|No)\. ", "", lead)
