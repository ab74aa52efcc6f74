"""JSON log lines for log shippers (ESSBOT_LOG_FORMAT=json), one object per line.

Rule for every log call in this project: never pass message text (questions, answers, replies) or raw
asker ids, neither in the message nor as `extra`. Log kinds, counts, ids of our own (ticket refs) and
timings. As a safety net, the filter below redacts record attributes with text-like names.
"""
from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone

REDACTED_FIELDS = frozenset({"text", "question", "answer", "reply"})
REDACTED = "[redacted]"
# Attributes every LogRecord has; anything else on a record came in through `extra`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class RedactTextFilter(logging.Filter):
    """Replaces text-like `extra` attributes; on the handler, so it also sees records of other loggers."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name in REDACTED_FIELDS & vars(record).keys():
            setattr(record, name, REDACTED)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in out:
                out[key] = REDACTED if key in REDACTED_FIELDS else value  # redacted even without the filter
        if record.exc_info:
            out["exc_type"] = record.exc_info[0].__name__
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def json_handler(stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactTextFilter())
    return handler


def json_logs() -> bool:
    return os.environ.get("ESSBOT_LOG_FORMAT") == "json"


def uvicorn_log_config() -> dict | None:
    """With JSON logs, uvicorn's own loggers (its tracebacks of a failed request included) write JSON lines
    too: uvicorn applies this dictConfig itself, also in each worker process of `serve --workers N`. None:
    uvicorn's default plain-text configuration."""
    if not json_logs():
        return None
    handler = {"class": "logging.StreamHandler", "formatter": "json", "filters": ["redact"],
               "stream": "ext://sys.stderr"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": "bot.observability.logs.JsonFormatter"}},
        "filters": {"redact": {"()": "bot.observability.logs.RedactTextFilter"}},
        "handlers": {"json": handler},
        # uvicorn's loggers go to the root handler; the access log stays off (URLs carry widget tokens)
        "loggers": {name: {"handlers": [], "propagate": True} for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
        "root": {"handlers": ["json"], "level": "WARNING"},
    }
