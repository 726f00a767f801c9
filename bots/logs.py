"""Logs an operator can read or feed to a log system: text or JSON lines, at a set level."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from bots.redaction import redact_logs
from core.config import Settings

TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET = ("httpx", "httpcore", "aiosqlite", "apscheduler.executors", "discord.gateway")


def configure_logging(settings: Settings) -> None:
    """PARENTBRAIN_LOG_LEVEL and PARENTBRAIN_LOG_FORMAT; secrets blanked out either way."""
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "at", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    for chatty in QUIET:  # a line per HTTP request drowns what matters
        logging.getLogger(chatty).setLevel(max(logging.WARNING, root.level))
    redact_logs(settings)
