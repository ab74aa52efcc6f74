"""Bar charts as inline SVG, drawn here: no JavaScript, no external files, allowed by the console's CSP.

Suppressed cells get no bar at all, only their "<K" label: a bar's height would give the value away.
"""
from __future__ import annotations

from html import escape

from .privacy import Cell

BAR, GAP, LABEL_W, WIDTH = 22, 6, 190, 640


def bar_chart(title: str, items: list[tuple[str, Cell]], unit: str = "") -> str:
    """Horizontal bars, one per (label, cell); readable on phones because it scales with its viewBox."""
    values = [c.value for _, c in items if c.value is not None]
    top = max(values) if values else 0
    height = 28 + len(items) * (BAR + GAP) + 4
    span = WIDTH - LABEL_W - 70
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<text x="0" y="16" font-size="14" font-weight="600" fill="#1d2733">{escape(title)}</text>']
    for n, (label, cell) in enumerate(items):
        y = 28 + n * (BAR + GAP)
        short = label if len(label) <= 28 else label[:27] + "…"
        parts.append(f'<text x="{LABEL_W - 8}" y="{y + 16}" font-size="12" text-anchor="end" fill="#1d2733">'
                     f'{escape(short)}</text>')
        if cell.value is None:
            parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{span}" height="{BAR}" fill="none" stroke="#c3ccd6" '
                         f'stroke-dasharray="4 3"/><text x="{LABEL_W + 6}" y="{y + 16}" font-size="12" '
                         f'fill="#5b6675">{escape(cell.text)} vragers (verborgen)</text>')
            continue
        w = 0 if top == 0 else max(1.0, span * cell.value / top) if cell.value else 0
        parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{BAR}" fill="#14508c"/>'
                     f'<text x="{LABEL_W + w + 6:.1f}" y="{y + 16}" font-size="12" fill="#1d2733">'
                     f'{escape(cell.text)}{escape(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)
