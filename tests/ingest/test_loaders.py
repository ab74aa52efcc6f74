"""Loaders on files the tests generate, corrupt ones included."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest import loaders
from ingest.loaders import load_file
from ingest.cleaning import paragraphs
from ingest.model import LoadError
from tests.conftest import CORPUS, write


def _pdf(path: Path, title: str | None = "Handreiking test") -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, "Omgaan met polarisatie", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, "Richt je op de middengroep en niet op de twee uitersten. " * 6)
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, "Het gesprek", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, "Verleg het gesprek naar gedeelde zorgen in de wijk.")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, "Moskeebesturen", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, "Spreek een woordvoerder af voor contact met journalisten.")
    pdf.output(str(path))
    return path


def test_pdf_pages_headings_and_title(tmp_path):
    lf = load_file(_pdf(tmp_path / "a.pdf"))
    assert lf.title == "Handreiking test"
    by_heading = {s.heading_path: s for s in lf.sections}
    first = by_heading[("Omgaan met polarisatie",)]
    assert first.page == 1 and first.text.count("middengroep") == 6
    assert by_heading[("Omgaan met polarisatie", "Het gesprek")].page == 1
    moskee = by_heading[("Omgaan met polarisatie", "Moskeebesturen")]
    assert moskee.page == 2 and "woordvoerder" in moskee.text
    assert "Omgaan met polarisatie" not in " ".join(s.text for s in lf.sections)  # headings are not text


def test_pdf_without_metadata_title_uses_first_heading(tmp_path):
    assert load_file(_pdf(tmp_path / "b.pdf", title=None)).title == "Omgaan met polarisatie"


def test_hyphenation_at_a_line_end_is_joined_only_before_lower_case():
    assert paragraphs("de samen-\nwerking") == ["de samenwerking"]
    assert paragraphs("in Noord-\nHolland") == ["in Noord- Holland"]
    assert paragraphs("een voor-\nen nameting") == ["een voor- en nameting"]


def test_encrypted_pdf_is_refused(tmp_path):
    from pypdf import PdfReader, PdfWriter

    src = _pdf(tmp_path / "plain.pdf")
    w = PdfWriter()
    for p in PdfReader(str(src)).pages:
        w.add_page(p)
    w.encrypt("geheim")
    with open(tmp_path / "locked.pdf", "wb") as f:
        w.write(f)
    with pytest.raises(LoadError, match="encrypted"):
        load_file(tmp_path / "locked.pdf")
    # an owner password only (opens without a password) is fine
    w2 = PdfWriter()
    for p in PdfReader(str(src)).pages:
        w2.add_page(p)
    w2.encrypt(user_password="", owner_password="eigenaar")
    with open(tmp_path / "owner.pdf", "wb") as f:
        w2.write(f)
    assert load_file(tmp_path / "owner.pdf").sections


@pytest.mark.parametrize("content", [b"%PDF-1.7 garbage", None])
def test_corrupt_pdf_is_refused(tmp_path, content):
    if content is None:
        content = _pdf(tmp_path / "ok.pdf").read_bytes()[:200]
    (tmp_path / "bad.pdf").write_bytes(content)
    with pytest.raises(LoadError, match="corrupt"):
        load_file(tmp_path / "bad.pdf")


def test_docx_headings_tables_and_title(tmp_path):
    import docx

    d = docx.Document()
    d.core_properties.title = "Toolkit (test)"
    d.add_paragraph("Toolkit evidence based werken", style="Title")
    d.add_paragraph("Inleidende tekst over de toolkit.")
    d.add_heading("Stappen", level=1)
    d.add_paragraph("Begin met een doel.", style="List Bullet")
    t = d.add_table(rows=2, cols=3)
    for i, row in enumerate([["Stap", "Vraag", "Voorbeeld"], ["1", "Wat wilt u bereiken?", "Minder online haat"]]):
        for j, cell in enumerate(row):
            t.cell(i, j).text = cell
    d.add_heading("Meten", level=2)
    d.add_paragraph("Doe een voor- en nameting.")
    d.save(str(tmp_path / "t.docx"))
    lf = load_file(tmp_path / "t.docx")
    assert lf.title == "Toolkit (test)"
    by = {s.heading_path: s.text for s in lf.sections}
    assert by[("Toolkit evidence based werken",)] == "Inleidende tekst over de toolkit."
    steps = by[("Toolkit evidence based werken", "Stappen")]
    assert "Begin met een doel." in steps and "- " not in steps
    assert "Stap | Vraag | Voorbeeld\n1 | Wat wilt u bereiken? | Minder online haat" in steps
    assert by[("Toolkit evidence based werken", "Stappen", "Meten")] == "Doe een voor- en nameting."


def test_garbage_docx_is_refused(tmp_path):
    (tmp_path / "x.docx").write_bytes(b"not a zip at all")
    with pytest.raises(LoadError, match="corrupt"):
        load_file(tmp_path / "x.docx")


def test_html_main_content_only(tmp_path):
    write(tmp_path / "p.html", """<html><head><title>Onrust | Kennisbank</title><style>.x{}</style>
<script>var geheim = 'script-tekst';</script></head><body>
<header>Kop van de site</header><nav><a href="/">Menu-item</a></nav>
<main><h1>Maatschappelijke onrust</h1><p>Inleiding over onrust.</p>
<h2>Signalen</h2><ul><li>Geruchten online</li><li>Spanningen op straat</li></ul>
<div hidden>verborgen tekst</div>
<h3>Monitor</h3><table><tr><th>Bron</th><th>Tempo</th></tr><tr><td>Monitor</td><td>traag</td></tr></table>
<h2>Rol gemeente</h2><p>De gemeente voert de regie.</p></main>
<footer>Voettekst</footer></body></html>""")
    lf = load_file(tmp_path / "p.html")
    assert lf.title == "Onrust"
    text = " ".join(s.text for s in lf.sections)
    for absent in ("script-tekst", "Menu-item", "Voettekst", "Kop van de site", "verborgen tekst", ".x{}"):
        assert absent not in text
    by = {s.heading_path: s.text for s in lf.sections}
    assert by[("Maatschappelijke onrust",)] == "Inleiding over onrust."
    assert by[("Maatschappelijke onrust", "Signalen")] == "Geruchten online\n\nSpanningen op straat"
    assert by[("Maatschappelijke onrust", "Signalen", "Monitor")] == "Bron | Tempo\nMonitor | traag"
    assert by[("Maatschappelijke onrust", "Rol gemeente")] == "De gemeente voert de regie."


def test_html_without_main_uses_body(tmp_path):
    write(tmp_path / "q.htm", "<html><body><h1>Werken in de wijk</h1><p>Tekst in de body.</p></body></html>")
    lf = load_file(tmp_path / "q.htm")
    assert lf.title == "Werken in de wijk" and lf.sections[0].text == "Tekst in de body."


def test_markdown_heading_path_front_matter_and_markup(tmp_path):
    write(tmp_path / "m.md", """---
title: Veilige moskee
---
# Hoofdstuk

Zie [de handreiking](http://voorbeeld.invalid) en *lees* **goed**.

## Media
- Spreek een woordvoerder af
- Bereid een boodschap voor

### Pers
| a | b |
|---|---|
| 1 | 2 |

## Na afloop
Evalueer met de gemeente.

Setext kop
----------
Laatste tekst.
""")
    lf = load_file(tmp_path / "m.md")
    assert lf.title == "Veilige moskee"
    by = {s.heading_path: s.text for s in lf.sections}
    assert by[("Hoofdstuk",)] == "Zie de handreiking en lees goed."
    assert by[("Hoofdstuk", "Media")] == "Spreek een woordvoerder af\n\nBereid een boodschap voor"
    assert by[("Hoofdstuk", "Media", "Pers")] == "a | b\n1 | 2"
    assert by[("Hoofdstuk", "Na afloop")] == "Evalueer met de gemeente."  # ### popped by ##
    assert by[("Hoofdstuk", "Setext kop")] == "Laatste tekst."


def test_text_headings_lists_toc_and_page_numbers(tmp_path):
    write(tmp_path / "r.txt", """# Rapport over onrust

Inhoudsopgave
1 Inleiding\t3
2.1 Aanpak in de wijk\t7

2.1 Aanpak in de wijk

De gemeente werkt met sleutelfiguren.

**Wat werkt**

1. Luisteren
2. Samen plannen

12

Tot slot een alinea.
""")
    lf = load_file(tmp_path / "r.txt")
    assert lf.title == "Rapport over onrust"
    by = {s.heading_path: s.text for s in lf.sections}
    assert by[("Rapport over onrust", "2.1 Aanpak in de wijk")] == "De gemeente werkt met sleutelfiguren."
    wat = by[("Rapport over onrust", "2.1 Aanpak in de wijk", "Wat werkt")]
    assert wat == "1. Luisteren\n\n2. Samen plannen\n\nTot slot een alinea."  # the list stays text, "12" is dropped
    assert "\t3" not in " ".join(by.values())


def test_text_in_cp1252_decodes(tmp_path):
    (tmp_path / "c.txt").write_bytes("Ideeën over café-gesprekken.".encode("cp1252"))
    assert load_file(tmp_path / "c.txt").sections[0].text == "Ideeën over café-gesprekken."


@pytest.mark.parametrize("name", ["e.pdf", "e.docx", "e.html", "e.md", "e.txt"])
def test_empty_files_are_refused(tmp_path, name):
    (tmp_path / name).write_bytes(b"")
    with pytest.raises(LoadError, match="empty"):
        load_file(tmp_path / name)


def test_whitespace_only_and_unsupported(tmp_path):
    (tmp_path / "w.txt").write_text("   \n\n  \t ")
    with pytest.raises(LoadError, match="no extractable text"):
        load_file(tmp_path / "w.txt")
    (tmp_path / "s.xlsx").write_bytes(b"PK\x03\x04")
    with pytest.raises(LoadError, match="unsupported"):
        load_file(tmp_path / "s.xlsx")


def test_oversized_file_is_refused_before_reading(tmp_path, monkeypatch):
    write(tmp_path / "big.md", "# Groot\n\n" + "tekst " * 100)

    def must_not_read(path):
        raise AssertionError("loader called for an oversized file")

    monkeypatch.setitem(loaders._LOADERS, ".md", must_not_read)
    with pytest.raises(LoadError, match="too large"):
        load_file(tmp_path / "big.md", max_bytes=10)


def test_the_real_reports_load_completely():
    if not CORPUS.is_dir():
        pytest.skip(f"../shared/corpus is absent ({CORPUS}): corpus loader test skipped")
    for f in sorted(CORPUS.glob("0*.txt")):
        lf = load_file(f)
        raw = re.sub(r"\s", "", f.read_text(encoding="utf-8"))
        got = re.sub(r"\s", "", "".join(s.text + "".join(s.heading_path[-1:]) for s in lf.sections))
        assert len(got) / len(raw) >= 0.97, f.name
