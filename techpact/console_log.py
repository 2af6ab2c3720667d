"""How log records reach the terminal: a short default, everything with ``-v``.

The Prefect UI and run records keep every record; only the terminal handler is filtered.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Records a person at a terminal does not need unless asking for detail (-v): (logger name
# prefix, message prefix) of INFO records.
ROUTINE_RECORDS = (
    ("prefect.task_runs", "Finished in state Completed"),
    ("great_expectations", ""),
    ("prefect", "Stopping temporary server"),  # after the last line of the run's summary
)


class HideRoutineRecords(logging.Filter):
    """Drop INFO records that only say that routine work went as expected."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        message = record.getMessage()
        return not any(
            record.name.startswith(name) and message.startswith(prefix)
            for name, prefix in ROUTINE_RECORDS
        )


def configure_console_logging(*, verbose: bool) -> None:
    """One stderr handler on the root logger; techpact at INFO (DEBUG with ``verbose``)."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, ConsoleHandler)), None)
    if handler is None:
        handler = ConsoleHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
        root.setLevel(logging.WARNING)
    handler.filters = [] if verbose else [HideRoutineRecords()]
    logging.getLogger("techpact").setLevel(logging.DEBUG if verbose else logging.INFO)


class ConsoleHandler(logging.StreamHandler):
    """techpact's terminal handler: a class of its own, so it is set up once per process, and
    writing to whatever ``sys.stderr`` is at the time (a test runner swaps it)."""

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass
