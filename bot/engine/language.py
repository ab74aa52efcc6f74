"""Which language the asker writes in: Dutch or English, by function words (no model needed)."""
from __future__ import annotations

import re

_NL = set("de het een en van ik je jij wij we zij is zijn niet wat hoe waar wie welke met voor op aan bij "
          "dat die dit er ook maar of om naar mijn onze ons kan kunnen moet moeten heeft hebben wordt "
          "worden als nog wel geen zo al".split())
_EN = set("the a an and of i you we they is are not what how where who which with for on at by that this "
          "there also but or to my our us can could should must has have been be as still yes no does do "
          "did about from".split())
_WORD = re.compile(r"[a-zA-Zà-ÿ']+")


def detect(text: str, default: str = "nl") -> str:
    words = [w.lower() for w in _WORD.findall(text)]
    nl = sum(w in _NL for w in words)
    en = sum(w in _EN for w in words)
    if en > nl and en >= 2:
        return "en"
    if nl > en:
        return "nl"
    return default
