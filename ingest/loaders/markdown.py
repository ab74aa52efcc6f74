"""Markdown: the heading path from ATX/setext headings, inline markup stripped.

YAML front matter is read for a title and never indexed as text.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from .. import titles
from ..model import LoadedFile
from .common import SectionBuilder, read_text

_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_md = MarkdownIt("commonmark").enable("table")


def _inline_text(token) -> str:
    """Text of an inline token: link text, image alt text, code, no markup."""
    out = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "html_inline"):  # inline HTML (<sup>4</sup>) is cleaned later
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.append(child.content or "")
    return "".join(out).strip()


def parse(text: str) -> LoadedFile:
    title = h1 = None
    m = _FRONT.match(text)
    if m:
        try:
            front = yaml.safe_load(m.group(1)) or {}
            title = front.get("title") if isinstance(front, dict) else None
        except yaml.YAMLError:
            pass
        text = text[m.end():]
    tokens = _md.parse(text)
    builder = SectionBuilder()
    heading_level = 0
    list_depth = 0
    row: list[str] = []
    table_rows: list[str] = []
    in_table = False
    for i, tok in enumerate(tokens):
        t = tok.type
        if t == "heading_open":
            heading_level = int(tok.tag[1])
        elif t == "inline" and heading_level:
            heading = _inline_text(tok)
            if h1 is None and heading_level == 1:
                h1 = heading
            builder.heading(heading_level, heading)
            heading_level = 0
        elif t in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif t in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif t == "table_open":
            in_table, table_rows = True, []
        elif t == "table_close":
            in_table = False
            builder.paragraph("\n".join(table_rows))
        elif t == "tr_open":
            row = []
        elif t == "tr_close":
            table_rows.append(" | ".join(row))
        elif t == "inline" and in_table:
            row.append(_inline_text(tok))
        elif t == "inline":
            prefix = "- " if list_depth and tokens[i - 1].type == "paragraph_open" else ""
            builder.paragraph(prefix + _inline_text(tok))
        elif t in ("fence", "code_block", "html_block"):
            builder.paragraph(tok.content)
    return LoadedFile(title=titles.pick([title, h1]), sections=builder.finish())


def load(path: Path) -> LoadedFile:
    return parse(read_text(path))
