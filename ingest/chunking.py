"""Structure-following chunking.

A chunk never crosses a section (heading) or page boundary, so its heading path
and page are exact citations. Inside a section, paragraphs are packed up to the
target size, and stay paragraphs (a blank line between them: a list item or a
table stays apart from the lead-in before it); an over-long paragraph is split at
sentence ends. The last sentence of a chunk is repeated at the start of the next
one so that an answer that straddles the cut is still found whole in one of them.

A heading is structure, never text: a chunk's text is what its author wrote
under the heading, the heading is its path. The heading often summarises the
section, so ``index_texts`` puts it in front of the section's first chunk for
what is embedded and what BM25 counts.
"""
from __future__ import annotations

import hashlib
import re

from .model import Chunk, Section

# A sentence ends at . ! ? (or ; :) followed by space and an upper-case letter, digit or quote.
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-Z0-9À-Ý‘“\"'(\[•-])")
_PARAGRAPH = re.compile(r"\n\s*\n")


# Dutch abbreviations that end in a period without ending the sentence.
_ABBREVIATIONS = {
    "art", "bijv", "bv", "blz", "ca", "dhr", "mevr", "dr", "drs", "e.a", "enz", "etc", "evt", "jl", "m.b.t",
    "mr", "nl", "nr", "o.a", "p", "pag", "prof", "resp", "t.a.v", "t.o.v", "vgl", "zgn", "z.g.a.n", "ir", "ing",
}


def split_sentences(text: str) -> list[str]:
    parts = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    out: list[str] = []
    for part in parts:
        if out and _ends_with_abbreviation(out[-1]):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


def _ends_with_abbreviation(sentence: str) -> bool:
    if not sentence.endswith("."):
        return False
    last = sentence[:-1].rsplit(" ", 1)[-1].lower()
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def _units(text: str, size: int) -> list[tuple[str, bool]]:
    """Paragraphs, or sentences of over-long paragraphs; flag marks a paragraph start."""
    out: list[tuple[str, bool]] = []
    for para in _PARAGRAPH.split(text):
        para = " ".join(para.split()) if "\n" not in para.strip() else para.strip()
        if not para:
            continue
        if len(para) <= size:
            out.append((para, True))
            continue
        for i, sent in enumerate(split_sentences(para)):
            # a "sentence" longer than the chunk (tables, lists) is cut at word boundaries
            while len(sent) > size * 1.5:
                cut = sent.rfind(" ", 0, size)
                cut = cut if cut > size // 2 else size
                out.append((sent[:cut].strip(), i == 0))
                sent, i = sent[cut:].strip(), 1
            out.append((sent, i == 0))
    return out


def chunk_section_text(text: str, size: int, overlap: int = 1) -> list[str]:
    units = _units(text, size)
    chunks: list[str] = []
    cur: list[tuple[str, bool]] = []
    cur_len = 0
    for unit, para_start in units:
        if cur and cur_len + len(unit) + 1 > size:
            chunks.append(_join(cur))
            # carry the last sentence(s) over when the cut falls inside a paragraph
            carry = cur[-overlap:] if overlap and not para_start else []
            if sum(len(c) for c, _ in carry) > size // 2:
                carry = []
            cur, cur_len = list(carry), sum(len(c) + 1 for c, _ in carry)
        cur.append((unit, para_start))
        cur_len += len(unit) + 1
    if cur:
        chunks.append(_join(cur))
    return chunks


def _join(units: list[tuple[str, bool]]) -> str:
    """Sentences of one paragraph with a space, paragraphs with a blank line."""
    out = ""
    for unit, para_start in units:
        out = unit if not out else f"{out}{chr(10) * 2 if para_start else ' '}{unit}"
    return out


def index_texts(chunks: list[Chunk]) -> list[str]:
    """What is embedded and indexed for each chunk (in document order): its text, with the heading in front
    of a section's first chunk, in one line (layout never changes a vector or the embedding cache's key)."""
    out = []
    previous: tuple[str, tuple[str, ...]] | None = None
    for c in chunks:
        place = (c.doc.doc_id, c.heading_path)
        text = c.text
        if c.heading_path and place != previous:
            text = f"{c.heading_path[-1]}\n\n{text}"
        previous = place
        out.append(" ".join(text.split()))
    return out


def chunk_id(doc_id: str, ordinal: int, text: str) -> str:
    digest = hashlib.sha256(f"{doc_id}\x00{text}".encode()).hexdigest()[:12]
    return f"{doc_id}#{ordinal:04d}-{digest}"


def chunk_sections(sections: list[Section], size: int, overlap: int = 1) -> list[Chunk]:
    chunks: list[Chunk] = []
    for section in sections:
        for text in chunk_section_text(section.text, size, overlap):
            ordinal = len(chunks)
            chunks.append(Chunk(
                chunk_id=chunk_id(section.doc.doc_id, ordinal, text),
                doc=section.doc,
                heading_path=section.heading_path,
                text=text,
                page=section.page,
                ordinal=ordinal,
            ))
    return chunks
