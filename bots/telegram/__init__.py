"""Telegram adapter (python-telegram-bot 22): translates updates into core commands."""
