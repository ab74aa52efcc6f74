"""ingest.cleaning on the debris real documents carry."""
from __future__ import annotations

import pytest

from ingest.cleaning import inline, paragraphs
from ingest.layout import furniture


@pytest.mark.parametrize("raw, clean", [
    ("De aanpak werkt<sup>4</sup>, zegt de gemeente.", "De aanpak werkt, zegt de gemeente."),
    ("Een 1<sup>e</sup> stap.", "Een 1e stap."),
    ("Zie de toelichting^[12] en de bron[3].", "Zie de toelichting en de bron."),
    ("Een voetnoot[^2] in Markdown.", "Een voetnoot in Markdown."),
    ("Een voorbeeld*. Nog een.", "Een voorbeeld. Nog een."),
    ("Versterkingsgelden⁶[1] waren er.", "Versterkingsgelden waren er."),
    ("Dat leidt tot **spanningen** en *onrust*.", "Dat leidt tot spanningen en onrust."),
    ("Zie [de site](https://voorbeeld.invalid/a_(b)) of <https://voorbeeld.invalid>.",
     "Zie de site of https://voorbeeld.invalid."),
    ("<p>Een <i>restant</i> &amp; meer</p>", "Een restant & meer"),
    ("Kinderen < 12 jaar en [8/14] gemeenten.", "Kinderen < 12 jaar en [8/14] gemeenten."),  # no markup: kept
])
def test_markup_and_footnote_markers_go_text_stays(raw, clean):
    assert paragraphs(raw) == [clean]


def test_list_symbols_go_and_every_item_is_a_paragraph():
    assert paragraphs("Drie stappen:\n• Eén\n③ Twee\n- Drie\n* Vier\n1. Vijf\n2. Zes") == [
        "Drie stappen:", "Eén", "Twee", "Drie", "Vier", "1. Vijf", "2. Zes"]
    assert paragraphs("Thema's: • Spanningen • Radicalisering • Gedrag") == [
        "Thema's:", "Spanningen", "Radicalisering", "Gedrag"]
    assert paragraphs("Een zin - met een gedachtestreepje - blijft.") == ["Een zin - met een gedachtestreepje - blijft."]


def test_wrapped_lines_are_joined_and_a_line_end_hyphen_undone():
    assert paragraphs("De samen-\nwerking met de\ngemeente.\n\nNieuwe alinea.") == [
        "De samenwerking met de gemeente.", "Nieuwe alinea."]


def test_tables_stay_rows_and_a_list_in_a_cell_stays_in_its_cell():
    assert paragraphs("| a | b |\n|---|---|\n| 1 | 2 |") == ["a | b\n1 | 2"]
    assert paragraphs("Fiche\t2017\t<ul> • Inmenging • Gedrag </ul>") == ["Fiche | 2017 | Inmenging; Gedrag"]


def test_table_of_contents_lines_are_dropped():
    assert paragraphs("1 Inleiding ........ 3\nDe tekst zelf.") == ["De tekst zelf."]


def test_inline_cleans_headings():
    assert inline("## **Wat werkt**<sup>2</sup>") == "Wat werkt"


def test_running_headers_footers_and_page_numbers_are_furniture_body_lines_are_not():
    pages = [[f"Rapport ESS | {n}", kop, "Tekst.", "Zie de bijlage.", "Slot.", f"Meer over {kop.lower()}.",
              f"Pagina {n} van 4"] for n, kop in enumerate(["Aanleiding", "Aanpak", "Resultaat", "Slot"], 1)]
    drop = furniture(pages)
    assert all(d == {0, 6} for d in drop)  # "Zie de bijlage." recurs, but in the body of the page: kept
    assert furniture([["Titel", "Tekst."], ["Tekst.", "7"]]) == [set(), {1}]
