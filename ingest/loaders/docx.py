"""DOCX: headings from paragraph styles (English and Dutch Word), tables as ' | ' rows, in body order."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from .. import titles
from ..model import LoadedFile, LoadError
from .common import SectionBuilder

_HEADING = re.compile(r"^(heading|kop)\s*(\d)$", re.I)


def load(path: Path) -> LoadedFile:
    if not zipfile.is_zipfile(path):
        raise LoadError("beschadigd bestand: geen geldig DOCX (zip) / corrupt file")
    document = docx.Document(str(path))
    builder = SectionBuilder()
    meta_title = (document.core_properties.title or "").strip() or None
    title = first_h1 = None
    for el in document.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(el, document)
            text = para.text.strip()
            if not text:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            m = _HEADING.match(style.strip())
            if style.lower() == "title":
                title = title or text
                builder.heading(1, text)
            elif m:
                level = int(m.group(2))
                first_h1 = first_h1 or (text if level == 1 else None)
                builder.heading(level + 1, text)  # below the Title
            else:
                prefix = "- " if "list" in style.lower() else ""
                builder.paragraph(prefix + text)
        elif tag == "tbl":
            table = Table(el, document)
            rows = []
            for row in table.rows:
                cells = []
                for cell in row.cells:
                    t = " ".join(cell.text.split())
                    if not cells or cells[-1] != t:  # merged cells repeat their text
                        cells.append(t)
                rows.append(" | ".join(cells))
            builder.paragraph("\n".join(rows))
    return LoadedFile(title=titles.pick([meta_title, title, first_h1]), sections=builder.finish())
