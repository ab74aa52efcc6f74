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

from bot.index.model import Chunk
from bot.index.sentences import split_sentences

from .model import Section

_PARAGRAPH = re.compile(r"\n\s*\n")


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
