"""LLM answers through LangChain: any OpenAI-compatible server (vLLM, llama.cpp, Azure,
OpenAI) or Ollama, chosen in settings.

The model sees only the redacted question, the redacted conversation and the numbered
passages; never the asker's identity or channel. Its output is not trusted: the engine
passes it through the grounding guard and falls back when it fails, times out or errs.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.config import Settings
from bot.retrieval.passage import Passage

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
_CITE = re.compile(r"\[(\d+)\]")
MAX_PASSAGE_CHARS = 1500


class LLMUnavailable(Exception):
    """Timeout, connection or HTTP error, or an empty completion."""


@dataclass
class LLMAnswer:
    text: str
    cited: list[int]
    model: str
    latency_ms: float


@lru_cache
def _template(lang: str) -> str:
    path = PROMPTS / f"answer.{lang}.md"
    if not path.exists():
        path = PROMPTS / "answer.nl.md"
    return path.read_text(encoding="utf-8")


def format_sources(passages: list[Passage]) -> str:
    blocks = []
    for n, p in enumerate(passages, 1):
        where = p.title + (f" — {p.section}" if p.section else "") + (f", p. {p.page}" if p.page else "")
        blocks.append(f"[{n}] {where}\n{p.text[:MAX_PASSAGE_CHARS]}")
    return "\n\n".join(blocks)


class LLMAnswerer:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.model_name = settings.llm_model
        if settings.llm_provider == "ollama":
            from langchain_ollama import ChatOllama

            self._chat = ChatOllama(model=settings.llm_model, base_url=settings.llm_base_url or "http://127.0.0.1:11434",
                                    temperature=settings.llm_temperature, num_predict=settings.llm_max_tokens,
                                    client_kwargs={"timeout": settings.llm_timeout_s})
        else:
            from langchain_openai import ChatOpenAI

            self._chat = ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url,
                                    api_key=settings.llm_api_key, timeout=settings.llm_timeout_s, max_retries=0,
                                    temperature=settings.llm_temperature, max_tokens=settings.llm_max_tokens,
                                    extra_body={"max_tokens": settings.llm_max_tokens})

    def answer(self, question: str, passages: list[Passage], history=(), language: str = "nl") -> LLMAnswer:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        system = _template(language).format(sources=format_sources(passages))
        messages = [SystemMessage(system)]
        for role, text in list(history)[-4:]:
            messages.append(HumanMessage(text) if role == "user" else AIMessage(text))
        messages.append(HumanMessage(question))
        started = time.perf_counter()
        try:
            reply = self._chat.invoke(messages)
        except Exception as exc:  # timeouts, refused connections, HTTP errors: all mean "no LLM answer"
            raise LLMUnavailable(f"{type(exc).__name__}: {str(exc)[:200]}") from exc
        text = (reply.content if isinstance(reply.content, str) else str(reply.content)).strip()
        if not text:
            raise LLMUnavailable("empty completion")
        cited = sorted({int(n) for n in _CITE.findall(text)})
        return LLMAnswer(text, cited, self.model_name, (time.perf_counter() - started) * 1e3)
