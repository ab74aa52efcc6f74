"""The sample knowledge base: rendered formats, manifest consistency, sample marking, own words."""
from __future__ import annotations

import re
import shutil

import pytest

from ingest.loaders import load_file
from ingest.manifest import Manifest
from ingest.pipeline import discover
from ingest.samples import render_samples
from tests.conftest import CORPUS, REPO

KNOWLEDGE = REPO / "knowledge"
NOTICE = "Voorbeeldinhoud"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    kb = tmp_path_factory.mktemp("kb")
    shutil.copytree(KNOWLEDGE, kb, dirs_exist_ok=True, ignore=shutil.ignore_patterns("generated"))
    return kb, render_samples(kb)


def test_render_makes_a_pdf_and_a_docx_the_loaders_read(rendered):
    kb, outs = rendered
    assert {p.suffix for p in outs} == {".pdf", ".docx"}
    pdf = load_file(kb / "generated" / "veilige-moskee.pdf")
    assert pdf.title == "Veilige moskee — omgaan met dreiging en media"
    assert max(s.page for s in pdf.sections) >= 2
    paths = [s.heading_path for s in pdf.sections]
    assert ("Veilige moskee — omgaan met dreiging en media", "Omgaan met de media") in paths
    doc = load_file(kb / "generated" / "evidence-based-werken.docx")
    assert any(" | " in s.text and "Werkzame elementen" in s.text for s in doc.sections)
    assert ("Toolkit Evidence Based Werken — wat werkt?", "In vijf stappen") in [s.heading_path for s in doc.sections]


def test_render_is_idempotent(rendered):
    kb, outs = rendered
    before = {p: p.stat().st_mtime_ns for p in outs}
    render_samples(kb)
    assert {p: p.stat().st_mtime_ns for p in outs} == before


def test_manifest_lists_every_document_with_declared_collections(rendered):
    kb, _ = rendered
    manifest = Manifest.load(KNOWLEDGE / "sources.yaml")
    _, files = discover(kb)
    on_disk = {f.relative_to(kb).as_posix() for f in files}
    assert on_disk == set(manifest.documents), on_disk ^ set(manifest.documents)
    for rel, entry in manifest.documents.items():
        assert entry["collection"] in manifest.collections
        meta = manifest.meta_for(rel, None)
        assert meta.sample and meta.url and meta.published
    required = {"depolarisatie", "veilige-moskee", "evidence-based-werken", "maatschappelijke-onrust",
                "ondermijning", "ess-aanbod"}
    assert required <= set(manifest.collections)


def _authored():
    return [p for p in KNOWLEDGE.rglob("*") if p.suffix in (".md", ".html") and p.name != "README.md"]


def test_every_sample_is_marked_and_names_its_sources():
    docs = _authored()
    assert len(docs) >= 9
    for p in docs:
        text = p.read_text(encoding="utf-8")
        assert NOTICE in text, p
        assert re.search(r"(^##\s*Bronnen|<h2>Bronnen</h2>)", text, re.M), p


def test_samples_are_written_in_own_words():
    if not CORPUS.is_dir():
        pytest.skip(f"../shared/corpus is absent ({CORPUS}): own-words check skipped")

    def words(t):
        return re.findall(r"[a-zà-ÿ0-9]+", re.sub(r"<[^>]+>", " ", t.lower()))

    n = 10
    report_grams = set()
    for f in CORPUS.glob("0*.txt"):
        w = words(f.read_text(encoding="utf-8"))
        report_grams.update(tuple(w[i:i + n]) for i in range(len(w) - n + 1))
    for p in _authored():
        body = re.split(r"(^##\s*Bronnen|<h2>Bronnen</h2>)", p.read_text(encoding="utf-8"), flags=re.M)[0]
        w = words(body)  # the "Bronnen" section names the reports by their titles, as it should
        copied = [" ".join(g) for g in (tuple(w[i:i + n]) for i in range(len(w) - n + 1)) if g in report_grams]
        assert not copied, (p.name, copied[:3])
