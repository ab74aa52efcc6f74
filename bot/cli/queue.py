"""`essbot advisor|team|worker|console|bench-queue`: operating the advisor queue from the command line."""
from __future__ import annotations

import getpass
import os
import signal
import sys
import threading

from sqlalchemy import select


def _db(settings):
    from bot.storage.db import open_database

    return open_database(settings)


def cmd_advisor_add(args, settings) -> int:
    from bot.handover.accounts import AccountError, create_advisor
    from bot.storage.models import Team

    password = os.environ.get("ESSBOT_NEW_PASSWORD") or (
        sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Wachtwoord / password: "))
    db = _db(settings)
    try:
        with db.session() as s:
            team = None
            if args.team:
                team = s.scalars(select(Team).where(Team.name == args.team)).first()
                if team is None:
                    print(f"fout/error: team bestaat niet / no such team: {args.team}", file=sys.stderr)
                    return 2
            advisor = create_advisor(s, args.email, args.name or args.email, password, role=args.role, team=team)
            print(f"account aangemaakt / created: {advisor.email} ({advisor.role})")
    except AccountError as exc:
        print(f"fout/error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_team_add(args, settings) -> int:
    from bot.storage.audit import audit
    from bot.storage.models import Team

    db = _db(settings)
    with db.session() as s:
        if s.scalars(select(Team).where(Team.name == args.name)).first():
            print(f"fout/error: team bestaat al / team exists: {args.name}", file=sys.stderr)
            return 2
        backup = s.scalars(select(Team).where(Team.name == args.backup)).first() if args.backup else None
        if args.backup and backup is None:
            print(f"fout/error: achtervang bestaat niet / no such backup team: {args.backup}", file=sys.stderr)
            return 2
        team = Team(name=args.name, themes=_split(args.themes) or ["*"], regions=_split(args.regions),
                    backup_team_id=backup.id if backup else None, is_default=args.default)
        s.add(team)
        s.flush()
        audit(s, None, "team.created", team_id=team.id)
        print(f"team aangemaakt / created: {team.name}")
    return 0


def _split(v: str | None) -> list[str]:
    return [x.strip() for x in (v or "").split(",") if x.strip()]


def cmd_worker(args, settings) -> int:
    from bot.runtime import build_runtime

    worker = build_runtime(settings).worker()
    if args.once:
        worker.housekeeping()
        print(f"verzonden/sent: {worker.deliveries.run_once(limit=1000)}")
        return 0
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    worker.run(stop, interval=args.interval)
    return 0


def cmd_bench_queue(args, settings) -> int:
    from bot.evaluation.queue_bench import run_queue_bench

    return run_queue_bench(settings, args.database_url, tickets=args.tickets, advisors=args.advisors,
                           page_requests=args.page_requests)


def cmd_console(args, settings) -> int:
    from bot.server import serve_console

    serve_console(settings, with_worker=not args.no_worker)
    return 0


def cmd_serve(args, settings) -> int:
    from bot.server import serve

    serve(settings, with_worker=not args.no_worker, workers=args.workers)
    return 0


def cmd_telegram(args, settings) -> int:
    from bot.server import telegram_polling

    telegram_polling(settings, with_worker=not args.no_worker)
    return 0


def _asker_of(args, settings) -> str:
    if args.asker:
        return args.asker
    from bot.channels.identity import pseudonym

    return pseudonym(settings.secret_key, args.channel, args.id)


def cmd_export_user(args, settings) -> int:
    import json

    from bot.handover.service import QueueService

    data = QueueService(_db(settings)).export_asker(_asker_of(args, settings), settings.secret_key)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if args.out:
        from pathlib import Path

        Path(args.out).write_text(text, encoding="utf-8")
        print(f"geschreven / written: {args.out} ({len(data['messages'])} berichten/messages, "
              f"{len(data['tickets'])} tickets)")
    else:
        print(text)
    return 0


def cmd_erase_user(args, settings) -> int:
    from bot.handover.service import QueueService

    if not args.yes:
        print("fout/error: wissen kan niet ongedaan worden; herhaal met --yes / erasure is final; repeat with --yes",
              file=sys.stderr)
        return 2
    counts = QueueService(_db(settings)).erase_asker(_asker_of(args, settings), settings.secret_key)
    print("gewist / erased: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


def _user_args(p) -> None:
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--id", help="the user's id on the channel (e.g. a Telegram user id), with --channel")
    who.add_argument("--asker", help="the pseudonym itself, as shown in the console or an export")
    p.add_argument("--channel", default="telegram", help="channel of --id (default telegram)")


def add_commands(sub, wrap) -> None:
    adv = sub.add_parser("advisor", help="advisor accounts / accounts van adviseurs")
    advsub = adv.add_subparsers(dest="advisor_command", required=True)
    add = advsub.add_parser("add", help="create an account (the first admin, say)")
    add.add_argument("email")
    add.add_argument("--name")
    add.add_argument("--role", default="advisor", choices=["advisor", "editor", "admin"])
    add.add_argument("--team")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin "
                     "(or set ESSBOT_NEW_PASSWORD); default: prompt")
    add.set_defaults(func=wrap(cmd_advisor_add))

    team = sub.add_parser("team", help="teams and routing / teams en routering")
    teamsub = team.add_subparsers(dest="team_command", required=True)
    tadd = teamsub.add_parser("add")
    tadd.add_argument("name")
    tadd.add_argument("--themes", help="comma-separated collections or urgent categories; default * (any)")
    tadd.add_argument("--regions", help="comma-separated municipalities or regions; default any")
    tadd.add_argument("--backup", help="team that takes over when this one is unstaffed or overdue")
    tadd.add_argument("--default", action="store_true", help="takes what no other team takes")
    tadd.set_defaults(func=wrap(cmd_team_add))

    w = sub.add_parser("worker", help="deliver replies, remind overdue tickets / antwoorden bezorgen")
    w.add_argument("--once", action="store_true")
    w.add_argument("--interval", type=float, default=1.0)
    w.set_defaults(func=wrap(cmd_worker))

    c = sub.add_parser("console", help="the advisor console / de console voor adviseurs")
    c.add_argument("--no-worker", action="store_true", help="run the delivery worker elsewhere")
    c.set_defaults(func=wrap(cmd_console))

    ex = sub.add_parser("export-user", help="everything kept about one asker, as JSON (right of access)")
    _user_args(ex)
    ex.add_argument("--out", help="file to write; default: stdout")
    ex.set_defaults(func=wrap(cmd_export_user))

    er = sub.add_parser("erase-user", help="erase everything about one asker (right to erasure)")
    _user_args(er)
    er.add_argument("--yes", action="store_true", help="confirm: erasure cannot be undone")
    er.set_defaults(func=wrap(cmd_erase_user))

    sv = sub.add_parser("serve", help="API, widget, console, worker and Telegram webhook in one process")
    sv.add_argument("--no-worker", action="store_true", help="run the delivery worker elsewhere")
    sv.add_argument("--workers", type=int, default=1,
                    help="API processes behind one port (each loads the index; the delivery worker runs once)")
    sv.set_defaults(func=wrap(cmd_serve))

    tg = sub.add_parser("telegram", help="the Telegram bot by long polling (local use)")
    tg.add_argument("--no-worker", action="store_true")
    tg.set_defaults(func=wrap(cmd_telegram))

    b = sub.add_parser("bench-queue", help="queue operations/s and console latency on a scratch database")
    b.add_argument("--database-url", help="PostgreSQL server URL (a scratch database is created there); "
                   "default: a temporary SQLite file")
    b.add_argument("--tickets", type=int, default=2000)
    b.add_argument("--advisors", type=int, default=8)
    b.add_argument("--page-requests", type=int, default=400)
    b.set_defaults(func=wrap(cmd_bench_queue))
