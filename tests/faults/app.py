"""`essbot serve` as a real subprocess for the fault tests: configured through ESSBOT_* variables only,
as an operator would, and reached over HTTP."""
from __future__ import annotations

import hashlib
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.conftest import TEST_SECRET
from tests.services import free_port, running

API_KEY = "fault-partner-key-" + "f" * 20
SITE, ORIGIN = "gemeente-f", "https://www.gemeente-f.example"


def serve_env(data_dir: Path, database_url: str, port: int, **extra) -> dict[str, str]:
    """The environment of one `essbot serve` process; ``extra`` are more settings (ESSBOT_ is added)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESSBOT_")}
    env.update({
        "ESSBOT_ENVIRONMENT": "test", "ESSBOT_SECRET_KEY": TEST_SECRET, "ESSBOT_DATA_DIR": str(data_dir),
        "ESSBOT_KNOWLEDGE_DIR": str(data_dir / "kb"), "ESSBOT_DATABASE_URL": database_url,
        "ESSBOT_CONSOLE_HOST": "127.0.0.1", "ESSBOT_CONSOLE_PORT": str(port),
        "ESSBOT_API_KEYS": json.dumps({"partner-f": hashlib.sha256(API_KEY.encode()).hexdigest()}),
        "ESSBOT_WIDGET_SITES": json.dumps({SITE: [ORIGIN]}),
    })
    env.update({"ESSBOT_" + k.upper(): str(v) for k, v in extra.items()})
    return env


@contextmanager
def essbot_serve(tmp_path: Path, data_dir: Path, database_url: str, log_name: str = "serve.log", **settings):
    """Starts `essbot serve` (API, widget, console and delivery worker in one process); yields its base
    URL once /healthz answers, and stops it afterwards."""
    exe = str(Path(sys.executable).with_name("essbot"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = serve_env(data_dir, database_url, port, **settings)
    # `env -i -C`: exactly this environment, and the test's own directory so no developer's .env is read
    cmd = ["env", "-i", "-C", str(tmp_path), *(f"{k}={v}" for k, v in env.items()), exe, "serve"]
    with running(cmd, base + "/healthz", tmp_path / log_name, timeout=90) as proc:
        yield base, proc


def api_ask(base: str, conversation: str, text: str, timeout: float = 60) -> requests.Response:
    return requests.post(base + "/api/v1/messages", headers={"X-API-Key": API_KEY}, timeout=timeout,
                         json={"conversation_id": conversation, "text": text, "language": "nl"})


def api_replies(base: str, conversation: str, timeout: float = 30) -> requests.Response:
    return requests.get(f"{base}/api/v1/conversations/{conversation}/replies", headers={"X-API-Key": API_KEY},
                        timeout=timeout)
