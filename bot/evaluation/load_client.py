"""The load generator of `essbot bench-load`: a fixed number of POSTs at a fixed concurrency, over keep-alive.

`wrk` (C, one thread, a Lua script) when it is installed, because the generator's own CPU counts against
the same cores as the server; otherwise an asyncio + httpx client in a process of its own. Both send the
prepared JSON bodies in order, one per request, and report the same `LoadResult`.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

_KIND = re.compile(rb'"kind"\s*:\s*"(\w+)"')


@dataclass
class LoadResult:
    client: str
    requests: int  # responses received (any status)
    seconds: float  # wall time of the run
    latencies_ms: list[float] = field(default_factory=list)  # empty when the client reports percentiles itself
    percentiles_ms: dict[int, float] = field(default_factory=dict)  # 50, 95, 99
    statuses: Counter = field(default_factory=Counter)  # HTTP status -> count; "conn" for transport errors
    kinds: Counter = field(default_factory=Counter)  # outcome kind of the 200s

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: int) -> float:
        if p in self.percentiles_ms:
            return self.percentiles_ms[p]
        vs = sorted(self.latencies_ms)
        return vs[min(len(vs) - 1, max(0, round(p / 100 * (len(vs) - 1))))] if vs else 0.0


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


# --- wrk ----------------------------------------------------------------------------------------------
# One thread, so requests are counted in one place. delay() runs once before every request: it lets exactly
# `total` requests go and parks the connections after that, so the responses counted are exactly those of
# the bodies (never a surplus request answered in place of a slow one). wrk's main thread sleeps for -d
# regardless: the script drops a marker file when the last response is in and the bench interrupts wrk
# (SIGINT ends the sleep; wrk then prints its summary and calls done()). done() runs in the main thread's
# Lua state, so it reads the counters from the worker thread with thread:get().
_LUA = r"""
local bodies = {}
for line in io.lines(os.getenv("LOAD_BODIES")) do bodies[#bodies + 1] = line end
local total = #bodies
reserved, sent, got, statuses, kinds = 0, 0, 0, {}, {}
local threads = {}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("LOAD_API_KEY")

setup = function(thread) threads[#threads + 1] = thread end

delay = function()
  if reserved < total then
    reserved = reserved + 1
    return 0
  end
  return 24 * 3600 * 1000  -- all sent: this connection waits until the run is stopped
end

request = function()
  if reserved == 0 then  -- wrk's own check of the script before the run, never sent: consume nothing
    return wrk.format(nil, "/api/v1/messages", nil, bodies[1])
  end
  sent = sent + 1
  return wrk.format(nil, "/api/v1/messages", nil, bodies[sent])
end

response = function(status, headers, body)
  got = got + 1
  local s = tostring(status)
  statuses[s] = (statuses[s] or 0) + 1
  if status == 200 then
    local k = string.match(body, '"kind"%s*:%s*"(%w+)"') or "?"
    kinds[k] = (kinds[k] or 0) + 1
  end
  if got == total then
    io.open(os.getenv("LOAD_DONE"), "w"):close()
    wrk.thread:stop()
  end
end

local function obj(t)
  local parts = {}
  for k, v in pairs(t) do parts[#parts + 1] = string.format('"%s": %d', k, v) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

done = function(summary, latency, requests)
  local t, e = threads[1], summary.errors
  io.write(string.format(
    '\nLOADRESULT {"requests": %d, "seconds": %.6f, "p50": %.3f, "p95": %.3f, "p99": %.3f, ' ..
    '"statuses": %s, "kinds": %s, "conn_errors": %d}\n',
    t:get("got"), summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, obj(t:get("statuses")), obj(t:get("kinds")),
    e.connect + e.read + e.write + e.timeout))
end
"""


def run_wrk(url: str, api_key: str, bodies: list[str], concurrency: int, timeout_s: float = 600) -> LoadResult:
    with tempfile.TemporaryDirectory(prefix="essbot-wrk-") as tmp:
        script, body_file, marker = Path(tmp) / "load.lua", Path(tmp) / "bodies.jsonl", Path(tmp) / "done"
        script.write_text(_LUA, encoding="utf-8")
        body_file.write_text("\n".join(bodies) + "\n", encoding="utf-8")
        env = {**os.environ, "LOAD_BODIES": str(body_file), "LOAD_API_KEY": api_key, "LOAD_DONE": str(marker)}
        cmd = ["wrk", "-t1", f"-c{concurrency}", f"-d{int(timeout_s)}s", "--timeout", "30s", "-s", str(script), url]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            while proc.poll() is None and not marker.exists():
                time.sleep(0.005)
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
            stdout, stderr = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    line = next((ln for ln in stdout.splitlines() if ln.startswith("LOADRESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed (rc={proc.returncode}): {stderr[-500:] or stdout[-500:]}")
    d = json.loads(line[len("LOADRESULT "):])
    statuses = Counter(d["statuses"])
    if d["conn_errors"]:
        statuses["conn"] += d["conn_errors"]
    return LoadResult("wrk", d["requests"], d["seconds"], percentiles_ms={50: d["p50"], 95: d["p95"], 99: d["p99"]},
                      statuses=statuses, kinds=Counter(d["kinds"]))


# --- Python fallback ----------------------------------------------------------------------------------
async def _drive(url: str, api_key: str, bodies: list[bytes], concurrency: int) -> LoadResult:
    import httpx

    latencies: list[float] = []
    statuses: Counter = Counter()
    kinds: Counter = Counter()
    next_i = iter(range(len(bodies)))
    headers = {"Content-Type": "application/json", "X-API-Key": api_key}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30.0, headers=headers) as client:
        async def worker():
            for i in next_i:  # a shared iterator: every body is sent exactly once
                t = time.perf_counter()
                try:
                    r = await client.post("/api/v1/messages", content=bodies[i])
                    body = r.content
                except httpx.HTTPError:
                    statuses["conn"] += 1
                    continue
                latencies.append((time.perf_counter() - t) * 1e3)
                statuses[str(r.status_code)] += 1
                if r.status_code == 200:
                    m = _KIND.search(body)
                    kinds[m.group(1).decode() if m else "?"] += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - t0
    return LoadResult("python", len(latencies), seconds, latencies, statuses=statuses, kinds=kinds)


def run_python(url: str, api_key: str, bodies: list[str], concurrency: int, timeout_s: float = 600) -> LoadResult:
    """In a child process, so the client's event loop does not share an interpreter with anything else."""
    with tempfile.TemporaryDirectory(prefix="essbot-loadclient-") as tmp:
        body_file, out_file = Path(tmp) / "bodies.jsonl", Path(tmp) / "result.json"
        body_file.write_text("\n".join(bodies) + "\n", encoding="utf-8")
        env = {**os.environ, "LOAD_API_KEY": api_key}
        cmd = [sys.executable, "-m", "bot.evaluation.load_client", url, str(body_file), str(concurrency), str(out_file)]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout_s)
        if proc.returncode != 0 or not out_file.exists():
            raise RuntimeError(f"python load client failed (rc={proc.returncode}): {proc.stderr[-800:]}")
        d = json.loads(out_file.read_text())
    return LoadResult("python", d["requests"], d["seconds"], d["latencies_ms"], statuses=Counter(d["statuses"]),
                      kinds=Counter(d["kinds"]))


def run_load(url: str, api_key: str, bodies: list[str], concurrency: int, client: str = "auto") -> LoadResult:
    if client == "wrk" or (client == "auto" and have_wrk()):
        return run_wrk(url, api_key, bodies, concurrency)
    return run_python(url, api_key, bodies, concurrency)


def _main(argv: list[str]) -> int:
    url, body_path, concurrency, out_path = argv[0], Path(argv[1]), int(argv[2]), Path(argv[3])
    bodies = [ln.encode("utf-8") for ln in body_path.read_text(encoding="utf-8").splitlines() if ln]
    res = asyncio.run(_drive(url, os.environ["LOAD_API_KEY"], bodies, concurrency))
    out_path.write_text(json.dumps({"requests": res.requests, "seconds": res.seconds, "latencies_ms": res.latencies_ms,
                                    "statuses": res.statuses, "kinds": res.kinds}))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
