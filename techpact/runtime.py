"""Process set-up done once, at the entry point, before Prefect or GX are imported."""

from __future__ import annotations

import logging
import os

from techpact.config import Settings

# Prefect's loggers for flow and task runs: a failure is logged there with its traceback.
PREFECT_RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")


def configure_environment(settings: Settings) -> None:
    """Keep Prefect's state inside the data directory and turn analytics off.

    Values a user set already win (``setdefault``), so a data engineer can point techpact at a
    running Prefect server with ``PREFECT_API_URL`` as usual.
    """
    settings.prefect_home.mkdir(parents=True, exist_ok=True)
    defaults = {
        "PREFECT_HOME": str(settings.prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_EXTRA_LOGGERS": "techpact",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
        "GX_ANALYTICS_ENABLED": "false",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)


class DropTracebacksOf(logging.Filter):
    """Keep a log record's line but drop its traceback when the exception is of ``kinds``.

    Prefect logs a failed task or flow with the traceback of its exception. For the failures
    techpact expects and explains in one line (a download that failed, a file that does not
    parse, a blocked gate) the line already names the URL or the file, line and column; the
    traceback would only bury it. Anything unexpected keeps its traceback.
    """

    def __init__(self, kinds: tuple[type[BaseException], ...]) -> None:
        super().__init__()
        self.kinds = kinds

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], self.kinds):
            record.exc_info = None
            record.exc_text = None
        return True


def quiet_known_failures(kinds: tuple[type[BaseException], ...]) -> None:
    """Install ``DropTracebacksOf(kinds)`` on Prefect's run loggers (once)."""
    for name in PREFECT_RUN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, DropTracebacksOf) for f in logger.filters):
            logger.addFilter(DropTracebacksOf(kinds))
