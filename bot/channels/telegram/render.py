"""An engine outcome as Telegram messages: HTML, numbered sources, at most 4096 characters each."""
from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import urlparse

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.engine.messages import Citation, Kind, Outcome
from bot.i18n import text as T

LIMIT = 4096  # Telegram's maximum message length

# Callback data: short, fixed strings; never an id or any text of the asker.
HELPFUL, NOT_HELPFUL, ADVISOR = "fb:1", "fb:0", "adv"
ERASE_YES, ERASE_NO = "erase:yes", "erase:no"


@dataclass(frozen=True)
class Chunk:
    text: str  # HTML
    keyboard: InlineKeyboardMarkup | None = None


def answer_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(T("telegram.button.helpful", lang), callback_data=HELPFUL),
         InlineKeyboardButton(T("telegram.button.not_helpful", lang), callback_data=NOT_HELPFUL)],
        [InlineKeyboardButton(T("telegram.button.advisor", lang), callback_data=ADVISOR)]])


def erase_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(T("telegram.button.yes", lang), callback_data=ERASE_YES),
                                  InlineKeyboardButton(T("telegram.button.no", lang), callback_data=ERASE_NO)]])


def _is_web(url: str | None) -> bool:
    try:
        parsed = urlparse(url or "")
    except ValueError:
        return False
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def source_line(c: Citation) -> str:
    label = c.label() + (f" ({c.published[:4]})" if c.published else "")
    if _is_web(c.url):
        return f'[{c.n}] <a href="{html.escape(c.url, quote=True)}">{html.escape(label)}</a>'
    return f"[{c.n}] {html.escape(label)}"


def blocks(outcome: Outcome) -> list[str]:
    """Paragraphs of HTML; each is complete in itself, so a message may end after any of them."""
    out = [html.escape(p) for p in outcome.text.split("\n\n") if p.strip()]
    if outcome.citations:
        out.append(f"<b>{html.escape(T('answer.sources_heading', outcome.language))}</b>\n"
                   + "\n".join(source_line(c) for c in outcome.citations))
    return out


def render(outcome: Outcome) -> list[Chunk]:
    """Urgent guidance comes alone and first; only answers get the feedback buttons (on the last part)."""
    parts = split_blocks(blocks(outcome))
    keyboard = answer_keyboard(outcome.language) if outcome.kind is Kind.ANSWER else None
    return [Chunk(p, keyboard if i == len(parts) - 1 else None) for i, p in enumerate(parts)]


def split_blocks(items: list[str], limit: int = LIMIT) -> list[str]:
    """Packs paragraphs into messages of at most ``limit`` characters, cutting a paragraph only when it
    is longer than a whole message (then at lines, then at spaces)."""
    pieces: list[str] = []
    for item in items:
        pieces.extend(_fit(item, limit))
    messages: list[str] = []
    for piece in pieces:
        if messages and len(messages[-1]) + 2 + len(piece) <= limit:
            messages[-1] += "\n\n" + piece
        else:
            messages.append(piece)
    return messages


def split_text(text: str, limit: int = LIMIT) -> list[str]:
    """Plain text (an advisor's reply) in messages of at most ``limit`` characters, at paragraph ends."""
    return split_blocks([p for p in text.split("\n\n") if p.strip()], limit) or [text]


def _fit(item: str, limit: int) -> list[str]:
    if len(item) <= limit:
        return [item]
    for sep in ("\n", " "):
        if sep in item:
            out: list[str] = []
            for part in item.split(sep):
                for piece in _fit(part, limit):
                    if out and len(out[-1]) + len(sep) + len(piece) <= limit:
                        out[-1] += sep + piece
                    else:
                        out.append(piece)
            return out
    return _hard_cut(item, limit)


def _hard_cut(item: str, limit: int) -> list[str]:
    """A single word longer than a message: cut, but never inside an HTML entity such as ``&amp;``."""
    out = []
    while len(item) > limit:
        cut = limit
        amp = item.rfind("&", max(0, cut - 8), cut)
        if amp != -1 and ";" not in item[amp:cut]:
            cut = amp
        out.append(item[:cut])
        item = item[cut:]
    return out + ([item] if item else [])
