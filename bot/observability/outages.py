"""What counts as an outage, for every web surface: the database or the vector store cannot be reached right
now. The API answers it with 503 ``unavailable``, the console with its "even niet beschikbaar" page; both with
the same Retry-After, because a restart takes seconds and clients (and proxies) should wait, not give up."""
from __future__ import annotations

from psycopg import OperationalError as PgOperationalError
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.index.vectors import VectorStoreUnavailable

RETRY_AFTER_S = 5
# Registered as exception handlers where a framework needs classes (the console); DBAPIError is narrowed below.
OUTAGE_CLASSES = (VectorStoreUnavailable, OperationalError, PgOperationalError, DBAPIError)


def is_outage(exc: BaseException) -> bool:
    """Worth retrying, not a bug (500)."""
    # psycopg's own error: raised where SQLAlchemy does not wrap it; connection_invalidated: SQLAlchemy saw a
    # disconnect, whatever class the driver gave it.
    return (isinstance(exc, (VectorStoreUnavailable, OperationalError, PgOperationalError))
            or (isinstance(exc, DBAPIError) and exc.connection_invalidated))
