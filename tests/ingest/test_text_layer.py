"""A defective text layer or pages without text are reported, not indexed silently."""
from __future__ import annotations

import pytest

from bot.index.store import Index
from ingest.loaders import load_file
from ingest.pipeline import ingest_paths
from ingest.quality import assess
from tests.conftest import CORPUS, write
from tests.ingest import handbooks as H


def test_a_pdf_that_drops_every_f_is_noticed_and_named(tmp_path):
    quality = assess(load_file(H.write_pdf(tmp_path / "f.pdf", drop="f")))
    assert quality.defective and quality.dropped == "f"
    assert "'f'" in quality.problems()[0]


def test_the_same_pdf_with_its_f_is_fine(tmp_path):
    quality = assess(load_file(H.write_pdf(tmp_path / "ok.pdf")))
    assert not quality.defective and quality.dropped is None and quality.problems() == []


def test_pages_without_text_are_counted(tmp_path):
    quality = assess(load_file(H.write_pdf(tmp_path / "e.pdf", empty_pages=1)))
    assert quality.empty_pages == (4,) and not quality.defective
    assert "1 van 4" in quality.problems()[0]
    assert assess(load_file(H.write_pdf(tmp_path / "scan.pdf", empty_pages=5))).mostly_empty


def test_ingest_skips_a_defective_text_layer_with_its_reason_and_warns_about_empty_pages(settings, embeddings,
                                                                                       tmp_path):
    root = tmp_path / "kb"
    root.mkdir()
    H.write_pdf(root / "zonder-f.pdf", drop="f")
    H.write_pdf(root / "met-lege-pagina.pdf", empty_pages=1)
    index = Index(settings, embeddings=embeddings)
    report = ingest_paths([root], settings, index=index)
    assert [path for path, _ in report.skipped] == ["zonder-f.pdf"]
    assert "'f'" in report.skipped[0][1]
    assert [path for path, _ in report.warnings] == ["met-lege-pagina.pdf"]
    assert "zonder-f.pdf" in report.summary() and "waarschuwing/warning met-lege-pagina.pdf" in report.summary()
    assert {d.source for d in index.catalog.documents().values()} == {"met-lege-pagina.pdf"}
    # the operator may accept the text layer as it is: then it is indexed, with the warning
    write(root / "sources.yaml", "documents:\n  - file: zonder-f.pdf\n    text_layer: accept\n")
    report = ingest_paths([root], settings, index=index)
    assert report.skipped == [] and ("zonder-f.pdf", report.warnings[0][1]) in report.warnings
    index.close()


def test_the_real_reports_have_a_sound_text_layer_and_lose_it_without_their_f():
    if not CORPUS.is_dir():
        pytest.skip(f"../shared/corpus is absent ({CORPUS})")
    from ingest.loaders.text import parse

    for f in sorted(CORPUS.glob("0*.txt")):
        text = f.read_text(encoding="utf-8")
        assert not assess(parse(text)).defective, f.name
        broken = assess(parse(text.replace("f", "").replace("F", "")))
        assert broken.defective and broken.dropped == "f", f.name
