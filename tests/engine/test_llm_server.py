"""The LLM path: what the model is sent, a real OpenAI-compatible server (llama.cpp with
Gemma 3 270M, installed and started by tests/engine/llm_server.py), timeouts, refused
connections, bad replies, and the engine's fallback to the extractive answer."""
from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.runtime import build_runtime
from bot.engine.conversation import Turn
from bot.engine.grounding import check_grounding
from bot.engine.llm import LLMAnswerer, LLMUnavailable
from bot.engine.messages import InboundMessage, Kind
from bot.retrieval.passage import Passage
from tests.engine.llm_server import llm_server  # noqa: F401  (fixture)
from tests.services import free_port

PASSAGES = [
    Passage(chunk_id="c1", doc_id="doc-secret-id", title="Polarisatie aanpakken", collection="depolarisatie",
            source="intern/p.md", url="https://example.org/intern", published=None, language="nl",
            heading_path=("Polarisatie aanpakken", "Het midden"), page=7,
            text="Richt je als jongerenwerker op de middengroep in plaats van op de twee kopstukken. "
                 "Verleg het gesprek naar de vragen die in de middengroep leven.", score=1.0),
    Passage(chunk_id="c2", doc_id="d2", title="Handreiking Veilige Moskee", collection="moskee", source="m.md",
            url=None, published=None, language="nl", heading_path=("Handreiking Veilige Moskee", "Dreiging"),
            page=None, text="Een moskeebestuur dat bedreigd wordt, doet aangifte bij de politie en neemt contact "
                            "op met de gemeente.", score=0.5),
]
QUESTION = "Twee groepen in mijn jongerencentrum schelden elkaar uit. Wat raadt de depolarisatie-aanpak aan?"
_CITE = re.compile(r"\[\d+\]")


def _settings(settings, base_url, timeout=240.0, max_tokens=80, **kw):  # a loaded 2-core machine is slow
    return settings.model_copy(update={"answer_mode": "llm", "llm_base_url": base_url, "llm_model": "gemma",
                                       "llm_timeout_s": timeout, "llm_max_tokens": max_tokens, **kw})


# --- what the model sees ------------------------------------------------------------------------------

def test_the_model_sees_only_question_history_and_numbered_passages(settings):
    answerer = LLMAnswerer(_settings(settings, "http://127.0.0.1:9/v1"))
    history = [Turn("user", "Hoe ga ik om met ruzie in de wijk?"),
               Turn("assistant", "Volgens de kennisbank: praat met beide kanten [1].", "answer"),
               Turn("system", "ignored")]
    msgs = answerer.messages(QUESTION, PASSAGES, history, language="nl")
    assert [m.type for m in msgs] == ["system", "human", "ai", "human"]
    assert "Verzin niets" in msgs[0].content and "[1]" in msgs[0].content
    assert msgs[2].content == "Volgens de kennisbank: praat met beide kanten."  # old citations dropped
    last = msgs[-1].content  # sources and question in the user turn: some chat formats drop system turns
    assert "[1] Polarisatie aanpakken — Het midden, p. 7\nRicht je" in last
    assert "[2] Handreiking Veilige Moskee — Dreiging\nEen moskeebestuur" in last
    assert QUESTION in last
    everything = "\n".join(m.content for m in msgs)
    for hidden in ("doc-secret-id", "intern/p.md", "https://example.org", "depolarisatie\n", "c1"):
        assert hidden not in everything


def test_english_prompt_and_fallback_to_dutch(settings):
    answerer = LLMAnswerer(_settings(settings, "http://127.0.0.1:9/v1"))
    assert "Answer in English" in answerer.messages("What now?", PASSAGES, language="en")[-1].content
    assert "Vraag: Was nun?" in answerer.messages("Was nun?", PASSAGES, language="de")[-1].content


# --- a scripted OpenAI-compatible server: the request on the wire, bad replies ------------------------

class _Scripted:
    """Answers /chat/completions with a fixed content (or HTTP status) and records request bodies."""

    def __init__(self, content: str = "Richt je op de middengroep [1].", status: int = 200):
        bodies = self.bodies = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                out = json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                                  "choices": [{"index": 0, "finish_reason": "stop",
                                               "message": {"role": "assistant", "content": content}}]}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_request_carries_max_tokens_llama_cpp_understands(settings):
    server = _Scripted()
    try:
        ans = LLMAnswerer(_settings(settings, server.url, max_tokens=42, llm_temperature=0.2)).answer(QUESTION,
                                                                                                      PASSAGES)
    finally:
        server.close()
    body = server.bodies[0]
    # langchain-openai sends `max_completion_tokens`, which llama.cpp's server ignores; `max_tokens` it honours
    assert body["max_tokens"] == 42 and body["temperature"] == 0.2 and body["model"] == "gemma"
    assert ans.text == "Richt je op de middengroep [1]." and ans.cited == [1] and ans.model == "gemma"


@pytest.mark.parametrize("content,status", [("   ", 200), ("", 200), ("Richt je op [1].", 500)])
def test_empty_or_failed_completion_is_unavailable(settings, content, status):
    server = _Scripted(content, status)
    try:
        with pytest.raises(LLMUnavailable):
            LLMAnswerer(_settings(settings, server.url, timeout=5)).answer(QUESTION, PASSAGES)
    finally:
        server.close()


class _Silent:
    """Accepts connections and never answers: an LLM that hangs."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
                self.conns.append(c)
            except OSError:
                return

    def close(self):
        for c in self.conns:
            c.close()
        self.sock.close()


@pytest.mark.parametrize("provider", ["openai", "ollama"])
def test_timeout_raises_quickly(settings, provider):
    silent = _Silent()
    base = f"http://127.0.0.1:{silent.port}" + ("/v1" if provider == "openai" else "")
    try:
        answerer = LLMAnswerer(_settings(settings, base, timeout=1.0, llm_provider=provider))
        t = time.monotonic()
        with pytest.raises(LLMUnavailable, match="(?i)timeout|timed out"):
            answerer.answer(QUESTION, PASSAGES)
        assert time.monotonic() - t < 3
    finally:
        silent.close()


@pytest.mark.parametrize("provider", ["openai", "ollama"])
def test_refused_connection_raises(settings, provider):
    base = f"http://127.0.0.1:{free_port()}" + ("/v1" if provider == "openai" else "")
    answerer = LLMAnswerer(_settings(settings, base, timeout=2.0, llm_provider=provider))
    t = time.monotonic()
    with pytest.raises(LLMUnavailable):
        answerer.answer(QUESTION, PASSAGES)
    assert time.monotonic() - t < 3


# --- the real server ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_real_server_completes(settings, llm_server):  # noqa: F811
    ans = LLMAnswerer(_settings(settings, llm_server)).answer(QUESTION, PASSAGES)
    print(f"\nllm ({ans.latency_ms:.0f} ms): {ans.text[:300]!r}")
    assert ans.text.strip() and ans.latency_ms > 0 and ans.model == "gemma"
    assert ans.cited == sorted({int(n) for n in re.findall(r"\[(\d+)\]", ans.text)})


@pytest.mark.slow
def test_real_server_honours_max_tokens(settings, llm_server):  # noqa: F811
    ans = LLMAnswerer(_settings(settings, llm_server, max_tokens=12)).answer(QUESTION, PASSAGES)
    assert len(ans.text.split()) <= 12  # a token is at most a word; unbounded, this model rambles on


@pytest.mark.slow
def test_the_guard_judges_the_real_output(settings, llm_server):  # noqa: F811
    ans = LLMAnswerer(_settings(settings, llm_server)).answer(QUESTION, PASSAGES)
    verdict = check_grounding(ans.text, PASSAGES)
    print(f"\nllm: {ans.text!r}\nguard: ok={verdict.ok} {verdict.reasons}")
    assert verdict.ok or verdict.reasons  # a refusal always says why
    if verdict.ok:
        assert ans.cited and all(1 <= n <= len(PASSAGES) for n in ans.cited)
    # the same output without its citations, or with every citation pointing nowhere, is never accepted
    stripped = check_grounding(_CITE.sub("", ans.text), PASSAGES)
    assert not stripped.ok and stripped.reasons
    fabricated = check_grounding(_CITE.sub("[5]", ans.text), PASSAGES)
    assert not fabricated.ok and fabricated.reasons
    appended = check_grounding(ans.text + "\nDe gemeente betaalt alle kosten van de beveiliging [5].", PASSAGES)
    assert not appended.ok and any("[5] does not exist" in r for r in appended.reasons)


@pytest.mark.slow
def test_engine_never_sends_ungrounded_llm_output(settings, llm_server, embeddings, tmp_path):  # noqa: F811
    from bot.privacy import get_redactor
    from bot.index.store import Index
    from bot.retrieval.hybrid import HybridRetriever
    from ingest.pipeline import ingest_paths
    from tests.conftest import write

    s = _settings(settings, llm_server)
    write(tmp_path / "kb" / "a.md", "# Polarisatie aanpakken\n\n## Het midden\n" + PASSAGES[0].text)
    index = Index(s, embeddings=embeddings)
    ingest_paths([tmp_path / "kb"], s, index=index)
    engine = build_runtime(s, retriever=HybridRetriever(index), redactor=get_redactor(True)).engine
    out = engine.handle(InboundMessage("test", "a", "c", QUESTION))
    assert out.kind in (Kind.ANSWER, Kind.HANDOVER)
    if out.kind is Kind.ANSWER:
        body = out.text
        first = re.sub(r"^(Ja|Nee)\. |\s*\[\d+\]$", "", body.split("\n\n")[0])
        if first in " ".join(" ".join(p.text.split()) for p in out.passages) or re.search(r"\[\d\]:\n", body):
            # extractive fallback: quotes the source
            assert "middengroep" in body
        else:  # the LLM's own words passed the guard
            assert check_grounding(body.split("\n\n")[0], out.passages[:5]).ok


def test_engine_falls_back_to_extractive_when_the_llm_is_down(settings, embeddings, tmp_path):
    from bot.privacy import get_redactor
    from bot.index.store import Index
    from bot.retrieval.hybrid import HybridRetriever
    from ingest.pipeline import ingest_paths
    from tests.conftest import write

    s = _settings(settings, f"http://127.0.0.1:{free_port()}/v1", timeout=2.0)
    write(tmp_path / "kb" / "a.md", "# Polarisatie aanpakken\n\n## Het midden\n" + PASSAGES[0].text)
    index = Index(s, embeddings=embeddings)
    ingest_paths([tmp_path / "kb"], s, index=index)
    engine = build_runtime(s, retriever=HybridRetriever(index), redactor=get_redactor(True)).engine
    out = engine.handle(InboundMessage("test", "a", "c", QUESTION))
    assert out.kind is Kind.ANSWER and re.search(r"\[1\]", out.text.split("\n\n")[0])
    assert "middengroep" in out.text
