"""Clean text at ingest: what a loader found, reduced to the author's prose.

Loaders hand over text with whatever the source carried: HTML left in converted
reports, Markdown emphasis and links, footnote markers (``<sup>4</sup>``, ``¹⁷``,
``^[12]``, ``[12]``, a trailing ``*``), list symbols (``•``, ``③``, ``-``) and
lines wrapped and hyphenated by the page layout. None of that may reach a
passage: it is quoted to practitioners. ``paragraphs`` returns the paragraphs of
a block, one list item per paragraph (the symbol dropped, the item kept), table
rows as ``a | b`` lines, table-of-contents lines dropped; ``inline`` cleans one
line (headings, titles).
"""
from __future__ import annotations

import html
import re

# Only tags that occur in documents: a '<' in prose ("< 18 jaar") is left alone.
_TAG_NAMES = ("p|div|span|ul|ol|li|br|hr|i|b|u|em|strong|small|font|a|sub|sup|table|thead|tbody|tr|td|th|"
              "h[1-6]|blockquote|section|article|header|footer|figure|figcaption|img|center|dl|dt|dd|code|pre")
_BLOCK_TAG = re.compile(r"</?(?:p|div|ul|ol|li|br|hr|table|thead|tbody|tr|h[1-6]|blockquote|section|article|"
                        r"header|footer|figure|figcaption|center|dl|dt|dd|pre)\b[^<>]*>", re.I)
_ANY_TAG = re.compile(rf"</?(?:{_TAG_NAMES})\b[^<>]*/?>", re.I)
_SUP = re.compile(r"<sup\b[^<>]*>(.*?)</sup>", re.I | re.S)
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_CODE = re.compile(r"`([^`]+)`")
_EMPHASIS = [re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), re.compile(r"__(?=\S)(.+?)(?<=\S)__"),
             re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"),
             re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")]
# Footnote markers: superscript digits, ^[12], [12] or 12) glued to a word, a lone trailing asterisk.
_SUPERSCRIPT = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
_CARET_NOTE = re.compile(r"\[\^[\w-]{1,12}\]|\^\[?\d{1,3}\]?")
_BRACKET_NOTE = re.compile(r"(?<=[^\s\[(])\[\d{1,3}\](?!\()|\s\[\d{1,3}\](?=[\s.,;:]|$)")
_GLUED_NOTE = re.compile(r"\b([a-zà-ÿ]{3,})(\d{1,2})(?=[\s.,;:)]|$)")  # "escalatie1." as a PDF reads a superscript
_STAR_NOTE = re.compile(r"(?<=[\w.,;:!?)’”'\"\]])\*+(?=[\s.,;:!?)]|$)")
_NOTE_BODY = re.compile(r"^(?:[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\^?\[\d{1,3}\]|\[\^[\w-]{1,12}\]:?|\*+)\s*(?=\S)")
# A list symbol at the start of a line; numbered items ("1.", "a)") keep their number: it says the order.
_BULLET = re.compile(r"^\s*(?:[-–—*+]\s+|(?:[•◦▪▫■□●○‣⁃·►▶➢➤✓✔→»]|[\u2460-\u2473\u24eb-\u24fe\u2776-\u2793])\s*)+(?=\S)")
_NUMBERED_ITEM = re.compile(r"^(?:\d{1,2}|[a-z])[.)]\s+\S")  # a numbered item starts its own paragraph
_INLINE_BULLET = re.compile(r"\s*[•▪●◦]\s*")
_HEADING_MARK = re.compile(r"^#{1,6}\s+")
_QUOTE_PREFIX = re.compile(r"^\s*(?:>\s*)+")
_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_TOC_ENTRY = re.compile(r"(?:\.{4,}|…{2,}|(?:\.\s){3,})\s*\d{1,3}\s*$")  # "Inleiding ........ 3"
_SPACES = re.compile(r"[ \u00a0\u2000-\u200b\u202f]+")
# A word split at a line end; "voor-\nen nameting" keeps its hyphen (a shared second part).
_KEEP_HYPHEN_BEFORE = {"en", "of", "tot", "als", "noch", "and", "or"}


def inline(text: str) -> str:
    """One line without markup, footnote markers or a list symbol (headings, titles, table cells)."""
    text = _markup(text)
    return _tidy(_BULLET.sub("", text))


def paragraphs(block: str) -> list[str]:
    """The paragraphs of a block of text: wrapped lines joined, list items apart, table rows kept as rows."""
    out: list[str] = []
    current: list[str] = []

    def close():
        if current:
            text = _join_wrapped(current)
            if text:
                out.append(text)
            current.clear()

    for raw in html.unescape(_SUP.sub(_sup, block)).replace("\r", "").split("\n"):
        if _TABLE_RULE.match(raw) and raw.strip():
            continue
        if "\t" in raw.strip() or _is_pipe_row(raw):
            close()
            row = _row(raw)
            if row:
                out.append(row)
            continue
        for sub in _BLOCK_TAG.sub("\n", raw).split("\n"):
            line = _QUOTE_PREFIX.sub("", sub).strip()
            if not line or _RULE.match(line) or _TABLE_RULE.match(line):
                close()  # a blank line, a closing </p> or a rule ends the paragraph
                continue
            if _TOC_ENTRY.search(line):
                continue  # a table-of-contents line: the headings themselves are the structure
            items = _INLINE_BULLET.split(line) if line.count("•") >= 2 or line.lstrip().startswith("•") else [line]
            if len(items) > 1:
                close()
                out.extend(t for t in (inline(i) for i in items) if t)
                continue
            if _BULLET.match(line) or _NUMBERED_ITEM.match(line):
                close()
            current.append(_BULLET.sub("", line))
        if not raw.strip():
            close()
    close()
    # consecutive table rows form one paragraph, so a table stays together
    merged: list[str] = []
    for p in out:
        if merged and _is_row(p) and _is_row(merged[-1]):
            merged[-1] += "\n" + p
        else:
            merged.append(p)
    return merged


def _is_pipe_row(line: str) -> bool:
    s = line.strip()
    return (s.startswith("|") and s.count("|") >= 2) or s.count(" | ") >= 1


def _sup(m: re.Match) -> str:
    inner = m.group(1).strip()
    # a footnote number or symbol goes; "1<sup>e</sup>" (1e) keeps its letters
    return "" if re.fullmatch(r"[\d*†‡§,\s]*", inner) else inner


def _glued(m: re.Match) -> str:
    from .vocabulary import known  # the word list loads only when a number is glued to a word

    return m.group(1) if known(m.group(1)) else m.group(0)


def _markup(text: str) -> str:
    text = html.unescape(_SUP.sub(_sup, text))
    text = _AUTOLINK.sub(r"\1", text)
    text = _ANY_TAG.sub(" ", text)
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_CODE.sub(r"\1", text)
    text = _NOTE_BODY.sub("", text.strip())
    text = _CARET_NOTE.sub("", text)
    text = _BRACKET_NOTE.sub("", text)
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    text = _SUPERSCRIPT.sub("", text)
    text = _GLUED_NOTE.sub(_glued, text)
    text = _STAR_NOTE.sub("", text)
    return _HEADING_MARK.sub("", text.replace("*", ""))


def _join_wrapped(lines: list[str]) -> str:
    """Lines of one paragraph as one line; a hyphen at a line end before a lower-case word joins the halves."""
    out = ""
    for line in lines:
        line = _markup(line).strip()
        if not line:
            continue
        if not out:
            out = line
        elif out.endswith("-") and line.startswith("-"):
            out = out + line[1:]
        elif re.search(r"[a-zà-ÿ]-$", out) and line[:1].islower() \
                and line.split(" ", 1)[0].strip(".,;:") not in _KEEP_HYPHEN_BEFORE:
            out = out[:-1] + line
        else:
            out = f"{out} {line}"
    return _tidy(out)


def _tidy(text: str) -> str:
    """Spaces left where markup was: none before punctuation or inside quotes and brackets."""
    text = _SPACES.sub(" ", text)
    text = re.sub(r"\s+([,.;:!?)\]”’])", r"\1", text)
    return re.sub(r"([(\[“‘])\s+", r"\1", text).strip()


def _row(line: str) -> str:
    # a cell may hold a whole list ("<ul>• a • b</ul>"): its items stay in the cell, apart
    cells = [inline(_INLINE_BULLET.sub("; ", _ANY_TAG.sub(" ", c)).strip(" ;"))
             for c in re.split(r"\t+|\s*\|\s*", line.strip().strip("|"))]
    cells = [c for c in cells if c]
    return " | ".join(cells) if len(cells) > 1 else (cells[0] if cells else "")


def _is_row(paragraph: str) -> bool:
    return " | " in paragraph.split("\n", 1)[0]
