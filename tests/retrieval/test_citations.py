"""Two citations of the same place (document, section, page) are one."""
from __future__ import annotations

from bot.retrieval.passage import Passage, cite_places, renumber


def _p(chunk_id: str, doc: str, path: tuple[str, ...], page: int | None) -> Passage:
    return Passage(chunk_id, doc, "Handreiking", "c", f"{doc}.pdf", None, None, "nl", path, page, "tekst", 0.0)


def test_one_citation_per_place_and_each_passage_numbered_by_its_place():
    ps = [_p("a", "d1", ("Aanpak",), 3), _p("b", "d2", ("Aanpak",), 3), _p("c", "d1", ("Aanpak",), 3),
          _p("d", "d1", ("Aanpak",), 4), _p("e", "d1", ("Rol",), 3)]
    places, numbers = cite_places(ps)
    assert [p.chunk_id for p in places] == ["a", "b", "d", "e"]
    assert numbers == [1, 2, 1, 3, 4]


def test_renumber_rewrites_markers_and_merges_a_repeated_one():
    numbers = [1, 2, 1]
    assert renumber("Eerst [1]. Dan [3] [1]. Ook [2][3]. Buiten bereik [9].", numbers) == \
        "Eerst [1]. Dan [1]. Ook [2][1]. Buiten bereik [9]."
