"""Titles: the document's own, never a table of contents, running header, chapter, author or date."""
from __future__ import annotations

import pytest

from ingest import titles
from ingest.loaders import load_file
from ingest.loaders.text import parse
from tests.conftest import CORPUS


@pytest.mark.parametrize("line", [
    "Inhoudsopgave", "Inhoud", "RAPPORT", "HOOFDSTUK 12", "Hoofdstuk 3: Aanpak", "1 Inleiding",
    "2.1 Aanpak in de wijk ......... 7", "Soenita M. Ganpat", "Henk den Uijl", "Ilsa de Jong MSc",
    "Bram van Dijk, Paul van Soomeren en Mensje van Puffelen", "26 november 2021", "Utrecht, mei 2021",
    "Microsoft Word - rapport_v3.docx", "bvandijk@voorbeeld.invalid", "Dit is een gewone zin in de tekst.",
])
def test_not_titles(line):
    assert titles.plausible(line) is None


@pytest.mark.parametrize("line", [
    "Handreiking Veilige Moskee", "Toolkit Evidence Based Werken", "Weerbare gemeenschappen tegen ondermijning",
    "Evaluatie van de Expertise-unit Sociale Stabiliteit", "Perspectieven op maatschappelijke onrust",
])
def test_titles(line):
    assert titles.plausible(line) == line


def test_a_report_shaped_text_gets_its_title_and_named_chapters():
    loaded = parse("RAPPORT\n\nEvaluatie van het wijkoverleg\n\n12 maart 2024\n\nRAPPORT\n\n"
                   "Evaluatie van het wijkoverleg\n\nA. de Vries\nB. Jansen\n\nInhoudsopgave\n\n"
                   "HOOFDSTUK 1: Inleiding\t3\n\nHOOFDSTUK 1\n\nInleiding en aanpak\n\nDe tekst van het eerste hoofdstuk.")
    assert loaded.title == "Evaluatie van het wijkoverleg"
    assert loaded.sections[-1].heading_path == ("Hoofdstuk 1: Inleiding en aanpak",)


def test_authors_first_then_the_title():
    loaded = parse("Soenita M. Ganpat\nGijs Jansen\n\nWeerbare buurten\n\nTekst.\n\n1 Inleiding\n\nMeer tekst.")
    assert loaded.title == "Weerbare buurten"


def test_the_real_reports_are_titled_by_their_title():
    if not CORPUS.is_dir():
        pytest.skip(f"../shared/corpus is absent ({CORPUS})")
    got = {f.name[:3]: load_file(f).title for f in sorted(CORPUS.glob("0*.txt"))}
    assert got["001"].startswith("Evaluatie van de Expertise-unit Sociale Stabiliteit")
    assert got["004"].startswith("Weerbare gemeenschappen tegen ondermijning")
    for title in got.values():
        assert titles.plausible(title) == title and not titles.looks_like_names(title)
