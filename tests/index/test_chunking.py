from bot.index.sentences import split_sentences
from ingest.chunking import chunk_section_text, chunk_sections
from ingest.model import DocumentMeta, Section

DOC = DocumentMeta(doc_id="d1", title="T", collection="c", source="d1.md")


def test_sentences_split_at_sentence_ends_only():
    assert split_sentences("Eerste zin. Tweede zin! Derde: ja? Vierde") == [
        "Eerste zin.", "Tweede zin!", "Derde: ja?", "Vierde"]
    assert split_sentences("Zie art. 3 van de wet.") == ["Zie art. 3 van de wet."]


def test_paragraphs_are_packed_up_to_the_target_size():
    paras = [f"Alinea {i} " + "woord " * 30 for i in range(10)]
    chunks = chunk_section_text("\n\n".join(paras), size=500, overlap=0)
    assert all(len(c) <= 500 for c in chunks)
    assert len(chunks) >= 4
    # nothing lost, order kept
    assert " ".join(chunks).split() == " ".join(paras).split()


def test_long_paragraph_splits_at_sentences_with_overlap():
    sents = [f"Zin nummer {i} gaat over depolarisatie in de wijk." for i in range(40)]
    chunks = chunk_section_text(" ".join(sents), size=300, overlap=1)
    assert len(chunks) > 3
    for a, b in zip(chunks, chunks[1:]):
        last = split_sentences(a)[-1]
        assert b.startswith(last)  # the cut sentence is repeated


def test_chunks_keep_heading_path_page_and_stable_ids():
    sections = [Section(DOC, ("H1", "H2"), "Tekst een. " * 50, 3), Section(DOC, ("H1", "H3"), "Tekst twee.", 4)]
    a = chunk_sections(sections, 200)
    b = chunk_sections(sections, 200)
    assert [c.chunk_id for c in a] == [c.chunk_id for c in b]
    assert len({c.chunk_id for c in a}) == len(a)
    assert a[0].heading_path == ("H1", "H2") and a[0].page == 3
    assert a[-1].heading_path == ("H1", "H3") and a[-1].page == 4
    assert [c.ordinal for c in a] == list(range(len(a)))
    changed = chunk_sections([Section(DOC, ("H1", "H2"), "Andere tekst.", 3)], 200)
    assert changed[0].chunk_id != a[0].chunk_id
