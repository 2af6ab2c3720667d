"""Process set-up done once, at the entry point, before Prefect or GX are imported."""

from __future__ import annotations

import os

from techpact.config import Settings


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
