"""Human words for stored values, as Jinja filters: channels, themes, the kinds of the bot's turns, waiting times,
and text cut at a word. Labels come from prompts/console.nl.yaml; an unknown value shows as stored."""
from __future__ import annotations

import re
from datetime import datetime

from bot.i18n import labels, text as T
from bot.storage.models import utcnow

CHANNEL_NL = labels("console.channel")
THEME_NL = labels("console.theme")
URGENT_NL = labels("console.urgent")  # an urgent ticket's theme is its triage category (e.g. weapon)
TURN_NL = labels("console.turn")


def cut(value: str | None, limit: int = 120) -> str:
    """``value`` in at most ``limit`` characters, cut after a whole word with an ellipsis (never mid-word)."""
    value = (value or "").strip()
    if len(value) <= limit:
        return value
    head = value[:limit]
    if not value[limit].isspace():  # the limit falls inside a word: drop that word
        head = head.rsplit(None, 1)[0] if re.search(r"\s", head) else head
    return head.rstrip(" ,;:.-–") + "…"


def channel_nl(channel: str | None) -> str:
    return CHANNEL_NL.get(channel or "", channel or "–")


def theme_nl(theme: str | None) -> str:
    if not theme:
        return "–"
    return THEME_NL.get(theme) or URGENT_NL.get(theme) or theme


def turn(author: str, kind: str | None, text: str, shortened: bool = False) -> tuple[str | None, str]:
    """A stored turn (``Message.turn``) as (label or None, text): the bot turn's kind becomes a label, a turn
    stored shortened ends at a word with an ellipsis instead of mid-word."""
    if author != "assistant" or kind is None:
        return None, text
    if shortened:  # maybe cut mid-word: drop the last word, show the cut
        text = text.rsplit(None, 1)[0].rstrip(" ,;:.-–") + "…"
    return TURN_NL.get(kind), text


def waited(since: datetime | None, now: datetime | None = None) -> str:
    """How long since ``since``, as an advisor says it: "12 min", "2 u 10 min", "3 d 4 u"."""
    if since is None:
        return "–"
    minutes = max(0, int(((now or utcnow()) - since).total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return T("console.waited.days", days=days, hours=hours)
    if hours:
        return T("console.waited.hours", hours=hours, minutes=mins)
    return T("console.waited.minutes", minutes=mins)


def install(env) -> None:
    env.filters.update(cut=cut, channel_nl=channel_nl, theme_nl=theme_nl, waited=waited)
    env.globals.update(turn=turn, T=T)  # T: catalogue texts in templates (console.* keys)
