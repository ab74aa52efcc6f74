"""`essbot eval` end to end, through the real CLI, on a corpus the test writes."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from bot.evaluation.scoring import first_hit_rank, is_hit, normalise
from tests.conftest import CACHE_DIR, write

QUESTIONS = [
    {"id": "Q1", "question": "Wie voert het woord als journalisten het moskeebestuur bellen?", "kind": "procedural",
     "answerable": True, "gold_doc": "moskee.txt", "gold_quote": "Het bestuur wijst vooraf één woordvoerder aan die de pers te woord staat."},
    {"id": "Q2", "question": "Hoeveel professionals volgden de training signalen herkennen?", "kind": "numeric",
     "answerable": True, "gold_doc": "jeugd.txt", "gold_quote": "Ruim 400 professionals volgden de training signalen herkennen."},
    {"id": "Q3", "question": "Wat is het telefoonnummer van de adviseur in Zeeland?", "kind": "unanswerable",
     "answerable": False, "gold_doc": None, "gold_quote": None},
]


def test_scoring_rule_follows_the_readme():
    assert normalise("Het **midden**, niet de polen!") == "het midden niet de polen"
    quote = "verander van doelgroep (richt je op het midden in plaats van op de polen)"
    assert is_hit("... Verander van doelgroep: richt je op het midden ...", "a.txt", "a.txt", quote)  # first half
    assert not is_hit("richt je op het midden in plaats van op de polen", "b.txt", "a.txt", quote)  # wrong doc
    assert not is_hit("iets anders", "a.txt", "a.txt", quote)
    assert first_hit_rank([("a.txt", "x"), ("a.txt", quote)], "a.txt", quote) == 2


def test_eval_cli_prints_metrics_and_writes_json(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "moskee.txt", "# Veilige moskee\n\nMedia\n\nHet bestuur wijst vooraf één woordvoerder aan die de "
          "pers te woord staat. Zo spreekt de moskee met één stem.\n\nBeveiliging\n\nCamera's bij de ingang.")
    write(corpus / "jeugd.txt", "# Jeugd\n\nTraining\n\nRuim 400 professionals volgden de training signalen "
          "herkennen. De groepen waren klein.")
    write(corpus / "README.md", "not a document")
    qfile = tmp_path / "q.jsonl"
    qfile.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS), encoding="utf-8")
    out_json = tmp_path / "out.json"
    env = {**os.environ, "ESSBOT_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "eval", "--corpus", str(corpus), "--questions", str(qfile),
                           "--json", str(out_json), "-q"], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    m = re.fullmatch(r"eval: n=(\d+) hit@1=([\d.]+) hit@5=([\d.]+) hit@10=([\d.]+) mrr=([\d.]+) "
                     r"p50_ms=([\d.]+) p95_ms=([\d.]+).*", last)
    assert m, last
    assert int(m.group(1)) == 2 and float(m.group(3)) == 1.0
    data = json.loads(out_json.read_text())
    assert set(data) == {"metrics", "questions"}
    assert [q["id"] for q in data["questions"]] == ["Q1", "Q2", "Q3"]
    q1 = data["questions"][0]
    assert set(q1) >= {"id", "decision", "latency_ms", "passages"}
    assert q1["passages"][0]["doc"] == "moskee.txt" and {"doc", "text", "score"} <= set(q1["passages"][0])
    assert len(q1["passages"]) <= 10
    # each reply as the asker reads it, with its sources, to read and check answers in bulk
    assert q1["decision"] == "answer" and "woordvoerder" in q1["reply"] and "Bronnen" in q1["reply"]
    assert re.search(r"\[1\] .*moskee", q1["reply"], re.I | re.S)
    q3 = data["questions"][2]
    assert q3["decision"] == "handover" and q3["reason"] and "adviseur" in q3["reply"]


def test_eval_cli_reports_a_missing_corpus(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "eval", "--corpus", str(tmp_path / "nope"),
                           "--questions", str(tmp_path / "q.jsonl")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "does not exist" in proc.stderr


@pytest.mark.slow
@pytest.mark.corpus
def test_quality_floor_on_the_shared_corpus(corpus, dev_set, settings):
    """Retrieval on the real reports must not fall back below what was measured (see docs/retrieval.md)."""
    from bot.evaluation.harness import run_eval

    s = settings.model_copy(update={"data_dir": CACHE_DIR.parent / "eval"})
    (CACHE_DIR.parent / "eval").mkdir(parents=True, exist_ok=True)
    # run_eval keeps its shared embedding cache under data_dir/cache
    out = run_eval(corpus, dev_set, s, workdir=settings.data_dir.parent)
    m = out["metrics"]
    print(f"\nquality floor: hit@5={m['hit@5']:.3f} mrr={m['mrr']:.3f} p95_ms={m['p95_ms']:.1f} "
          f"urgent_recall={m['urgent_recall']:.3f} false_urgent={m['false_urgent']:.3f} "
          f"handover_recall={m['handover_recall']:.3f} false_handover={m['false_handover']:.3f}")
    assert m["hit@5"] >= 0.65
    assert m["mrr"] >= 0.42
    assert m["urgent_recall"] == 1.0 and m["false_urgent"] <= 0.02
    assert m["handover_recall"] >= 0.8 and m["false_handover"] <= 0.10
