"""Renders the authored sample documents in ``knowledge/_render/`` to PDF and DOCX.

The sample knowledge base should exercise every format the loaders read, but
binary files don't belong in git: they are made from Markdown at ingest or test
time. PDF headings are set in larger bold type, because the PDF loader finds
headings by font size; DOCX headings use Word's heading styles.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_LATIN1 = str.maketrans({"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "•": "-",
                         "€": "EUR", "\u00a0": " "})
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@dataclass
class Block:
    kind: str  # heading | paragraph | bullet | table
    text: str = ""
    level: int = 0
    rows: list[list[str]] = field(default_factory=list)


def parse(markdown: str) -> tuple[dict, list[Block]]:
    front = {}
    m = _FRONT.match(markdown)
    if m:
        front = yaml.safe_load(m.group(1)) or {}
        markdown = markdown[m.end():]
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    blocks: list[Block] = []
    level = 0
    in_list = in_table = False
    row: list[str] = []
    rows: list[list[str]] = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            level = int(tok.tag[1])
        elif tok.type == "bullet_list_open":
            in_list = True
        elif tok.type == "bullet_list_close":
            in_list = False
        elif tok.type == "table_open":
            in_table, rows = True, []
        elif tok.type == "table_close":
            in_table = False
            blocks.append(Block("table", rows=rows))
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "tr_close":
            rows.append(row)
        elif tok.type == "inline":
            text = "".join(c.content for c in tok.children or [] if c.type in ("text", "code_inline", "softbreak"))
            if level:
                blocks.append(Block("heading", text, level))
                level = 0
            elif in_table:
                row.append(text)
            else:
                blocks.append(Block("bullet" if in_list else "paragraph", text))
    return front, blocks


def render_pdf(title: str, blocks: list[Block], out: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_auto_page_break(True, margin=18)
    family, fix = "Helvetica", (lambda s: s.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1"))
    if (_DEJAVU / "DejaVuSans.ttf").exists() and (_DEJAVU / "DejaVuSans-Bold.ttf").exists():
        pdf.add_font("DejaVu", "", str(_DEJAVU / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(_DEJAVU / "DejaVuSans-Bold.ttf"))
        family, fix = "DejaVu", (lambda s: s)
    pdf.add_page()
    sizes = {1: 18, 2: 14, 3: 12}
    h2_seen = 0
    for b in blocks:
        if b.kind == "heading":
            if b.level == 2:
                h2_seen += 1
                if h2_seen == 3:  # a page break so the sample has pages to cite
                    pdf.add_page()
            pdf.set_font(family, "B", sizes.get(b.level, 12))
            pdf.ln(3)
            pdf.multi_cell(0, sizes.get(b.level, 12) * 0.55, fix(b.text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif b.kind == "table":
            pdf.set_font(family, "", 10)
            for r in b.rows:
                pdf.multi_cell(0, 5.5, fix(" | ".join(r)), new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font(family, "", 11)
            text = ("- " if b.kind == "bullet" else "") + b.text
            pdf.multi_cell(0, 6, fix(text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
    pdf.output(str(out))


def render_docx(title: str, blocks: list[Block], out: Path) -> None:
    import docx

    d = docx.Document()
    d.core_properties.title = title
    for b in blocks:
        if b.kind == "heading":
            if b.level == 1:
                d.add_paragraph(b.text, style="Title")
            else:
                d.add_heading(b.text, level=b.level - 1)
        elif b.kind == "bullet":
            d.add_paragraph(b.text, style="List Bullet")
        elif b.kind == "table":
            table = d.add_table(rows=len(b.rows), cols=max(len(r) for r in b.rows))
            for i, r in enumerate(b.rows):
                for j, cell in enumerate(r):
                    table.cell(i, j).text = cell
        else:
            d.add_paragraph(b.text)
    d.save(str(out))


def render_samples(knowledge_dir: Path, out_dir: Path | None = None) -> list[Path]:
    """Render every ``_render/*.md`` whose output is missing or older than its source."""
    out_dir = out_dir or knowledge_dir / "generated"
    produced = []
    for src in sorted((knowledge_dir / "_render").glob("*.md")):
        front, blocks = parse(src.read_text(encoding="utf-8"))
        fmt = str(front.get("render", "pdf")).lower()
        if fmt not in ("pdf", "docx"):
            raise ValueError(f"{src}: render must be pdf or docx, not {fmt!r}")
        out = out_dir / f"{src.stem}.{fmt}"
        produced.append(out)
        if out.exists() and out.stat().st_mtime >= src.stat().st_mtime:
            continue
        out_dir.mkdir(parents=True, exist_ok=True)
        title = str(front.get("title") or src.stem)
        tmp = out.with_suffix(out.suffix + ".tmp")
        (render_pdf if fmt == "pdf" else render_docx)(title, blocks, tmp)
        tmp.replace(out)  # never leave a half-written file for a concurrent ingest
    return produced
