"""Content gaps from paraphrased questions, editor tasks, and the HTML/PDF report through the guard."""
from __future__ import annotations

import io
from datetime import timedelta

import pypdf

from bot.insights.aggregate import Filters
from bot.insights.gaps import agglomerate, close_task, create_task, find_gaps, open_tasks
from bot.insights.privacy import Guard
from bot.insights.report import build_report, period_bounds

from .conftest import FIRST_WEEK, SPIKE_WEEK, add, question, stream

THREATS = ["Hoe ga ik om met online haatberichten tegen de burgemeester?",
           "Wat doen we tegen bedreigingen van de burgemeester op sociale media?",
           "Burgemeester wordt online bedreigd, wat nu?",
           "Hoe beschermen we raadsleden tegen intimidatie op internet?",
           "Onze wethouder krijgt dreigberichten via Facebook, wat kunnen we doen?",
           "Wat is de aanpak bij online bedreiging van bestuurders?"]
SCHOOL = ["Hoe herken ik radicalisering bij een leerling?", "Signalen van radicalisering op school",
          "Een leerling uit extreme ideeën in de klas, hoe reageer ik?",
          "Wat moet een docent doen bij zorgen over radicalisering?",
          "Waar meld ik vermoedens van radicalisering van een scholier?"]
NOISE = ["Welke subsidie is er voor jongerenwerk?", "Hoe organiseer ik een dialoogavond in de wijk?",
         "Wat zijn de openingstijden van het gemeentehuis?", "Hoe vraag ik een vergunning aan voor een demonstratie?",
         "Kunnen jullie een training over polarisatie geven?", "Wie is de contactpersoon voor de regio Twente?"]
# Four people asking about the same thing many times: a cluster of 4 askers must stay hidden.
FEW = ["Mag een ambtenaar een hoofddoek dragen achter de balie?", "Hoofddoek achter de balie toegestaan?",
       "Regels voor religieuze symbolen bij baliemedewerkers", "Is een hoofddoek voor loketpersoneel toegestaan?"]


def gap_events():
    day = SPIKE_WEEK
    events = [question(day, f"t-{i}", "online dreiging", "Utrecht", "handover", gap=q) for i, q in enumerate(THREATS)]
    events += [question(day, f"s-{i}", "radicalisering", "Utrecht", "handover", gap=q) for i, q in enumerate(SCHOOL)]
    events += [question(day, f"n-{i}", "overig", None, "handover", gap=q) for i, q in enumerate(NOISE)]
    events += [question(day, f"few-{i % 4}", "religie", None, "handover", gap=q, hour=9 + i % 8)
               for i, q in enumerate(FEW * 3)]
    return events


def test_agglomerate_is_deterministic_and_respects_threshold():
    import numpy as np

    v = np.array([[1, 0], [0.99, 0.141], [0, 1], [0.141, 0.99]])
    v = v / np.linalg.norm(v, axis=1, keepdims=True)
    assert agglomerate(v, 0.9) == [[0, 1], [2, 3]]
    assert agglomerate(v, 0.999) == [[0], [1], [2], [3]]


def test_gaps_found_and_small_clusters_hidden(sqlite_db, embeddings):
    add(sqlite_db, gap_events())
    report = find_gaps(sqlite_db, Guard(5), embeddings, Filters())
    found = {g.theme: g for g in report.gaps}
    assert set(found) == {"online dreiging", "radicalisering"}
    assert found["online dreiging"].askers == 6 and found["radicalisering"].askers == 5
    assert set(found["online dreiging"].examples) <= set(THREATS) and len(found["online dreiging"].examples) == 3
    assert set(found["radicalisering"].examples) <= set(SCHOOL)
    assert report.hidden >= 2  # the four-asker cluster and the noise
    shown = " ".join(e for g in report.gaps for e in g.examples + (g.summary,))
    assert not any(q in shown for q in FEW + NOISE)
    # With K = 6 the school cluster (5 askers) disappears too.
    assert {g.theme for g in find_gaps(sqlite_db, Guard(6), embeddings, Filters()).gaps} == {"online dreiging"}


def test_gap_task_in_audit_log(sqlite_db, embeddings):
    add(sqlite_db, gap_events())
    gap = find_gaps(sqlite_db, Guard(5), embeddings, Filters()).gaps[0]
    with sqlite_db.session() as s:
        assert create_task(s, None, gap, "week") is True
        assert create_task(s, None, gap, "week") is False  # one open task per cluster
    with sqlite_db.session() as s:
        [task] = open_tasks(s)
        assert task.key == gap.key and task.examples == gap.examples
        assert close_task(s, None, task.id) and not close_task(s, None, task.id)
    with sqlite_db.session() as s:
        assert open_tasks(s) == []


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_report_shows_figures_and_hides_small_cells(sqlite_db, settings, embeddings):
    add(sqlite_db, stream() + gap_events())
    html, pdf = build_report(sqlite_db, settings, "week", SPIKE_WEEK + timedelta(days=2), embeddings)
    text = _pdf_text(pdf)
    assert pdf.startswith(b"%PDF")
    for doc in (html, text):
        assert "2026-W46" in doc and "polarisatie" in doc and "Utrecht" in doc  # the spike's signal
        assert "Burgemeester" in doc or "burgemeester" in doc  # a gap example
        for secret in FEW + NOISE + ["Ameland"]:
            assert secret not in doc
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "<svg" in html


def test_report_of_small_group_only(sqlite_db, settings):
    add(sqlite_db, [question(FIRST_WEEK, f"r-{i}", "subsidie", "Ameland", "urgent") for i in range(3)])
    html, pdf = build_report(sqlite_db, settings, "week", FIRST_WEEK, None)
    text = _pdf_text(pdf)
    assert 'id="total">&lt;5<' in html and "Vragen in totaal: <5" in text
    assert "Ameland" not in html and "Ameland" not in text
    assert ">3<" not in html and " 3 " not in text


def test_period_bounds():
    from datetime import date

    assert period_bounds("week", date(2026, 11, 26)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert period_bounds("month", date(2026, 2, 10)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_bounds("week", None, today=date(2026, 11, 26)) == (date(2026, 11, 16), date(2026, 11, 22))
