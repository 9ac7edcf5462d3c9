"""Logging: one line per event, as JSON in production and readable text in development, each carrying the
request it belongs to.

The standard library's `logging` rather than structlog: uvicorn, SQLAlchemy, httpx and the stripe SDK all
log through it, so one handler with one formatter puts every line in the same shape, with no second pipeline
to bridge. Structured fields are passed as `extra={...}` and land as keys of the JSON object.

The request id is a context variable set by the HTTP layer for the whole of a request (its Stripe calls and
the work after its answer included); a filter copies it onto every record, whoever logs it.
"""

from __future__ import annotations

import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Literal, TextIO

import orjson

request_id_var: ContextVar[str | None] = ContextVar("portalql_request_id", default=None)

LogFormat = Literal["json", "text"]

# The attributes every LogRecord has; anything else on a record came from `extra=` and is a field.
# uvicorn's `color_message` repeats the message with terminal colours.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "color_message",
}
# Loggers whose messages already say what their fields hold (the fields are for JSON's readers).
_SELF_DESCRIBED = frozenset({"portalql.access"})
# A one-time portal code in a path, wherever a path ends up in a message.
_PORTAL_CODE = re.compile(r"(/portal/s/)[^/?#\s\"']+")


def redact(text: str) -> str:
    """`text` with one-time portal codes replaced: a code in a log would let its reader open the portal."""
    return _PORTAL_CODE.sub(r"\1[redacted]", text)


class _RequestContext(logging.Filter):
    """Adds `request_id` (or None outside a request) to every record, and redacts portal codes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if record.args:
            record.msg, record.args = record.getMessage(), None
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, process, the record's extras and
    the exception's traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "pid": record.process,
        }
        line.update(
            (key, value)
            for key, value in vars(record).items()
            if key not in _STANDARD and key not in line and not key.startswith("_")
        )
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


class TextFormatter(logging.Formatter):
    """`12:00:01 INFO  portalql.web [req_…] message key=value`, for a developer's terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if record.name in _SELF_DESCRIBED:
            return text
        extras = " ".join(
            f"{key}={value}"
            for key, value in vars(record).items()
            if key not in _STANDARD and key != "request_id" and not key.startswith("_")
        )
        return f"{text} {extras}" if extras else text


def log_handler(log_format: LogFormat, stream: TextIO) -> logging.Handler:
    """A handler writing records to `stream` in `log_format`, each with its request id."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(_RequestContext())
    return handler


def configure_logging(log_format: LogFormat, *, level: str = "INFO") -> None:
    """Send every logger's records to stderr in `log_format`; uvicorn's own handlers are removed so that its
    lines take the same shape. The API's servers run without uvicorn's access log: `portalql.access`, which
    redacts codes, replaces it."""
    handler = log_handler(log_format, sys.stderr)
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # httpx and the Stripe SDK log each Stripe call's full URL at INFO (ids, and a customers search's email
    # in the query): the Stripe metrics and spans say what was called, without whom for.
    for chatty in ("httpx", "stripe"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
