"""`essbot ingest` and `essbot search` as an operator runs them."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import write


def _run(args, env, timeout=600):
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


def test_ingest_then_search_with_citations(tmp_path):
    kb = tmp_path / "kb"
    write(kb / "veilige-moskee" / "media.md", "# Veilige moskee\n\n## Omgaan met de media\n"
          "Spreek als bestuur af wie het woord voert als journalisten bellen.")
    (kb / "kapot.docx").write_bytes(b"not a zip")
    env = {**os.environ, "ESSBOT_DATA_DIR": str(tmp_path / "data"), "ESSBOT_KNOWLEDGE_DIR": str(tmp_path / "other")}
    first = _run(["ingest", str(kb), "-q"], env)
    assert first.returncode == 0, first.stderr
    assert "geïndexeerd/indexed: 1" in first.stdout
    assert "kapot.docx: beschadigd bestand" in first.stdout
    again = _run(["ingest", str(kb), "-q"], env)
    assert "ongewijzigd/unchanged: 1" in again.stdout and "nieuw ingebed/newly embedded: 0" in again.stdout

    found = _run(["search", "Wie praat met journalisten?", "-k", "2"], env)
    assert found.returncode == 0, found.stderr
    assert "[1] Veilige moskee — Omgaan met de media" in found.stdout
    assert "bron/source: veilige-moskee/media.md" in found.stdout


def test_search_on_an_empty_index_says_what_to_do(tmp_path):
    env = {**os.environ, "ESSBOT_DATA_DIR": str(tmp_path / "data")}
    res = _run(["search", "iets"], env)
    assert res.returncode == 2 and "essbot ingest" in res.stderr


def test_unknown_command_and_missing_path_fail_clearly(tmp_path):
    env = {**os.environ, "ESSBOT_DATA_DIR": str(tmp_path / "data")}
    assert _run(["frobnicate"], env).returncode == 2
    res = _run(["ingest", str(tmp_path / "bestaat-niet")], env)
    assert res.returncode == 2 and "does not exist" in res.stderr


def test_a_rebuild_keeps_the_reviewed_advisor_answers(tmp_path):
    kb = tmp_path / "kb"
    write(kb / "veilige-moskee" / "media.md", "# Veilige moskee\n\n## Omgaan met de media\n"
          "Spreek als bestuur af wie het woord voert als journalisten bellen.")
    write(tmp_path / "data" / "reviewed" / "antwoord-1.md", "# Wijkavond voorbereiden\n\n## Uit de praktijk\n"
          "Nodig bij een wijkavond over spanningen eerst de sleutelfiguren apart uit.")
    env = {**os.environ, "ESSBOT_DATA_DIR": str(tmp_path / "data"), "ESSBOT_KNOWLEDGE_DIR": str(kb)}
    done = _run(["ingest", "--rebuild", "-q"], env)
    assert done.returncode == 0, done.stderr
    found = _run(["search", "Hoe bereid ik een wijkavond over spanningen voor?", "-k", "1"], env)
    assert "Wijkavond voorbereiden" in found.stdout


def test_ask_starts_a_new_conversation_unless_one_is_named(tmp_path):
    """`essbot ask` twice is two conversations (an earlier question must not colour the next answer);
    `--conversation ID` continues one."""
    import sqlite3

    kb = tmp_path / "kb"
    write(kb / "veilige-moskee" / "media.md", "# Veilige moskee\n\n## Omgaan met de media\n"
          "Spreek als bestuur af wie het woord voert als journalisten bellen.")
    env = {**os.environ, "ESSBOT_DATA_DIR": str(tmp_path / "data"), "ESSBOT_KNOWLEDGE_DIR": str(tmp_path / "other")}
    assert _run(["ingest", str(kb), "-q"], env).returncode == 0
    for args in (["Wie praat met journalisten?"], ["En wie belt de pers terug?"],
                 ["Wie praat met journalisten?", "--conversation", "mijn-gesprek"],
                 ["En wie belt de pers terug?", "--conversation", "mijn-gesprek"]):
        out = _run(["ask", *args], env)
        assert out.returncode == 0, out.stderr
    with sqlite3.connect(tmp_path / "data" / "essbot.sqlite") as c:
        per_conversation = dict(c.execute("SELECT conversation_id, count(*) FROM messages WHERE author = 'asker' "
                                          "GROUP BY conversation_id"))
    assert per_conversation.pop("mijn-gesprek") == 2
    assert sorted(per_conversation.values()) == [1, 1] and all(k.startswith("cli:") for k in per_conversation)
