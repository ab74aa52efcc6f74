"""`essbot`: the command line for operators.

    essbot ingest [PATH ...] [--rebuild]    index handbooks (default: the knowledge folder)
    essbot ask "vraag"                      answer a question as the bot does (answer, hand-over or urgent)
    essbot search "vraag"                   show the best passages with citations
    essbot eval --corpus DIR --questions F  score retrieval on a dev set
    essbot bench --corpus DIR               ingest/query speed and memory
    essbot advisor add EMAIL --role admin   create an advisor account (the first admin)
    essbot team add NAME --themes ...       create a team for routing
    essbot worker                           deliver advisors' replies, remind overdue tickets
    essbot serve                            REST API, widget, console, worker (+ Telegram webhook) in one process
    essbot telegram                         the Telegram bot by long polling (local use)
    essbot console                          the advisor console (and the worker) on console_host:port
    essbot bench-queue                      queue operations/s and console page latency
    essbot bench-load                       answers/s, latency and memory of `serve --workers 2` under load
    essbot report --period week|month       anonymised insights report (HTML and PDF)
    essbot backup DIR / essbot restore DIR  database, index and reviewed answers (docs/backup.md)
    essbot config-reference [--check]       docs/configuration.md from the settings
    essbot redact < in.jsonl > out.jsonl    personal data out of {"id","text"} lines -> {"id","redacted"}
    essbot train-triage / train-names / train-asktype   refit the judgement models on bot/labelled
    essbot bench-judgement                  memory and speed of redaction and triage
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
from pathlib import Path

from bot.config import Settings, get_settings


def _settings() -> Settings:
    return get_settings()


def cmd_ingest(args) -> int:
    from bot.index.store import Index, IndexBusy
    from ingest.pipeline import ingest_paths

    s = _settings()
    # By default the handbooks and the advisors' reviewed answers: a rebuild must not drop the latter.
    reviewed = Path(s.reviewed_dir)
    paths = [Path(p) for p in args.paths] or [s.knowledge_dir, *([reviewed] if reviewed.is_dir() else [])]
    if any(p.resolve() == s.knowledge_dir.resolve() for p in paths):
        from ingest.samples import render_samples

        render_samples(s.knowledge_dir)  # PDF/DOCX versions of the sample documents
    if args.rebuild:
        shutil.rmtree(s.index_dir, ignore_errors=True)
        if s.chroma_mode == "http":  # the vectors live on the server: a rebuild starts that collection afresh
            from bot.index.vectors import drop_collection

            drop_collection(s)
    try:
        index = Index(s)
        report = ingest_paths(paths, s, index=index, progress=not args.quiet)
    except IndexBusy as exc:
        print(f"fout/error: er loopt al een ingest / {exc}", file=sys.stderr)
        return 3
    except FileNotFoundError as exc:
        print(f"fout/error: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def _open_index():
    """The configured index, or None (with a message saying what to do) when nothing was ingested yet."""
    from bot.index.store import Index

    index = Index(_settings())
    if index.catalog.version() == 0:
        print("De index is leeg: draai eerst `essbot ingest`. / The index is empty: run `essbot ingest` first.",
              file=sys.stderr)
        return None
    return index


def cmd_search(args) -> int:
    from bot.retrieval.hybrid import HybridRetriever

    index = _open_index()
    if index is None:
        return 2
    retriever = HybridRetriever(index)
    res = retriever.search(args.question, k=args.k, collections=args.collection or None,
                           audiences=args.audience or None, languages=args.language or None)
    if args.json:
        print(json.dumps([{"citation": p.citation(), "source": p.source, "url": p.url, "score": p.score,
                           "text": p.text} for p in res.passages], ensure_ascii=False, indent=1))
        return 0
    print(f"betrouwbaarheid/confidence: {res.confidence:.2f}   ({res.timings_ms['total']:.1f} ms)\n")
    for n, p in enumerate(res.passages, 1):
        print(f"[{n}] {p.citation()}  (score {p.score:.3f})")
        print(f"    bron/source: {p.url or p.source}")
        snippet = p.core_text if len(p.core_text) < 400 else p.core_text[:400].rsplit(" ", 1)[0] + " …"
        print(f"    {snippet}\n")
    return 0


def cmd_ask(args) -> int:
    import uuid

    from bot.engine.engine import MessageRejected, render
    from bot.engine.messages import InboundMessage
    from bot.retrieval.hybrid import HybridRetriever
    from bot.runtime import build_runtime

    index = _open_index()
    if index is None:
        return 2
    engine = build_runtime(index.settings, retriever=HybridRetriever(index)).engine
    # without --conversation every question starts afresh: an earlier one must not colour this answer
    conversation = args.conversation or f"cli:{uuid.uuid4().hex[:12]}"
    msg = InboundMessage(channel="cli", asker="cli", conversation_id=conversation, text=args.question,
                         language=args.language, role=args.role, region=args.region)
    try:
        outcome = engine.handle(msg)
    except MessageRejected as exc:
        print(exc.text, file=sys.stderr)
        return 2
    print(render(outcome))
    return 0


def cmd_eval(args) -> int:
    from bot.evaluation.harness import format_report, run_eval, write_json

    s = _settings()
    for p in (args.corpus, args.questions):
        if not Path(p).exists():
            print(f"fout/error: bestaat niet / does not exist: {p}", file=sys.stderr)
            return 2
    out = run_eval(Path(args.corpus), Path(args.questions), s, progress=not args.quiet)
    if args.json:
        write_json(out, Path(args.json))
    print(format_report(out))
    shutil.rmtree(out["workdir"], ignore_errors=True)
    return 0


def cmd_redact(args) -> int:
    """JSON lines {"id", "text"} on stdin -> {"id", "redacted"} on stdout; a bad line is reported on stderr
    with its number and skipped, the others still come out."""
    from bot.privacy import get_redactor

    redactor = get_redactor()
    bad = 0
    for n, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text = row["text"]
            if not isinstance(text, str):
                raise TypeError("text is not a string")
        except (ValueError, KeyError, TypeError) as exc:
            bad += 1
            print(f"fout/error: regel/line {n}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        out = {"id": row.get("id"), "redacted": redactor.redact(text).text}
        if args.spans:
            out["spans"] = [{"start": s.start, "end": s.end, "kind": s.kind} for s in redactor.find(text)]
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 1 if bad else 0


def cmd_train_triage(args) -> int:
    from bot.triage.train import main as train_main

    return train_main(["--out", args.out] if args.out else [])


def cmd_train_names(args) -> int:
    from bot.privacy.train import main as train_main

    return train_main(["--out", args.out] if args.out else [])


def cmd_train_asktype(args) -> int:
    from bot.engine.train_asktype import main as train_main

    return train_main(["--holdout"] if args.holdout else [])


def cmd_bench_judgement(args) -> int:
    from bot.evaluation.judgement_bench import run_judgement_bench

    return run_judgement_bench(args.limit)


def cmd_bench(args) -> int:
    from bot.evaluation.bench import run_bench

    return run_bench(Path(args.corpus), Path(args.questions) if args.questions else None, _settings())


def cmd_config_reference(args) -> int:
    from bot.config_reference import write_or_check

    return write_or_check(check=args.check)


def cmd_bench_load(args) -> int:
    from bot.evaluation.load_bench import run_load_bench

    return run_load_bench(_settings(), Path(args.corpus) if args.corpus else _settings().knowledge_dir,
                          args.database_url, requests=args.requests, concurrency=args.concurrency,
                          workers=args.workers, questions_file=Path(args.questions) if args.questions else None,
                          client=args.client, unique=args.unique_texts)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="essbot", description="ESS kennisbot")
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="command", required=True)

    i = sub.add_parser("ingest", help="index handbooks / handreikingen indexeren")
    i.add_argument("paths", nargs="*")
    i.add_argument("--rebuild", action="store_true", help="start from an empty index")
    i.add_argument("-q", "--quiet", action="store_true")
    i.set_defaults(func=cmd_ingest)

    s = sub.add_parser("search", help="search the index / zoeken")
    s.add_argument("question")
    s.add_argument("-k", type=int, default=5)
    s.add_argument("--collection", action="append")
    s.add_argument("--audience", action="append")
    s.add_argument("--language", action="append")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_search)

    a = sub.add_parser("ask", help="ask the kennisbot a question / een vraag stellen")
    a.add_argument("question")
    a.add_argument("--conversation", help="conversation id, to ask a follow-up question in the same conversation; "
                   "default: a new conversation each time")
    a.add_argument("--language", choices=["nl", "en"])
    a.add_argument("--role")
    a.add_argument("--region")
    a.set_defaults(func=cmd_ask)

    e = sub.add_parser("eval", help="evaluate retrieval on a question file")
    e.add_argument("--corpus", required=True)
    e.add_argument("--questions", required=True)
    e.add_argument("--json", metavar="OUT")
    e.add_argument("-q", "--quiet", action="store_true")
    e.set_defaults(func=cmd_eval)

    b = sub.add_parser("bench", help="benchmark ingest and query speed, memory")
    b.add_argument("--corpus", required=True)
    b.add_argument("--questions")
    b.set_defaults(func=cmd_bench)

    bl = sub.add_parser("bench-load", help="bounded load test of the REST API on loopback (scratch database)")
    bl.add_argument("--corpus", help="folder to ingest (default: the knowledge folder)")
    bl.add_argument("--questions", help="dev.jsonl-style file; default: the built-in practitioner questions")
    bl.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test",
                    help="PostgreSQL server URL; a scratch database is created there and dropped afterwards")
    bl.add_argument("--requests", type=int, default=3000)
    bl.add_argument("--concurrency", type=int, default=16)
    bl.add_argument("--workers", type=int, default=2, help="API worker processes of `essbot serve`")
    bl.add_argument("--client", choices=["auto", "wrk", "python"], default="auto",
                    help="load generator (auto: wrk when installed)")
    bl.add_argument("--unique-texts", action="store_true",
                    help="number every question, so no request repeats another's text (no cache helps)")
    bl.set_defaults(func=cmd_bench_load)

    bj = sub.add_parser("bench-judgement", help="memory and speed of redaction and urgent triage")
    bj.add_argument("--limit", type=int, default=600, help="labelled messages to time")
    bj.set_defaults(func=cmd_bench_judgement)

    r = sub.add_parser("redact", help="redact personal data: JSON lines {id, text} on stdin -> {id, redacted}")
    r.add_argument("--spans", action="store_true", help="also give the positions and kinds found")
    r.set_defaults(func=cmd_redact)

    tt = sub.add_parser("train-triage", help="fit the urgent-triage model on bot/labelled (writes its weights)")
    tt.add_argument("--out")
    tt.set_defaults(func=cmd_train_triage)

    tn = sub.add_parser("train-names", help="fit the person-name model on bot/labelled (writes its weights)")
    tn.add_argument("--out")
    tn.set_defaults(func=cmd_train_names)

    ta = sub.add_parser("train-asktype", help="fit the expected-answer-type model on bot/labelled (writes its weights)")
    ta.add_argument("--holdout", action="store_true", help="only print the figures on the kept-apart set")
    ta.set_defaults(func=cmd_train_asktype)

    cr = sub.add_parser("config-reference", help="write docs/configuration.md from the settings")
    cr.add_argument("--check", action="store_true", help="exit 1 when docs/configuration.md is out of date")
    cr.set_defaults(func=cmd_config_reference)

    from bot.cli.queue import add_commands

    add_commands(sub, lambda fn: (lambda args: fn(args, _settings())))
    from bot.ops.cli import add_commands as add_ops_commands

    add_ops_commands(sub, lambda fn: (lambda args: fn(args, _settings())))

    from bot.insights.cli import add_commands as add_insight_commands

    add_insight_commands(sub, lambda fn: (lambda args: fn(args, _settings())))
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.INFO if args.verbose else logging.WARNING
    if os.environ.get("ESSBOT_LOG_FORMAT") == "json":  # observability: one JSON object per line for shippers
        from bot.observability.logs import json_handler

        logging.basicConfig(level=level, handlers=[json_handler()])
    else:
        logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    import bm25s  # noqa: F401  -- it sets its own logger to DEBUG on import: import first, then quieten it

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    from pydantic import ValidationError

    from bot.config import ConfigError, one_line

    try:
        return args.func(args)
    except (ConfigError, ValidationError) as exc:  # the operator gets one line, not a traceback
        print(f"configuratiefout / configuration error: {one_line(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
