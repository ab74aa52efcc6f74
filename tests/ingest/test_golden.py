"""Golden tests: the generated handbook (tests/ingest/handbooks.py) in PDF, DOCX, HTML and Markdown comes
out as clean passages with its structure, whatever the format."""
from __future__ import annotations

import re

import pytest

from bot.index.model import index_texts
from ingest.chunking import chunk_sections
from ingest.loaders import load_file
from ingest.manifest import Manifest
from ingest.model import Section
from tests.ingest import handbooks as H

# What must never reach a passage: markup, footnote markers, list symbols, page furniture.
JUNK = re.compile(r"<[a-z/][^>]*>|&[a-z]+;|\*|\^\[|\[\^|\[\d+\]|[•②③④]|^\s*[-–]\s|\|\s*-{2,}|^#+\s|"
                  r"Pagina \d|Handreiking gesprekken \| ESS|[¹²³]|escalatie\s?1\b", re.M)
WRITERS = {"md": H.write_markdown, "html": H.write_html, "docx": H.write_docx, "pdf": H.write_pdf}


@pytest.fixture(params=sorted(WRITERS))
def handbook(request, tmp_path):
    fmt = request.param
    loaded = load_file(WRITERS[fmt](tmp_path / f"handreiking.{fmt}"))
    meta = Manifest().meta_for(f"handreiking.{fmt}", loaded.title)
    chunks = chunk_sections([Section(meta, s.heading_path, s.text, s.page) for s in loaded.sections], 1000)
    return fmt, loaded, chunks


def _paragraphs(chunks) -> list[str]:
    return [p for c in chunks for p in c.text.split("\n\n")]


def test_no_markup_footnote_markers_list_symbols_or_page_furniture(handbook):
    fmt, _, chunks = handbook
    for c in chunks:
        assert not JUNK.search(c.text), (fmt, JUNK.search(c.text).group(0), c.text)


def test_the_title_is_the_documents_own(handbook):
    _, loaded, _ = handbook
    assert loaded.title == H.TITLE


def test_headings_are_the_path_not_text(handbook):
    fmt, _, chunks = handbook
    paths = {c.heading_path for c in chunks}
    assert (H.HEADINGS[0], H.HEADINGS[1]) in paths and H.HEADINGS in paths
    for c in chunks:
        assert not any(p.strip() in H.HEADINGS for p in c.text.split("\n\n")), (fmt, c.text)
    # ... but the heading still counts for search: it opens the section's first chunk in what is indexed
    first = next(i for i, c in enumerate(chunks) if c.heading_path == H.HEADINGS)
    assert index_texts(chunks)[first].startswith(H.HEADINGS[-1])


def test_a_lead_in_and_each_list_item_are_paragraphs_of_their_own(handbook):
    fmt, _, chunks = handbook
    paragraphs = _paragraphs(chunks)
    assert H.LEAD_IN in paragraphs
    at = paragraphs.index(H.LEAD_IN)
    assert paragraphs[at + 1: at + 5] == H.ITEMS, fmt


def test_table_rows_stay_rows_together(handbook):
    _, _, chunks = handbook
    rows = "\n".join(" | ".join(r) for r in H.TABLE)
    assert any(rows in p for p in _paragraphs(chunks))


def test_counter_example_and_advice_are_kept_whole(handbook):
    fmt, _, chunks = handbook
    text = "\n\n".join(c.text for c in chunks)
    assert H.COUNTER in text and H.ADVICE in text
    if fmt != "pdf":  # a PDF has no paragraph marks; the others keep the two apart
        assert H.COUNTER in _paragraphs(chunks) and H.ADVICE in _paragraphs(chunks)


def test_footnote_markers_go_and_footnote_text_stays(handbook):
    fmt, _, chunks = handbook
    text = " ".join(c.text for c in chunks)
    assert f"{H.CLAIM}." in text, fmt
    assert "kleine buurten en met vaste gezichten." in text
    assert H.FOOTNOTE in text


def test_pdf_hyphenation_at_line_ends_is_undone(tmp_path):
    text = " ".join(s.text for s in load_file(H.write_pdf(tmp_path / "h.pdf")).sections)
    for first, second, whole in H.HYPHENATED:
        assert whole in text and f"{first}- {second}" not in text and f"{first}-{second}" not in text


def test_pdf_with_a_table_of_contents_first_is_not_titled_by_it(tmp_path):
    loaded = load_file(H.write_pdf(tmp_path / "h.pdf", toc_first=True))
    assert loaded.title == H.TITLE
    text = " ".join(s.text for s in loaded.sections)
    assert "Inhoudsopgave" not in text and "....." not in text
    # metadata that is a placeholder loses to the document's own heading
    loaded = load_file(H.write_pdf(tmp_path / "m.pdf", toc_first=True, title="Microsoft Word - concept_v3.docx"))
    assert loaded.title == H.TITLE
