"""Handbook-shaped documents the ingest tests generate: one handbook, written by the tests, in four formats.

Each holds what real handbooks hold and what must not reach a passage: a lead-in
with its list (bullets, circled numbers), a table, a counter-example next to the
advice, three heading levels, footnote markers of several kinds with their
footnote text, and markup left in the text. The PDF adds page furniture (a
running header and footer with page numbers) and words hyphenated at line ends.
"""
from __future__ import annotations

from pathlib import Path

TITLE = "Handreiking gesprekken bij spanningen"
LEAD_IN = "De handreiking geeft vier aanwijzingen:"
ITEMS = ["Luister eerst naar de zorgen in de wijk.", "Vraag door naar wat er precies is gebeurd.",
         "Maak samen afspraken over de volgende stap.", "Evalueer na twee weken met alle partijen."]
COUNTER = "Niet zo: de jongerenwerker spreekt de groep aan op hun identiteit en zet hen daarmee apart."
ADVICE = "Beter: verleg het gesprek naar de gedeelde zorgen over veiligheid in de buurt."
# many words with an f, so that a text layer without it shows (as in real reports)
EFFECT = ("Professionals vinden informatie over het effect van hun aanpak in hoofdstuk vijf: hetzelfde "
          "platform biedt een steekproef van feiten, de functie van elke stap en de invloed op families. "
          "Een professionele aanpak is effectief wanneer de feiten op tafel liggen.")
TABLE = [["Signaal", "Wie", "Wanneer"], ["Geruchten online", "Wijkagent", "Binnen een dag"],
         ["Spanning op straat", "Gemeente", "Direct"]]
FOOTNOTE = "Gebaseerd op gesprekken met twaalf gemeenten."
CLAIM = "Gemeenten die vroeg het gesprek aangaan, zien minder escalatie"  # carries a footnote marker
HEADINGS = ("Handreiking gesprekken bij spanningen", "Het gesprek voeren", "Wat werkt")
RUNNING_HEADER = "Handreiking gesprekken | ESS"
# Words the PDF hyphenates at the end of a line, and how they must come out.
HYPHENATED = [("samen", "werking", "samenwerking"), ("buurt", "bewoners", "buurtbewoners")]

MARKDOWN = f"""---
title: {TITLE}
---
# {HEADINGS[0]}

{CLAIM}[^1]. Zie de <a href="https://voorbeeld.invalid">website</a> voor **meer** uitleg.

## {HEADINGS[1]}

{LEAD_IN}

- {ITEMS[0]}
- {ITEMS[1]}
* {ITEMS[2]}
- {ITEMS[3]}

{COUNTER}

{ADVICE}

### {HEADINGS[2]}

| {' | '.join(TABLE[0])} |
|---|---|---|
| {' | '.join(TABLE[1])} |
| {' | '.join(TABLE[2])} |

De aanpak werkt het best in kleine buurten^[2] en met vaste gezichten*.

[^1]: {FOOTNOTE}
"""

HTML = f"""<html><head><title>{TITLE} | Kennisbank</title></head><body>
<nav><a href="/">Home</a></nav>
<main><h1>{HEADINGS[0]}</h1>
<p>{CLAIM}<sup>1</sup>. Zie de <a href="https://voorbeeld.invalid">website</a> voor <b>meer</b> uitleg.</p>
<h2>{HEADINGS[1]}</h2>
<p>{LEAD_IN}</p>
<ul style="list-style-type: none"><li>• {ITEMS[0]}</li><li>② {ITEMS[1]}</li><li>③ {ITEMS[2]}</li><li>④ {ITEMS[3]}</li></ul>
<p>{COUNTER}</p><p>{ADVICE}</p>
<h3>{HEADINGS[2]}</h3>
<table>{''.join('<tr>' + ''.join(f'<td>{c}</td>' for c in row) + '</tr>' for row in TABLE)}</table>
<p>De aanpak werkt het best in kleine buurten[2] en met vaste gezichten*.</p>
<p>&lt;p&gt;Een restant van een export&lt;/p&gt; blijft tekst zonder tags.</p>
<p><sup>1</sup> {FOOTNOTE}</p>
</main></body></html>"""


def write_markdown(path: Path) -> Path:
    path.write_text(MARKDOWN, encoding="utf-8")
    return path


def write_html(path: Path) -> Path:
    path.write_text(HTML, encoding="utf-8")
    return path


def write_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph(HEADINGS[0], style="Title")
    d.add_paragraph(f"{CLAIM}¹. Zie de website voor meer uitleg.")
    d.add_heading(HEADINGS[1], level=1)
    d.add_paragraph(LEAD_IN)
    for item in ITEMS:
        d.add_paragraph(f"• {item}", style="List Bullet")
    d.add_paragraph(COUNTER)
    d.add_paragraph(ADVICE)
    d.add_heading(HEADINGS[2], level=2)
    t = d.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    for i, row in enumerate(TABLE):
        for j, cell in enumerate(row):
            t.cell(i, j).text = cell
    d.add_paragraph("De aanpak werkt het best in kleine buurten[2] en met vaste gezichten*.")
    d.add_paragraph(f"¹ {FOOTNOTE}")
    d.save(str(path))
    return path


def _pdf():
    from fpdf import FPDF

    class Handbook(FPDF):
        def header(self):
            self.set_font("Helvetica", "", 8)
            self.cell(0, 6, RUNNING_HEADER, new_x="LMARGIN", new_y="NEXT")

        def footer(self):
            self.set_y(-15)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 6, f"Pagina {self.page_no()}", align="C")

    return Handbook()


def _text(pdf, size: float, text: str, style: str = "") -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.multi_cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT")


def write_pdf(path: Path, drop: str = "", toc_first: bool = False, empty_pages: int = 0,
              title: str | None = None) -> Path:
    """The handbook as a PDF; ``drop`` removes a letter everywhere, as a text layer without it reads."""
    def t(s: str) -> str:
        return s.replace(drop, "").replace(drop.upper(), "") if drop else s

    pdf = _pdf()
    if title:
        pdf.set_title(title)
    if toc_first:
        pdf.add_page()
        _text(pdf, 20, "Inhoudsopgave", "B")
        for n, h in enumerate(HEADINGS[1:], start=1):
            _text(pdf, 11, f"{n} {h} " + "." * 40 + f" {n + 1}")
    pdf.add_page()
    _text(pdf, 20, t(HEADINGS[0]), "B")
    _text(pdf, 11, t(f"{CLAIM}1. Zie de website voor meer uitleg."))
    first, second, _ = HYPHENATED[0]
    _text(pdf, 11, t(f"Goede {first}-"))
    _text(pdf, 11, t(f"{second} begint bij vertrouwen in de wijk en bij een vast aanspreekpunt voor de "))
    first, second, _ = HYPHENATED[1]
    _text(pdf, 11, t(f"{first}-"))
    _text(pdf, 11, t(f"{second}, ook als de spanning oploopt."))
    # body text long enough that the body size is the most common one
    _text(pdf, 11, t("Professionals in het sociaal domein en de openbare orde werken hierbij samen en delen "
                     "hun beeld van de situatie in een vast overleg met de gemeente. ") * 3)
    _text(pdf, 15, t(HEADINGS[1]), "B")
    _text(pdf, 11, t(LEAD_IN))
    for item in ITEMS:
        _text(pdf, 11, t(f"- {item}"))
    _text(pdf, 11, t(COUNTER))
    _text(pdf, 11, t(ADVICE))
    pdf.add_page()
    _text(pdf, 11, t("Bespreek na elk incident wat goed ging en wat beter kan, en leg dat vast. ") * 2)
    _text(pdf, 11, t(EFFECT))
    pdf.add_page()
    _text(pdf, 13, t(HEADINGS[2]), "B")
    for row in TABLE:
        _text(pdf, 11, t(" | ".join(row)))
    _text(pdf, 11, t("De aanpak werkt het best in kleine buurten[2] en met vaste gezichten*. ") * 3)
    _text(pdf, 11, t(f"1 {FOOTNOTE}"))
    for _ in range(empty_pages):
        pdf.add_page()  # only the running header and footer: no text of its own
    pdf.output(str(path))
    return path
