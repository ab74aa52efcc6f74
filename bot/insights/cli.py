"""`essbot report`: the weekly or monthly insights report as report.html and report.pdf."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path


def cmd_report(args, settings) -> int:
    from bot.storage.db import open_database
    from bot.index.embeddings import make_embeddings

    from .report import build_report

    try:
        start = date.fromisoformat(args.start) if args.start else None
    except ValueError:
        print(f"fout/error: ongeldige datum / invalid date: {args.start} (YYYY-MM-DD)", file=sys.stderr)
        return 2
    db = open_database(settings)
    try:
        embeddings = make_embeddings(settings.embedding_backend, settings.embedding_model,
                                     settings.data_dir / "cache" / "embeddings.sqlite")
        html, pdf = build_report(db, settings, args.period, start, embeddings)
    finally:
        db.dispose()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.html").write_text(html, encoding="utf-8")
    (out / "report.pdf").write_bytes(pdf)
    print(f"rapport geschreven / report written: {out / 'report.html'}, {out / 'report.pdf'}")
    return 0


def add_commands(sub, wrap) -> None:
    r = sub.add_parser("report", help="insights report (HTML and PDF) / inzichtenrapport")
    r.add_argument("--period", choices=("week", "month"), default="week")
    r.add_argument("--start", help="a date in the period, YYYY-MM-DD; default: the last complete period")
    r.add_argument("--out", required=True, help="folder for report.html and report.pdf")
    r.set_defaults(func=wrap(cmd_report))
