"""Logs as JSON lines, each with the request id of the request that wrote it.

A formatter of our own (twenty lines) rather than python-json-logger: the fields are fixed
(time, level, logger, message, request_id, and what the record carries in `extra`), and the
standard library's json does the escaping; docs/deploy.md, "Logs".
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging

#: The id of the request being served (RequestIdMiddleware sets it), "" outside a request.
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

#: Attributes every LogRecord has; anything else on a record came from `extra=` and is logged.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id,
    the record's `extra` fields (method, path, status, duration_ms for requests), exc_info."""

    def format(self, record: logging.LogRecord) -> str:
        # django.request logs a 4xx/5xx after the middleware has returned: its record carries
        # the request (whose id we set), not the context; the request itself is not logged.
        request = getattr(record, "request", None)
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None)
            or getattr(request, "id", None)
            or request_id_var.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line and key != "request":
                line[key] = value
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
