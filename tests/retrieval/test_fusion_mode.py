"""The fusion mode is a Fusion value: a misspelt mode fails when configured, not by silently fusing by weight."""
from __future__ import annotations

import pytest

from bot.retrieval.hybrid import Fusion, RetrievalConfig


def test_the_fusion_mode_is_checked_when_configured():
    assert RetrievalConfig().fusion is Fusion.RRF
    assert RetrievalConfig(fusion="weighted").fusion is Fusion.WEIGHTED
    with pytest.raises(ValueError):
        RetrievalConfig(fusion="RRF")
