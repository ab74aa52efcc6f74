"""`essbot backup` and `essbot restore` (docs/backup.md)."""
from __future__ import annotations

import sys
from pathlib import Path

from . import BackupDamaged, IndexLocked, OpsError, RestoreRefused

EXIT_REFUSED, EXIT_BUSY, EXIT_FAILED = 2, 3, 1


def _fail(exc: Exception) -> int:
    print(f"fout/error: {exc}", file=sys.stderr)
    if isinstance(exc, IndexLocked):
        return EXIT_BUSY
    return EXIT_REFUSED if isinstance(exc, (BackupDamaged, RestoreRefused)) else EXIT_FAILED


def _describe(m: dict) -> str:
    db, idx = m.get("database"), m.get("index")
    lines = [f"gemaakt/created: {m['created_at']}  essbot {m['essbot_version']}"]
    if db:
        lines.append(f"database: {db['kind']}, schema {db['alembic_revision']}, "
                     f"{db['rows'].get('tickets', 0)} tickets, {db['rows'].get('messages', 0)} berichten/messages")
    else:
        lines.append("database: geen/none")
    if idx:
        lines.append(f"index: versie/version {idx['catalog_version']}, {idx['documents']} documenten/documents, "
                     f"{idx['chunks']} chunks, {idx['embedding_model']}, vectoren/vectors: {idx['vectors']}")
    else:
        lines.append("index: geen/none")
    return "\n".join(lines)


def cmd_backup(args, settings) -> int:
    from .backup import create_backup

    try:
        res = create_backup(settings, Path(args.dest), archive=args.archive, lock_timeout=args.lock_timeout)
    except OpsError as exc:
        return _fail(exc)
    print(f"back-up geschreven / backup written: {res.path}")
    print(_describe(res.manifest))
    print(f"{res.files} bestanden/files, {res.bytes / 1e6:.1f} MB, {res.seconds:.1f} s")
    print("Let op: bevat persoonsgegevens; bewaar versleuteld en niet langer dan de bewaartermijn. / Contains "
          "personal data: keep it encrypted and no longer than the retention period.")
    return 0


def cmd_restore(args, settings) -> int:
    from bot.storage.db import database_url

    from .database import head_revision
    from .restore import check_backup, restore_backup

    source = Path(args.source)
    try:
        if args.check:
            m = check_backup(source, settings.data_dir)
            print(f"back-up in orde / backup verified: {source}")
            print(_describe(m))
            return 0
        res = restore_backup(settings, source, yes=args.yes, lock_timeout=args.lock_timeout)
    except OpsError as exc:
        return _fail(exc)
    for warning in res.warnings:
        print(f"waarschuwing/warning: {warning}", file=sys.stderr)
    print(f"hersteld / restored: {source}")
    print(_describe(res.manifest))
    if res.vectors_rebuilt:
        print(f"vectoren opnieuw opgebouwd / vectors rebuilt: {res.vectors_rebuilt} chunks "
              f"({res.newly_embedded} opnieuw berekend / newly embedded)")
    db = res.manifest.get("database")
    if db and db["alembic_revision"] != head_revision(database_url(settings)):
        print(f"Het databaseschema ({db['alembic_revision']}) wordt bij de start van essbot bijgewerkt. / The "
              "database schema is migrated when essbot starts.")
    print(f"{res.seconds:.1f} s. Start de diensten opnieuw. / Restart the services.")
    return 0


def add_commands(sub, wrap) -> None:
    b = sub.add_parser("backup", help="back up database, index and reviewed answers / back-up maken")
    b.add_argument("dest", help="folder that receives essbot-backup-<time>/ (or .tar.gz)")
    b.add_argument("--archive", action="store_true", help="write one .tar.gz instead of a folder")
    b.add_argument("--lock-timeout", type=float, default=600,
                   help="seconds to wait for a running ingest to finish (default 600)")
    b.set_defaults(func=wrap(cmd_backup))

    r = sub.add_parser("restore", help="restore a backup / een back-up terugzetten")
    r.add_argument("source", help="a backup folder or .tar.gz written by `essbot backup`")
    r.add_argument("--yes", action="store_true", help="overwrite a database or index that holds data")
    r.add_argument("--check", action="store_true", help="only verify the checksums; change nothing")
    r.add_argument("--lock-timeout", type=float, default=60,
                   help="seconds to wait for a running ingest to finish (default 60)")
    r.set_defaults(func=wrap(cmd_restore))
