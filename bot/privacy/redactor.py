"""Redaction first: personal data becomes a typed placeholder before anything is stored, logged,
sent to a language model or counted.

Shaped data (``patterns.py``) and person names (``names.py``); place names, organisations and
service numbers stay. One redactor per process, about 60 MB (deduce, used until 2026-11, cost ~1 GB).
"""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass

from .names import find_names
from .patterns import find_shaped
from .spans import Span, merge

# Placeholder per kind; Dutch, as the advisors read them.
KINDS = ("NAAM", "TELEFOON", "EMAIL", "BSN", "IBAN", "ADRES", "POSTCODE", "KENTEKEN", "GEBOORTEDATUM", "ACCOUNT",
         "SCHOOL")


@dataclass(frozen=True)
class Redaction:
    text: str
    spans: tuple[Span, ...]  # positions in the original text

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(s.kind for s in self.spans))


class Redactor:
    def __init__(self, names: bool = True):
        self.names = names

    def find(self, text: str) -> list[Span]:
        spans = merge(find_shaped(text))
        if self.names:
            # names are looked for with the shaped data masked, so an e-mail's "ivan.petrov" is no name
            masked = list(text)
            for s in spans:
                masked[s.start:s.end] = "#" * (s.end - s.start)
            spans += find_names("".join(masked))
        return merge(spans)

    def redact(self, text: str) -> Redaction:
        if not text:
            return Redaction(text or "", ())
        spans = self.find(text)
        out, pos = [], 0
        for s in spans:
            out.append(text[pos:s.start])
            out.append(f"[{s.kind}]")
            pos = s.end
        out.append(text[pos:])
        return Redaction("".join(out), tuple(spans))

    def warm(self) -> None:
        """Loads the word lists now rather than on the first message."""
        self.redact("Hallo, ik ben Jan de Vries uit Utrecht.")


_singletons: dict[bool, Redactor] = {}
_lock = threading.Lock()


def get_redactor(names: bool = True) -> Redactor:
    with _lock:
        if names not in _singletons:
            _singletons[names] = Redactor(names)
        return _singletons[names]
