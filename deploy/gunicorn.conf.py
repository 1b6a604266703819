"""gunicorn's settings for Tianmu (`gunicorn -c deploy/gunicorn.conf.py tianmu.wsgi`).

Its own lines (start, worker exits, timeouts) as JSON lines like the application's
(tianmu.core.logs); no gunicorn access log: the application logs one line a request, with
its request id. Everything else comes from the command line (docs/deploy.md).
"""

import os

_format = os.environ.get("TIANMU_LOG_FORMAT", "text" if os.environ.get("DEBUG") == "1" else "json")

timeout = 60  # a request longer than this is killed (no job runs inside one)
graceful_timeout = 10  # Ctrl-C / SIGTERM: finish the requests in flight, then stop
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "tianmu.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": _format},
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
