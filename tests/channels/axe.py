"""axe-core (npm) in a Playwright page: the WCAG 2.1 A and AA rules, run on one element (the widget's shadow
host; axe looks into open shadow roots). Installed once into the test cache by ``scripts/axe-core.sh``, as
the Telegram emulator is; a test fails, with what to do, when it cannot be had."""
from __future__ import annotations

import json
import os
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from tests.conftest import CACHE_DIR, REPO

SCRIPT = REPO / "scripts" / "axe-core.sh"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@lru_cache
def axe_script() -> Path:
    done = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "ESSBOT_TEST_CACHE": str(CACHE_DIR)})
    if done.returncode != 0:
        pytest.fail(f"The accessibility check needs axe-core (npm):\n{done.stderr[-2000:]}")
    return Path(done.stdout.strip().splitlines()[-1])


def violations(page, selector: str) -> list[dict]:
    """axe's violations of WCAG 2.1 A/AA inside ``selector``, each as {id, impact, help, targets}. Label in
    name (2.5.3) is experimental in axe and off by default: it is switched on here."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    result = page.evaluate("""async ([selector, tags]) => {
        const r = await axe.run({include: [[selector]]}, {runOnly: {type: 'tag', values: tags},
                                 rules: {'label-content-name-mismatch': {enabled: true}}, resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       targets: v.nodes.map(n => JSON.stringify(n.target) + ' ' + n.failureSummary)}));
    }""", [selector, WCAG_21_AA])
    return result


def assert_accessible(page, selector: str = "#ess-kennisbot") -> None:
    found = violations(page, selector)
    assert found == [], json.dumps(found, indent=1, ensure_ascii=False)
