"""Secrets never reach the logs: every line, tracebacks included, has them blanked out.

Third-party libraries put what they were given into their errors (a bot token is part of
every Telegram URL), so the redaction is done where lines are written, not where they are
made. The secrets are the configured tokens, keys, webhook secrets and database password.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from core.config import Settings

REDACTED = "[redacted]"
SHORTEST_SECRET = 6  # shorter strings would blank out ordinary words


def secrets_of(settings: Settings) -> list[str]:
    found: list[str] = []
    for secret in (
        settings.telegram_token,
        settings.discord_token,
        settings.stripe_api_key,
        settings.stripe_webhook_secret,
        settings.telegram_webhook_secret,
    ):
        if secret is not None:
            value = secret.get_secret_value()
            found.append(value)
            if ":" in value:  # a Telegram token: its part after the colon is the secret
                found.append(value.split(":", 1)[1])
    if settings.telegram_token is not None:  # the webhook's secret, made from it
        found.append(settings.telegram_webhook_secret_value())
    password = urlsplit(settings.database_url).password
    if password:
        found.append(password)
    return sorted({s for s in found if len(s) >= SHORTEST_SECRET}, key=len, reverse=True)


class RedactingFormatter(logging.Formatter):
    """Whatever the inner formatter writes (text or JSON), with the secrets blanked out."""

    def __init__(self, secrets: list[str], inner: logging.Formatter | None = None) -> None:
        super().__init__()
        self.secrets = secrets
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(record), self.secrets)


def redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def redact_logs(settings: Settings) -> list[str]:
    """Put redaction on every handler of the root logger; returns the secrets it hides."""
    secrets = secrets_of(settings)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(secrets, handler.formatter))
    return secrets
