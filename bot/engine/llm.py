"""LLM answers through LangChain: any OpenAI-compatible server (vLLM, llama.cpp, Azure,
OpenAI) or Ollama, chosen in settings.

The model sees only the redacted question, the redacted conversation and the numbered
passages; never the asker's identity, channel or role. Its output is not trusted: the engine
passes it through the grounding guard and falls back when it fails, times out or errs.

The sources and the question go in the user turn, not the system turn: some chat formats
(llama.cpp's ``gemma``) silently drop system messages, and a model that never saw the
sources can only invent.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from bot.config import Settings
from bot.retrieval.passage import Passage

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
_CITE = re.compile(r"\[(\d+)\]")
_CITE_MARK = re.compile(r"\s*\[\d+\]")
_SECTION = re.compile(r"^<!--\s*(system|user)\s*-->\s*$", re.M)
MAX_PASSAGE_CHARS = 1500
HISTORY_TURNS = 4
HISTORY_CHARS = 600


class LLMUnavailable(Exception):
    """Timeout, connection or HTTP error, or an empty completion."""


@dataclass
class LLMAnswer:
    text: str  # the answer with [n] citations, n = 1-based index into the passages given
    cited: list[int]  # the citation numbers used, sorted, unique
    model: str
    latency_ms: float


@lru_cache
def templates(lang: str) -> dict[str, str]:
    """{"system": ..., "user": ...} from prompts/answer.<lang>.md (Dutch when the language has none)."""
    path = PROMPTS / f"answer.{lang}.md"
    if not path.exists():
        path = PROMPTS / "answer.nl.md"
    parts = _SECTION.split(path.read_text(encoding="utf-8"))
    found = {name: body.strip() for name, body in zip(parts[1::2], parts[2::2])}
    if set(found) != {"system", "user"}:
        raise ValueError(f"{path} needs a <!-- system --> and a <!-- user --> section")
    return found


def format_sources(passages: list[Passage]) -> str:
    """Numbered passages: title, section, page and text; nothing else about them."""
    blocks = []
    for n, p in enumerate(passages, 1):
        where = p.title + (f" — {p.section}" if p.section else "") + (f", p. {p.page}" if p.page else "")
        blocks.append(f"[{n}] {where}\n{p.text[:MAX_PASSAGE_CHARS].strip()}")
    return "\n\n".join(blocks)


def _history_text(role: str, text: str) -> str:
    if role == "assistant":  # earlier bot turns: their [n] refer to other passages, so drop them
        text = _CITE_MARK.sub("", text)
    return " ".join(text.split())[:HISTORY_CHARS]


def _hosted_openai(base_url: str | None) -> bool:
    if not base_url:
        return True
    host = urlparse(base_url).hostname or ""
    return host.endswith("openai.com") or host.endswith("openai.azure.com")


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

            # langchain-openai sends max_tokens as `max_completion_tokens`, which llama.cpp's server
            # ignores (it then generates up to the context size); self-hosted servers also get the
            # classic `max_tokens`. Hosted OpenAI/Azure get only the new field.
            extra = {} if _hosted_openai(settings.llm_base_url) else {"max_tokens": settings.llm_max_tokens}
            self._chat = ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url,
                                    api_key=settings.llm_api_key, timeout=settings.llm_timeout_s, max_retries=0,
                                    temperature=settings.llm_temperature, max_tokens=settings.llm_max_tokens,
                                    extra_body=extra or None)

    def messages(self, question: str, passages: list[Passage], history=(), language: str = "nl") -> list:
        """What the model is sent: rules, up to four earlier redacted turns, then sources and question."""
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        t = templates(language)
        out = [SystemMessage(t["system"])]
        for turn in list(history)[-HISTORY_TURNS:]:  # Turn (bot.engine.conversation): its kind is not sent
            if turn.role in ("user", "assistant") and turn.text.strip():
                cls = HumanMessage if turn.role == "user" else AIMessage
                out.append(cls(_history_text(turn.role, turn.text)))
        out.append(HumanMessage(t["user"].format(sources=format_sources(passages), question=question.strip())))
        return out

    def answer(self, question: str, passages: list[Passage], history=(), language: str = "nl") -> LLMAnswer:
        messages = self.messages(question, passages, history, language)
        started = time.perf_counter()
        try:
            reply = self._chat.invoke(messages)
        except Exception as exc:  # timeouts, refused connections, HTTP errors: all mean "no LLM answer"
            raise LLMUnavailable(f"{type(exc).__name__}: {str(exc)[:200]}") from exc
        content = reply.content
        if not isinstance(content, str):  # content blocks from some providers
            content = "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
        text = content.strip()
        if not text:
            raise LLMUnavailable("empty completion")
        cited = sorted({int(n) for n in _CITE.findall(text)})
        return LLMAnswer(text, cited, self.model_name, (time.perf_counter() - started) * 1e3)
