"""`essbot bench-load`: a bounded load test on loopback against `essbot serve --workers N` on PostgreSQL.

Everything it uses it makes and removes again: a scratch database, a temporary data dir with a fresh
index of the corpus (the shared embedding cache makes repeated runs quick), and the server process.
A fixed number of REST API questions is sent at a fixed concurrency, each in a conversation of its own
(its own asker), so history, tickets and hand-overs are written as real traffic writes them. Prints one
line of figures; asserts nothing about speed.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from bot.config import Settings

from .load_client import LoadResult, run_load
from .load_questions import QUESTIONS
from .scratch import scratch_postgres as scratch

DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/test"
ROLES = (None, "youth_worker", "municipal_official", "mosque_board", "teacher", "community_member")


def load_question_file(path: Path) -> list[str]:
    """Lines of a dev.jsonl file (their "question" field)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(json.loads(line)["question"])
    if not out:
        raise ValueError(f"{path}: no questions")
    return out


def request_bodies(questions: list[str], n: int, tag: str, unique: bool = False) -> list[str]:
    """n JSON bodies cycling through the questions; every one its own conversation (so its own asker).
    ``unique``: number every text, so no two requests ask the same thing and no cache can answer."""
    out = []
    for i in range(n):
        text = questions[i % len(questions)]
        body = {"conversation_id": f"{tag}-{i:06d}", "text": f"Vraag {tag}-{i + 1}: {text}" if unique else text}
        role = ROLES[(i // len(questions)) % len(ROLES)]
        if role:
            body["role"] = role
        out.append(json.dumps(body, ensure_ascii=False))
    return out


@contextmanager
def scratch_postgres(url: str):
    if not url.startswith("postgresql"):
        raise ValueError(f"bench-load needs a PostgreSQL server URL, not {url.split(':', 1)[0]}")
    with scratch(url, "essbot_load_") as scratch_url:
        yield scratch_url


# --- the server ------------------------------------------------------------------------------------------
def server_env(data_dir: Path, database_url: str, port: int, api_key: str) -> dict[str, str]:
    """The parent's environment minus anything channel- or LLM-specific, plus the bench's own settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ESSBOT_TELEGRAM", "ESSBOT_LLM", "ESSBOT_DELIVERY", "ESSBOT_WIDGET"))}
    env.update({
        "ESSBOT_ENVIRONMENT": "test",
        "ESSBOT_SECRET_KEY": secrets.token_urlsafe(48),
        "ESSBOT_DATA_DIR": str(data_dir),
        "ESSBOT_DATABASE_URL": database_url,
        "ESSBOT_CHROMA_MODE": "embedded",
        "ESSBOT_ANSWER_MODE": "extractive",
        "ESSBOT_API_KEYS": json.dumps({"bench": hashlib.sha256(api_key.encode()).hexdigest()}),
        # the load is one partner and many askers: neither limit may refuse it
        "ESSBOT_API_MESSAGES_PER_MINUTE": str(10**9),
        "ESSBOT_ASKER_MESSAGES_PER_MINUTE": str(10**6),
        "ESSBOT_CONSOLE_HOST": "127.0.0.1",
        "ESSBOT_CONSOLE_PORT": str(port),
        "ESSBOT_PUBLIC_URL": f"http://127.0.0.1:{port}",
    })
    return env


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(env: dict[str, str], workers: int, log_path: Path, timeout: float = 600):
    """`essbot serve --workers N --no-worker` in a process group of its own, stopped (group-wide) on exit.
    The timeout is long because the first start after installing deduce builds its lookup tables."""
    cmd = [sys.executable, "-m", "bot.cli", "serve", "--workers", str(workers), "--no-worker"]
    log = open(log_path, "wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{env['ESSBOT_CONSOLE_PORT']}"
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError("serve exited: " + log_path.read_text(errors="replace")[-2000:])
            try:
                if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("serve did not become ready: " + log_path.read_text(errors="replace")[-2000:])
            time.sleep(0.3)
        yield proc, url
    finally:
        _stop(proc)
        log.close()


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # uvicorn's supervisor stops its workers on SIGTERM
            proc.wait(20)
        except subprocess.TimeoutExpired:
            pass
    try:  # anything left in the group (a worker that did not exit)
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def worker_pids(parent: int) -> list[int]:
    """uvicorn's worker processes: the parent's children that are not multiprocessing's resource tracker."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and b"resource_tracker" not in cmdline:
            out.append(int(entry.name))
    return sorted(out)


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB: resident now, and the peak."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, value = line.split(":", 1)
            fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


# --- the run -----------------------------------------------------------------------------------------------
def ingest_corpus(corpus: Path, settings: Settings, data_dir: Path) -> int:
    """A fresh index in ``data_dir``; passage vectors come from the shared cache when they are in it."""
    from bot.index.embeddings import make_embeddings
    from bot.index.store import Index
    from ingest.pipeline import ingest_paths

    s = settings.model_copy(update={"data_dir": data_dir, "chroma_mode": "embedded"})
    if corpus.resolve() == settings.knowledge_dir.resolve():
        from ingest.samples import render_samples

        render_samples(settings.knowledge_dir)  # as `essbot ingest` does: the PDF/DOCX samples
    cache = settings.data_dir / "cache" / "embeddings.sqlite"
    index = Index(s, embeddings=make_embeddings(s.embedding_backend, s.embedding_model, cache, s.embedding_batch))
    try:
        return ingest_paths([corpus], s, index=index).chunks
    finally:
        index.close()


def format_line(res: LoadResult, concurrency: int, workers: list[tuple[int, float, float]], texts: str = "") -> str:
    errors = {k: v for k, v in sorted(res.statuses.items()) if k != "200"}
    kinds = ",".join(f"{k}:{res.kinds.get(k, 0)}" for k in ("answer", "handover", "urgent"))
    other = sum(v for k, v in res.kinds.items() if k not in ("answer", "handover", "urgent"))
    if other:
        kinds += f",other:{other}"
    rss = ",".join(f"{rss:.0f}" for _, rss, _ in workers) or "-"
    peak = ",".join(f"{hwm:.0f}" for _, _, hwm in workers) or "-"
    return (f"load: requests={res.requests} concurrency={concurrency} workers={len(workers)} client={res.client} "
            f"{texts}"
            f"answers_per_s={res.per_second:.1f} p50_ms={res.percentile(50):.1f} p95_ms={res.percentile(95):.1f} "
            f"p99_ms={res.percentile(99):.1f} ok={res.statuses.get('200', 0)} "
            f"errors={','.join(f'{k}:{v}' for k, v in errors.items()) or 'none'} kinds={kinds} "
            f"rss_mb={rss} peak_rss_mb={peak}")


def run_load_bench(settings: Settings, corpus: Path, database_url: str = DEFAULT_DATABASE, requests: int = 3000,
                   concurrency: int = 16, workers: int = 2, questions_file: Path | None = None,
                   client: str = "auto", warmup: int | None = None, unique: bool = False) -> int:
    """0 when every request was answered with 200; the figures are printed either way."""
    questions = load_question_file(questions_file) if questions_file else list(QUESTIONS)
    warmup = max(2 * concurrency, 40) if warmup is None else warmup
    texts = "texts=unique " if unique else f"texts={len(questions)}-repeating "
    api_key = secrets.token_urlsafe(24)
    tag = secrets.token_hex(3)  # conversation ids unique to this run
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _raise_exit) if main else None  # SIGTERM cleans up like Ctrl-C
    tmp = Path(tempfile.mkdtemp(prefix="essbot-load-"))
    try:
        t0 = time.perf_counter()
        chunks = ingest_corpus(corpus, settings, tmp / "data")
        print(f"corpus: {corpus} chunks={chunks} (ingest {time.perf_counter() - t0:.1f} s); {len(questions)} questions; "
              f"{os.cpu_count()} cpus, load average {os.getloadavg()[0]:.1f} before the run", flush=True)
        with scratch_postgres(database_url) as url:
            from bot.storage.db import Database

            Database(url).dispose()  # migrated here, so the workers' start-up does no schema work
            env = server_env(tmp / "data", url, free_port(), api_key)
            with serving(env, workers, tmp / "serve.log") as (proc, base):
                warm = run_load(base, api_key, request_bodies(questions, warmup, f"w{tag}", unique), concurrency,
                                client)
                if warm.statuses.get("200", 0) == 0:
                    raise RuntimeError(f"warm-up got no answers: {dict(warm.statuses)}; server log: "
                                       + (tmp / "serve.log").read_text(errors="replace")[-1500:])
                res = run_load(base, api_key, request_bodies(questions, requests, f"l{tag}", unique), concurrency,
                               client)
                procs = [(pid, *memory_mb(pid)) for pid in worker_pids(proc.pid)]
        print(format_line(res, concurrency, procs, texts), flush=True)
        return 0 if res.statuses.get("200", 0) == res.requests == requests else 1
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(tmp, ignore_errors=True)


def _raise_exit(signum, frame):
    raise SystemExit(128 + signum)

