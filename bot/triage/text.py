"""Text handling shared by the triage rules and the learned model: folding and units.

Rules look at one unit (a sentence, or a window of an overlong one) at a time, so a distancing
cue ("in de film") only excuses its own or its neighbour's sentence. The model embeds a message
whole, as retrieval does (so the vector is computed once for both), and each of its units.
"""
from __future__ import annotations

import re
import unicodedata

MAX_UNIT_WORDS = 28  # longer sentences (chat without punctuation) are cut into windows of this size
WINDOW_STEP = 14
MAX_UNITS = 24  # a 4,000-character message has about this many sentences; beyond, windows get wider


def fold(text: str) -> str:
    """Lower case, accents removed, letters repeated 3+ times collapsed ("heeeelp" -> "help"), punctuation
    dropped except the apostrophe: the form rules and n-grams are matched on."""
    t = unicodedata.normalize("NFKD", text.lower())
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = t.replace("ı", "i").replace("ł", "l").replace("ø", "o").replace("ß", "ss")
    t = re.sub(r"(\w)\1{2,}", r"\1", t)
    t = re.sub(r"[^\w\s']", " ", t)
    return " ".join(t.split())


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+|\s+[-–—]\s+|(?<=[.!?])(?=[A-Z])")


def units(text: str) -> list[str]:
    """Sentences, overlong ones as overlapping word windows; at most MAX_UNITS (wider windows beyond)."""
    parts = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]
    out: list[str] = []
    for p in parts:
        words = p.split()
        if len(words) <= MAX_UNIT_WORDS:
            out.append(p)
            continue
        for start in range(0, len(words) - WINDOW_STEP, WINDOW_STEP):
            out.append(" ".join(words[start:start + MAX_UNIT_WORDS]))
    if len(out) > MAX_UNITS:  # merge neighbours until it fits: nothing is skipped
        group = -(-len(out) // MAX_UNITS)
        out = [" ".join(out[i:i + group]) for i in range(0, len(out), group)]
    return [u for u in out if re.search(r"\w", u)] or [text.strip()]


CHUNK_CHARS = 1200  # about 300 e5 tokens: well inside its 512-token window


def degenerate(text: str) -> bool:
    """Nothing to read: one or a few words repeated, or no words at all. The model is not asked about such
    text (it was never shown any and guesses); the rules still are."""
    words = fold(text).split()
    if not words:
        return True
    return len(words) >= 8 and len(set(words)) <= max(3, len(words) // 20)


PLACEHOLDER = re.compile(r"\[(NAAM|TELEFOON|EMAIL|BSN|IBAN|ADRES|POSTCODE|KENTEKEN|GEBOORTEDATUM|ACCOUNT|SCHOOL)\]")
# Neutral stand-ins of the kind the model saw in its labelled messages (which are not redacted).
_STAND_IN = {"NAAM": "Sanne", "TELEFOON": "0612345678", "EMAIL": "naam@voorbeeld.nl", "BSN": "123456782",
             "IBAN": "NL00BANK0123456789", "ADRES": "Dorpsstraat 1", "POSTCODE": "1234 AB", "KENTEKEN": "AB-123-C",
             "GEBOORTEDATUM": "1 januari 2000", "ACCOUNT": "@naam", "SCHOOL": "de school"}
# A sentence of only these words around a placeholder gives contact details or signs off.
_CONTACT_WORDS = set("""mail mailen e-mail email bel bellen app appen sms whatsapp bereik bereiken bereikbaar via op
    naar of en mij me mijn ons onze je jij u uw is zijn nummer telefoon tel adres contact groet groeten groetjes
    vriendelijke hartelijke met mvg gr dank bedankt alvast ik ben heet namens van de het een tot ziens hoor
    regards thanks best kind call me my number at or and is from""".split())


def _contact_only(sentence: str) -> bool:
    rest = fold(PLACEHOLDER.sub(" ", sentence)).split()
    return all(w.strip(".,:;!?()") in _CONTACT_WORDS for w in rest)


def without_placeholders(text: str) -> str:
    """The redacted message as triage judges it. A sentence that only gives contact details or signs off
    ("Mail mij op [EMAIL].", "Groet, [NAAM]") is left out: it says nothing of danger, yet a short sentence at
    the end moved the model (measured: 0.04 alone, 0.41 with "Groet, Sanne", 0.19-0.61 with "Mail mij op ..."
    and an address or a bare placeholder). Other placeholders get a neutral stand-in ("[ADRES]" would read as
    the word "adres")."""
    if not PLACEHOLDER.search(text):
        return text
    kept = [u for u in re.split(r"(?<=[.!?])\s+|\n+", text) if not (PLACEHOLDER.search(u) and _contact_only(u))]
    return PLACEHOLDER.sub(lambda m: _STAND_IN[m.group(1)], " ".join(kept))
