"""Operations: `essbot backup` and `essbot restore` (docs/backup.md)."""


class OpsError(RuntimeError):
    """An operator-facing failure; the message is Dutch first, then English."""


class BackupDamaged(OpsError):
    """The backup does not match its manifest: nothing was changed."""


class RestoreRefused(OpsError):
    """Restoring would overwrite data or mix incompatible data: nothing was changed."""


class IndexLocked(OpsError):
    """An ingest holds the index lock for longer than the caller was willing to wait."""
