"""A redeploy stops `essbot serve` while askers and advisors hold live streams open: it must stop within
seconds, not wait out the streams' five minutes."""
from __future__ import annotations

import signal
import threading
import time

import requests

from .app import ORIGIN, SITE, essbot_serve


def test_serve_stops_promptly_with_a_live_stream_open(tmp_path):
    with essbot_serve(tmp_path, tmp_path / "data", f"sqlite:///{tmp_path / 'q.sqlite'}") as (base, proc):
        headers = {"Origin": ORIGIN}
        token = requests.post(base + "/widget/conversations", json={"site": SITE}, headers=headers, timeout=30)
        assert token.status_code == 201, token.text
        opened = threading.Event()

        def listen():
            url = f"{base}/widget/conversations/{token.json()['token']}/events?site={SITE}"
            try:
                with requests.get(url, headers=headers, stream=True, timeout=60) as r:
                    assert r.status_code == 200, r.text[:200]
                    opened.set()
                    for _ in r.iter_lines():
                        pass
            except requests.RequestException:
                pass  # the server went away: what the widget's reconnect handles

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        assert opened.wait(30), "the live stream did not open"
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        took = time.monotonic() - started
    print(f"serve stopped {took:.1f} s after SIGTERM with a live stream open")
    assert took < 20, f"serve took {took:.0f} s to stop with a live stream open"
