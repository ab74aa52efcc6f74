"""Redaction first: personal data becomes a typed placeholder before anything is
stored, logged, sent to a language model or counted.

Validated patterns catch what has a shape (e-mail, IBAN with mod-97, BSN with the
11-test, phone numbers, postcodes, licence plates, street addresses, dates of
birth); ``deduce`` (Dutch de-identification) finds person names, which patterns
cannot. Place names stay: a municipality is context the asker may give on purpose,
not personal data. Service numbers (112, 113, 0800-...) and the names of
organisations the bot talks about are never redacted.
"""
from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass

log = logging.getLogger(__name__)

KINDS = ("NAAM", "TELEFOON", "EMAIL", "BSN", "IBAN", "ADRES", "POSTCODE", "KENTEKEN", "GEBOORTEDATUM")

# Never personal data: emergency and service numbers, organisations and roles the bot discusses.
SERVICE_NUMBERS = {"112", "113", "08000113", "09008844", "08007000", "08002000", "144", "09001450"}
ALLOWED_NAMES = {
    "ess", "jep", "platform jep", "kis", "veilig thuis", "meld misdaad anoniem", "juridisch loket", "szw",
    "politie", "gemeente", "moskee", "wijkagent", "nctv", "rijksoverheid", "kennisplatform", "lse", "rtr",
    "verwey-jonker", "dsp", "nsob", "toolkit", "handreiking", "omei", "roc", "mbo", "hbo",
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Redaction:
    text: str
    spans: tuple[Span, ...]  # positions in the original text

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(s.kind for s in self.spans))


def bsn_valid(digits: str) -> bool:
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


def iban_valid(iban: str) -> bool:
    s = iban.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", s):
        return False
    moved = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


_MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec|january|february|march|may|june|july|october"
_DATE = rf"(\d{{1,2}}[-/.]\d{{1,2}}[-/.](19|20)\d{{2}}|\d{{1,2}}\s+({_MONTHS})\.?\s+(19|20)\d{{2}}|(19|20)\d{{2}}-\d{{2}}-\d{{2}})"
_STREET_SUFFIX = (r"straat|laan|weg|plein|gracht|kade|singel|dijk|hof|park|pad|steeg|dreef|plantsoen|markt|baan|"
                  r"veld|wal|ring|berg|polder|burcht|erf|hoek|lei|zijde")

POSTCODE = re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b")

PATTERNS: list[tuple[str, re.Pattern]] = [
    ("EMAIL", re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b")),
    ("IBAN", re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b", re.I)),
    ("GEBOORTEDATUM", re.compile(
        rf"(?:geboren|geb\.|geboortedatum|geboorte datum|born|date of birth|dob)\s*(?:op|on|:)?\s*{_DATE}", re.I)),
    ("POSTCODE", POSTCODE),
    ("ADRES", re.compile(
        rf"\b(?:[A-Z][\w'-]+\s){{0,3}}[A-Z]?[\w'-]*(?:{_STREET_SUFFIX})\s\d{{1,4}}(?:\s?[a-zA-Z]\b|-\d{{1,3}}\b|\s?(?:bis|hs)\b)?",
    )),
    ("TELEFOON", re.compile(
        r"(?<![\w-])(?:\+31\s?\(?0?\)?\s?|0031\s?|0)(?:6[\s-]?(?:\d[\s-]?){8}|[1-9]\d{1,2}[\s-]?(?:\d[\s-]?){6,7})(?!\d)")),
    ("BSN", re.compile(r"(?<!\d)\d{3}[.\s]?\d{2}[.\s]?\d{2}[.\s]?\d{2}(?!\d)|(?<!\d)\d{4}[.\s]?\d{2}[.\s]?\d{3}(?!\d)")),
    ("KENTEKEN", re.compile(
        r"\b(?:[A-Z]{2}-\d{2}-\d{2}|\d{2}-\d{2}-[A-Z]{2}|\d{2}-[A-Z]{2}-\d{2}|[A-Z]{2}-\d{2}-[A-Z]{2}|[A-Z]{2}-[A-Z]{2}-\d{2}|"
        r"\d{2}-[A-Z]{2}-[A-Z]{2}|\d{2}-[A-Z]{3}-\d|\d-[A-Z]{3}-\d{2}|[A-Z]{2}-\d{3}-[A-Z]|[A-Z]-\d{3}-[A-Z]{2}|"
        r"[A-Z]{3}-\d{2}-[A-Z]|[A-Z]-\d{2}-[A-Z]{3}|\d-[A-Z]{2}-\d{3}|\d{3}-[A-Z]{2}-\d)\b", re.I)),
]

# Fallback name heuristic for when deduce is unavailable: a title or a relation word before capitalised words.
_NAME_FALLBACK = re.compile(
    r"(?:(?:meneer|mevrouw|mevr\.|dhr\.|mw\.|mr\.|mrs\.|ms\.|collega|buurman|buurvrouw|zoon|dochter|leerling|"
    r"jongen|meisje|imam|voorzitter)\s+)((?:[A-Z][a-zà-ÿ'-]+)(?:\s(?:van|de|der|den|el|al|ter|ten|bin)?\s?[A-Z][a-zà-ÿ'-]+)*)")

_DEDUCE_KIND = {"persoon": "NAAM", "patient": "NAAM", "telefoonnummer": "TELEFOON", "emailadres": "EMAIL",
                "bsn": "BSN"}


class Redactor:
    def __init__(self, use_deduce: bool = True):
        self._deduce = None
        if use_deduce:
            try:
                from deduce import Deduce

                self._deduce = Deduce()
            except Exception as exc:  # missing package or broken cache: patterns still protect
                log.warning("deduce unavailable (%s); redacting with patterns only", type(exc).__name__)

    @property
    def uses_deduce(self) -> bool:
        return self._deduce is not None

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for kind, pat in PATTERNS:
            for m in pat.finditer(text):
                value = m.group(0)
                digits = re.sub(r"\D", "", value)
                if kind == "BSN" and not bsn_valid(digits):
                    continue
                if kind == "IBAN" and not iban_valid(value):
                    continue
                if kind == "TELEFOON" and digits in SERVICE_NUMBERS:
                    continue
                if kind == "KENTEKEN" and not re.search(r"\d", value):
                    continue
                end = m.start() + len(value.rstrip(" -"))  # a phone pattern may swallow the space after it
                spans.append(Span(m.start(), end, kind))
        if self._deduce is not None:
            spans.extend(self._deduce_spans(text))
        else:
            spans.extend(Span(m.start(1), m.end(1), "NAAM") for m in _NAME_FALLBACK.finditer(text))
        return _merge(spans)

    def _deduce_spans(self, text: str) -> list[Span]:
        out = []
        for ann in self._deduce.deidentify(text).annotations:
            tag = ann.tag.split("_")[0].lower()
            kind = _DEDUCE_KIND.get(tag)
            if tag == "locatie" and re.search(r"\d", ann.text) and not POSTCODE.search(ann.text):
                kind = "ADRES"  # a street with a house number; place names and postcodes are handled apart
            if kind is None or ann.text.strip().lower() in ALLOWED_NAMES:
                continue
            if kind == "TELEFOON" and re.sub(r"\D", "", ann.text) in SERVICE_NUMBERS:
                continue
            if kind == "BSN" and not bsn_valid(re.sub(r"\D", "", ann.text)):
                continue
            out.append(Span(ann.start_char, ann.end_char, kind))
        return out

    def redact(self, text: str) -> Redaction:
        spans = self.find(text)
        out, pos = [], 0
        for s in spans:
            out.append(text[pos:s.start])
            out.append(f"[{s.kind}]")
            pos = s.end
        out.append(text[pos:])
        return Redaction("".join(out), tuple(spans))


def _merge(spans: list[Span]) -> list[Span]:
    """Overlapping detections become one span; the longest decides the kind."""
    merged: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if merged and s.start < merged[-1].end:
            last = merged[-1]
            if s.end > last.end:
                kind = s.kind if (s.end - s.start) > (last.end - last.start) else last.kind
                merged[-1] = Span(last.start, s.end, kind)
            continue
        merged.append(s)
    return merged


_singletons: dict[bool, Redactor] = {}
_lock = threading.Lock()


def get_redactor(use_deduce: bool = True) -> Redactor:
    """One redactor per process: deduce takes seconds to start and about 1 GB of memory."""
    with _lock:
        if use_deduce not in _singletons:
            _singletons[use_deduce] = Redactor(use_deduce)
        return _singletons[use_deduce]
